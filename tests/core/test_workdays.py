import datetime as dt

import pytest

from apps.core import workdays
from apps.core.models import WorkdayOverride, WorkdaySchedule
from apps.core.workdays import CalendarYearUnknown

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.mark.django_db
def test_national_day_2020_and_its_make_up_workdays():
    assert workdays.is_workday(D(2020, 9, 27))  # Sunday, make-up workday
    assert workdays.is_workday(D(2020, 10, 10))  # Saturday, make-up workday
    for day in range(1, 9):
        assert not workdays.is_workday(D(2020, 10, day))
    assert not workdays.is_workday(D(2020, 10, 11))  # ordinary Sunday


@pytest.mark.django_db
def test_ten_working_days_from_a_notice_spanning_national_day():
    # Notice 2020-09-29 (not counted): 09-30, 10-09, 10-10(调休), 10-12 … 10-16, 10-19, 10-20.
    assert workdays.add_working_days(D(2020, 9, 29), 10) == D(2020, 10, 20)
    assert workdays.add_working_days(D(2020, 9, 25), 1) == D(2020, 9, 27)


@pytest.mark.django_db
def test_the_start_day_is_not_counted():
    assert workdays.add_working_days(D(2020, 6, 1), 1) == D(2020, 6, 2)
    assert workdays.working_days_between(D(2020, 6, 1), D(2020, 6, 1)) == 0
    assert workdays.working_days_between(D(2020, 6, 1), D(2020, 6, 2)) == 1


@pytest.mark.django_db
def test_count_between_skips_holidays_and_counts_make_up_days():
    # 2020-09-25 (Fri) → 2020-10-12 (Mon): 09-27, 09-28, 09-29, 09-30, 10-09, 10-10, 10-12.
    assert workdays.working_days_between(D(2020, 9, 25), D(2020, 10, 12)) == 7


@pytest.mark.django_db
def test_subtract_working_days_mirrors_add():
    assert workdays.subtract_working_days(D(2020, 10, 20), 10) == D(2020, 9, 29)
    assert workdays.within_working_days(D(2020, 9, 29), 10, D(2020, 10, 20))
    assert not workdays.within_working_days(D(2020, 9, 29), 10, D(2020, 10, 21))


@pytest.mark.django_db
def test_a_year_the_package_does_not_cover_is_an_explicit_error():
    with pytest.raises(CalendarYearUnknown) as error:
        workdays.is_workday(D(2027, 2, 8))
    assert "2027" in str(error.value) and "放假安排" in str(error.value)
    with pytest.raises(CalendarYearUnknown):
        workdays.add_working_days(D(2026, 12, 30), 5)


@pytest.mark.django_db
def test_an_entered_schedule_covers_2027_and_takes_precedence(admin_user):
    schedule = WorkdaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕X号",
                                              entered_by=admin_user)
    WorkdayOverride.objects.create(schedule=schedule, date=D(2027, 1, 1), kind="holiday", name="元旦")
    WorkdayOverride.objects.create(schedule=schedule, date=D(2027, 1, 9), kind="workday", name="元旦")
    assert not workdays.is_workday(D(2027, 1, 1))  # Friday, holiday
    assert workdays.is_workday(D(2027, 1, 9))  # Saturday, make-up workday
    assert workdays.is_workday(D(2027, 1, 4))  # ordinary Monday
    assert not workdays.is_workday(D(2027, 1, 10))  # ordinary Sunday
    assert workdays.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


@pytest.mark.django_db
def test_entered_schedule_overrides_package_data_for_a_covered_year():
    schedule = WorkdaySchedule.objects.create(year=2026, notice="更正")
    WorkdayOverride.objects.create(schedule=schedule, date=D(2026, 3, 2), kind="holiday")
    assert not workdays.is_workday(D(2026, 3, 2))


def test_staff_enter_a_schedule_in_the_admin_and_deadlines_use_it(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/core/workdayschedule/add/", {
        "year": "2027", "notice": "国办发明电〔2026〕X号",
        "days-TOTAL_FORMS": "2", "days-INITIAL_FORMS": "0",
        "days-0-date": "2027-02-08", "days-0-kind": "holiday", "days-0-name": "春节",
        "days-1-date": "2027-02-06", "days-1-kind": "workday", "days-1-name": "春节",
    })
    assert response.status_code == 302, response.content.decode()[:1500]
    assert not workdays.is_workday(D(2027, 2, 8))  # Monday off
    assert workdays.is_workday(D(2027, 2, 6))  # Saturday worked
    assert workdays.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 6)


@pytest.mark.django_db
def test_other_processes_pick_up_a_new_schedule_after_the_cache_lifetime(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(workdays.time, "monotonic", lambda: clock[0])
    with pytest.raises(CalendarYearUnknown):
        workdays.is_workday(D(2027, 3, 1))
    # Saved by another process: no signal reaches this one (bulk_create sends none either).
    WorkdaySchedule.objects.bulk_create([WorkdaySchedule(year=2027, notice="国办发明电〔2026〕X号")])
    with pytest.raises(CalendarYearUnknown):
        workdays.is_workday(D(2027, 3, 1))  # still cached in this process
    clock[0] += workdays.SCHEDULE_CACHE_SECONDS + 1
    assert workdays.is_workday(D(2027, 3, 1))


def test_deleting_a_schedule_in_the_admin_takes_effect(client, admin_user):
    schedule = WorkdaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕X号")
    assert workdays.is_workday(D(2027, 1, 4))
    client.force_login(admin_user)
    response = client.post(f"/admin/core/workdayschedule/{schedule.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    with pytest.raises(CalendarYearUnknown):
        workdays.is_workday(D(2027, 1, 4))


@pytest.mark.django_db
def test_a_make_up_day_in_the_previous_year_counts():
    """A 2027 notice may move a working day into December 2026 (covered by the package)."""
    assert not workdays.is_workday(D(2026, 12, 26))  # Saturday
    schedule = WorkdaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕X号")
    WorkdayOverride.objects.create(schedule=schedule, date=D(2026, 12, 26), kind="workday", name="元旦")
    assert workdays.is_workday(D(2026, 12, 26))
