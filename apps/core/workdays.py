"""Working-day calendar (工作日): statutory holidays and make-up workdays (调休).

Source of truth per year: a ``WorkdaySchedule`` entered by staff from the State Council
notice when one exists, otherwise the ``chinesecalendar`` package. A year neither knows
raises ``CalendarYearUnknown``: a deadline is never guessed.

Counting follows Chinese law (DOMAIN §4): the start day is not counted, "within N working
days" ends on the Nth working day after it.
"""

from __future__ import annotations

import datetime as dt
import time

import chinese_calendar

# Schedules entered in the admin are cached per process for this long: the web process
# that saves one clears its cache at once, workers pick it up within a minute.
SCHEDULE_CACHE_SECONDS = 60
_cache: list = []  # [(loaded_at, Entered)] — at most one entry


class CalendarYearUnknown(ValueError):
    """The working-day calendar has no data for this year."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"工作日历缺少{year}年的放假安排:请在“年度放假安排”中录入{year}年国务院办公厅"
            f"放假通知的放假日和调休上班日后再计算期限"
        )


class Entered:
    """What staff entered: the years with a schedule, and each listed day by date.

    Days are looked up by date, not by the schedule's year: a notice for 2027 may move a
    working day into late December 2026, and that day must count too.
    """

    def __init__(self, years: frozenset[int], days: dict[dt.date, str]):
        self.years = years
        self.days = days


def _entered() -> Entered:
    now = time.monotonic()
    if _cache and now - _cache[0][0] < SCHEDULE_CACHE_SECONDS:
        return _cache[0][1]
    from .models import WorkdayOverride, WorkdaySchedule

    entered = Entered(frozenset(WorkdaySchedule.objects.values_list("year", flat=True)),
                      dict(WorkdayOverride.objects.values_list("date", "kind")))
    _cache[:] = [(now, entered)]
    return entered


def clear_cache() -> None:
    """Called when staff change a schedule."""
    _cache.clear()


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is an official working day."""
    entered = _entered()
    kind = entered.days.get(day)
    if kind is not None:
        return kind == "workday"
    if day.year in entered.years:
        return day.weekday() < 5
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise CalendarYearUnknown(day.year) from None


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The Nth working day after ``start`` (start itself not counted); n ≥ 1.

    E.g. notice on 2020-09-30, 10 working days → 2020-10-21 (National Day 10-01…08 off,
    10-10 a make-up workday).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def subtract_working_days(end: dt.date, n: int) -> dt.date:
    """The Nth working day before ``end`` (end itself not counted); n ≥ 1."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = end
    counted = 0
    while counted < n:
        day -= dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


def within_working_days(start: dt.date, n: int, day: dt.date) -> bool:
    """Whether ``day`` falls within N working days of ``start`` (the start not counted)."""
    return start <= day <= add_working_days(start, n)
