"""``workdays.is_statutory_holiday``: a rest day of a holiday period as the State Council
notice schedules it (国办发明电〔2019〕16号, 〔2020〕1号), not an ordinary weekend."""

import pytest

from apps.core import workdays
from apps.core.models import WorkdayOverride, WorkdaySchedule

from .conftest import D, days, in_holiday_period

pytestmark = pytest.mark.django_db


def test_2020_matches_the_notices_day_by_day():
    wrong = [d for d in days(D(2020, 1, 1), D(2020, 12, 31))
             if workdays.is_statutory_holiday(d) != in_holiday_period(d)]
    assert wrong == []


def test_make_up_days_and_ordinary_weekends_are_not_holidays():
    assert not workdays.is_statutory_holiday(D(2020, 10, 10))  # make-up Saturday
    assert not workdays.is_statutory_holiday(D(2020, 6, 6))    # ordinary Saturday
    assert workdays.is_statutory_holiday(D(2020, 5, 2))        # Saturday inside 劳动节 5/1–5/5


def test_a_provisional_year_uses_the_statutory_computation():
    # 2099: no schedule; 元旦 on Thursday 2099-01-01 (art. 2), 国庆 10-01…10-03.
    assert workdays.is_provisional(D(2099, 1, 1))
    assert workdays.is_statutory_holiday(D(2099, 1, 1))
    assert workdays.is_statutory_holiday(D(2099, 10, 2))
    assert not workdays.is_statutory_holiday(D(2099, 6, 6))  # ordinary Saturday


def test_an_entered_schedule_lists_weekday_holidays_and_the_weekend_joins_the_period():
    schedule = WorkdaySchedule.objects.create(year=2098, notice="国办发明电〔2097〕X号")
    # 2098-01-01 is a Wednesday; suppose the notice gives 1-01…1-03 with 1-04/1-05 weekend.
    for day in (D(2098, 1, 1), D(2098, 1, 2), D(2098, 1, 3)):
        WorkdayOverride.objects.create(schedule=schedule, date=day, kind="holiday", name="元旦")
    workdays.clear_cache()
    try:
        assert workdays.is_statutory_holiday(D(2098, 1, 3))
        assert workdays.is_statutory_holiday(D(2098, 1, 4))      # Saturday joining the period
        assert not workdays.is_statutory_holiday(D(2098, 1, 11))  # an ordinary Saturday
        assert not workdays.is_statutory_holiday(D(2098, 1, 6))   # a working day
    finally:
        workdays.clear_cache()
