"""Shared for the tourism tests: a 文旅 user, the 2020 official schedule counted by hand."""

import datetime as dt

import pytest

from apps.core.models import Region

D = dt.date

# 国办发明电〔2019〕16号 (2020年部分节假日安排) with 国办发明电〔2020〕1号 (春节假期延长至2月2日,
# 2月1日不再调休上班): the rest days on weekdays and the make-up working days, typed from the
# notices, not read from the calendar package the code uses.
HOLIDAY_WEEKDAYS_2020 = [D(2020, 1, 1), D(2020, 1, 24), *(D(2020, 1, d) for d in range(27, 32)),
                         D(2020, 4, 6), D(2020, 5, 1), D(2020, 5, 4), D(2020, 5, 5),
                         D(2020, 6, 25), D(2020, 6, 26),
                         D(2020, 10, 1), D(2020, 10, 2), *(D(2020, 10, d) for d in range(5, 9))]
MAKE_UP_2020 = [D(2020, 1, 19), D(2020, 4, 26), D(2020, 5, 9), D(2020, 6, 28), D(2020, 9, 27), D(2020, 10, 10)]
# Every rest day of the holiday periods (weekends inside them included).
HOLIDAY_PERIODS_2020 = [(D(2020, 1, 1), D(2020, 1, 1)), (D(2020, 1, 24), D(2020, 2, 2)),
                        (D(2020, 4, 4), D(2020, 4, 6)), (D(2020, 5, 1), D(2020, 5, 5)),
                        (D(2020, 6, 25), D(2020, 6, 27)), (D(2020, 10, 1), D(2020, 10, 8))]


def days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


YEAR_2020 = (D(2020, 1, 1), D(2020, 12, 31))


def working_days_2020() -> list[dt.date]:
    """Weekdays minus the holidays, plus the make-up days, over 2020."""
    return [d for d in days(*YEAR_2020)
            if (d.weekday() < 5 and d not in HOLIDAY_WEEKDAYS_2020) or d in MAKE_UP_2020]


def in_holiday_period(day: dt.date) -> bool:
    return any(a <= day <= b for a, b in HOLIDAY_PERIODS_2020)


@pytest.fixture
def wenlv(make_staff):
    return make_staff("wenlv", "文旅")


@pytest.fixture
def wenlv_jiangshan(make_staff):
    return make_staff("wenlv-js", "文旅", region_code="330881")


@pytest.fixture
def jiangshan(db):
    return Region.objects.get(code="330881")


@pytest.fixture
def programme(db):
    """衢政办发〔2020〕18号 as printed in the seed gazette, recorded without importing the whole
    issue (the gazette import itself is tested in test_gazette.py)."""
    from django.conf import settings

    from apps.tourism import parsing, services
    from apps.tourism.models import FreeTourYear

    text = settings.GAZETTE_PATH.read_text(encoding="utf-8")
    body = text[text.index("衢政办发〔2020〕18号"):text.index("衢政办发〔2020〕19号")]
    services.programme_record(number="衢政办发〔2020〕18号", signed_on=D(2020, 6, 1),
                              parsed=parsing.parse_free_tour(body))
    return FreeTourYear.objects.get(year=2020)


def get(client, user, url, **query):
    client.force_login(user)
    return client.get(url, query)
