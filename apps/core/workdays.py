"""Working-day calendar (工作日): statutory holidays and make-up workdays (调休).

A year's days come from the first of these sources that knows the year:

1. a ``WorkdaySchedule`` entered by 市府办 staff from the State Council notice (official);
2. the ``chinesecalendar`` package, which carries the State Council notices (official);
3. the statutory holidays of 《全国年节及纪念日放假办法》 as amended in 2024, computed for
   the year by the ``holidays`` package's China calendar (**provisional**, 暂定).

The statutory computation (source 3) is: Saturdays and Sundays are rest days; the
holidays for all citizens of art. 2 are rest days — from 2025 元旦 1 day, 春节 4 days
(除夕 to 初三), 清明 1, 劳动节 2 (5/1–5/2), 端午 1, 中秋 1, 国庆 3 (10/1–10/3), earlier years
by the text then in force; and a holiday falling on a Saturday or Sunday is made up on
the next working day (art. 6, 补假). Make-up workdays and bridged rest days (调休, art. 7)
are set each year by the State Council notice and are **never guessed**: a provisional
year has no make-up workday. For a year the ``holidays`` package does not cover either
(before 1950 or after 2100) the fixed-date holidays of art. 2 are used (元旦, 5/1–5/2,
10/1–10/3), so no year ever stops a workflow.

Every date computed from a provisional year is marked 暂定 (``Deadline.provisional``);
when staff enter the official schedule, open deadlines are recomputed
(``apps.core.services.workdays_schedule_entered``).

Counting follows Chinese law (DOMAIN §4): the start day is not counted, "within N working
days" ends on the Nth working day after it.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

import chinese_calendar
import holidays as holidays_package
from django.db import transaction
from django.dispatch import Signal

from . import formats

# Schedules entered in the admin are cached per process for this long: the web process
# that saves one clears its cache at once, workers pick it up within a minute.
SCHEDULE_CACHE_SECONDS = 60
_cache: list = []  # [(loaded_at, Entered)] — at most one entry
# Bumped by every ``clear_cache``: a schedule read before a clear is never stored after it
# (a threaded server: one thread reading the old schedule while another saves a new one).
_generation = [0]
_cache_lock = threading.Lock()

PROVISIONAL_LABEL = formats.PROVISIONAL_LABEL
# Sent by ``apps.core.services.workdays_schedule_entered`` with ``year``, ``actor`` and
# ``today``: each app holding deadlines counted in working days recomputes its open ones
# and returns a summary.
schedule_changed = Signal()
# Art. 2 holidays on a fixed Gregorian date (2024 text), used where ``holidays`` has no data.
FIXED_DATE_HOLIDAYS = {(1, 1): "元旦", (5, 1): "劳动节", (5, 2): "劳动节", (10, 1): "国庆节",
                       (10, 2): "国庆节", (10, 3): "国庆节"}


class CalendarYearUnknown(ValueError):
    """Kept for callers that still catch it: since provisional years (暂定) exist, the
    calendar knows every year and no longer raises this."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"工作日历缺少{year}年的放假安排")


class Basis(StrEnum):
    """Where a year's working days come from, in order of precedence."""

    ENTERED = "entered"  # 录入的国务院办公厅放假安排(正式)
    PACKAGE = "package"  # chinesecalendar 收录的放假安排(正式)
    STATUTORY = "statutory"  # 按《全国年节及纪念日放假办法》推算(暂定)


BASIS_LABELS = {Basis.ENTERED: "已录入的放假安排", Basis.PACKAGE: "国务院办公厅放假安排(内置)",
                Basis.STATUTORY: "按《全国年节及纪念日放假办法》推算(暂定)"}


@dataclass(frozen=True)
class Deadline:
    """A date counted in working days, and whether a provisional year decided it."""

    date: dt.date
    provisional: bool

    def __str__(self) -> str:
        return label(self.date, self.provisional)


def label(day: dt.date, provisional: bool) -> str:
    """“2027年1月14日” or “2027年1月14日(暂定)” (``apps.core.formats``, the one formatter)."""
    return formats.date_text(day, provisional)


class Entered:
    """What staff entered: the years with a schedule, and each listed day by date.

    Days are looked up by date, not by the schedule's year: a notice for 2027 may move a
    working day into late December 2026, and that day must count too.
    """

    def __init__(self, years: frozenset[int], days: dict[dt.date, str]):
        self.years = years
        self.days = days
        # Each day's answer under this schedule (a 100-row list of appeal deadlines asks
        # about 1,400 days; a new schedule is a new Entered, so the answers go with it).
        self.answers: dict[dt.date, tuple[bool, bool]] = {}


def _load() -> Entered:
    """The schedules as the database holds them now."""
    from .models import WorkdayOverride, WorkdaySchedule

    return Entered(frozenset(WorkdaySchedule.objects.values_list("year", flat=True)),
                   dict(WorkdayOverride.objects.values_list("date", "kind")))


def _entered() -> Entered:
    """The cached schedules, read again after ``SCHEDULE_CACHE_SECONDS`` or a clear. The
    read is stored only if no ``clear_cache`` came while it ran (generation stamp): an
    answer computed from the old schedule is used by the call that read it, never cached.
    Inside the transaction that changed a schedule this thread reads its own uncommitted
    schedule, kept for this thread only: other threads never see it, and a rollback drops it."""
    now = time.monotonic()
    token = getattr(_pending, "token", None)
    if token is not None:
        connection = transaction.get_connection()
        # The clear's commit callback is still queued: that transaction is still open.
        if connection.in_atomic_block and any(entry[1] is token
                                              for entry in connection.run_on_commit):
            own = _pending.cache
            if own is None or now - own[0] >= SCHEDULE_CACHE_SECONDS:
                own = _pending.cache = (now, _load())
            return own[1]
        _pending.token = _pending.cache = None  # committed or rolled back
    with _cache_lock:
        if _cache and now - _cache[0][0] < SCHEDULE_CACHE_SECONDS:
            return _cache[0][1]
        generation = _generation[0]
    entered = _load()
    with _cache_lock:
        if _generation[0] == generation:
            _cache[:] = [(now, entered)]
    return entered


# This thread's schedule while its transaction that changed one is open (``clear_cache``).
_pending = threading.local()


def _bump() -> None:
    with _cache_lock:
        _generation[0] += 1
        _cache.clear()


def clear_cache() -> None:
    """Called when staff change a schedule: drops the cache and any read still running; in a
    transaction, again once it commits (a read between the save and the commit still saw the
    old schedule)."""
    _bump()
    if transaction.get_connection().in_atomic_block:
        def committed() -> None:
            _bump()

        transaction.on_commit(committed)
        _pending.token, _pending.cache = committed, None


@functools.cache
def package_covers(year: int) -> bool:
    """Whether ``chinesecalendar`` carries the State Council schedule for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The year's rest days under 《全国年节及纪念日放假办法》 arts. 2 and 6 (weekends aside).

    Computed by the ``holidays`` package (lunar dates included); its State Council
    arrangements (调休, art. 7) are left out — they are not statutory. Where the package has
    no data for the year, the fixed-date holidays of art. 2.
    """
    computed = holidays_package.China(years=year, language="zh_CN")
    days = {day: name for day, name in computed.items()
            if day.year == year and "调休" not in name}
    if days:
        return days
    return {dt.date(year, m, d): name for (m, d), name in FIXED_DATE_HOLIDAYS.items()}


def year_basis(year: int) -> Basis:
    """The source that decides ``year``'s working days."""
    if year in _entered().years:
        return Basis.ENTERED
    if package_covers(year):
        return Basis.PACKAGE
    return Basis.STATUTORY


def year_is_provisional(year: int) -> bool:
    """Whether ``year`` has no official schedule (neither entered nor packaged)."""
    return year_basis(year) == Basis.STATUTORY


def is_provisional(day: dt.date) -> bool:
    """Whether ``day``'s status (working day or not) rests on the provisional computation.

    A day listed in an entered schedule is official even in a provisional year (a 2027
    notice may list a day of December 2026, or 2028's notice one of 2027).
    """
    return day not in _entered().days and year_is_provisional(day.year)


def _workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, decided provisionally)."""
    entered = _entered()
    answer = entered.answers.get(day)
    if answer is None:
        answer = entered.answers[day] = _decide(entered, day)
    return answer


def _decide(entered: Entered, day: dt.date) -> tuple[bool, bool]:
    kind = entered.days.get(day)
    if kind is not None:
        return kind == "workday", False
    if day.year in entered.years:
        return day.weekday() < 5, False
    if package_covers(day.year):
        return chinese_calendar.is_workday(day), False
    return day.weekday() < 5 and day not in statutory_holidays(day.year), True


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day (provisionally so in a year without a schedule)."""
    return _workday(day)[0]


def _listed_holiday(day: dt.date) -> bool:
    """Whether ``day`` is itself a holiday of its year's schedule (entered, packaged or the
    provisional statutory computation); weekends are not listed unless the source lists them."""
    entered = _entered()
    kind = entered.days.get(day)
    if kind is not None:
        return kind == "holiday"
    if day.year in entered.years:
        return False
    if package_covers(day.year):
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return bool(on_holiday and name is not None)
    return day in statutory_holidays(day.year)


def is_statutory_holiday(day: dt.date) -> bool:
    """Whether ``day`` is a rest day of a statutory holiday period (法定节假日), as the State
    Council notice schedules it: the holidays themselves, the bridged days (调休) and a
    weekend inside or adjoining the period (“10月1日至8日放假调休,共8天”). An ordinary
    Saturday or Sunday and a make-up workday are not. From the official schedule, else the
    provisional 《全国年节及纪念日放假办法》 computation (``is_provisional`` says which).

    A weekend day counts when the unbroken run of rest days it lies in holds a listed
    holiday: entered schedules list only weekday holidays (``WorkdayOverride``)."""
    if is_workday(day):
        return False
    if _listed_holiday(day):
        return True
    for step in (-1, 1):
        other = day + dt.timedelta(days=step)
        while not is_workday(other):
            if _listed_holiday(other):
                return True
            other += dt.timedelta(days=step)
    return False


def _count(start: dt.date, n: int, step: int) -> Deadline:
    if n < 1:
        raise ValueError("n must be at least 1")
    day, counted, provisional = start, 0, False
    while counted < n:
        day += dt.timedelta(days=step)
        workday, guessed = _workday(day)
        provisional = provisional or guessed
        if workday:
            counted += 1
    return Deadline(day, provisional)


def deadline(start: dt.date, n: int) -> Deadline:
    """The Nth working day after ``start`` (start not counted), marked provisional when any
    day counted or skipped on the way lies in a provisional year."""
    return _count(start, n, 1)


def deadline_before(end: dt.date, n: int) -> Deadline:
    """The Nth working day before ``end`` (end not counted), with the provisional mark."""
    return _count(end, n, -1)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The Nth working day after ``start`` (start itself not counted); n ≥ 1.

    E.g. notice on 2020-09-30, 10 working days → 2020-10-21 (National Day 10-01…08 off,
    10-10 a make-up workday). ``deadline`` gives the same date with its provisional mark.
    """
    return deadline(start, n).date


def subtract_working_days(end: dt.date, n: int) -> dt.date:
    """The Nth working day before ``end`` (end itself not counted); n ≥ 1."""
    return deadline_before(end, n).date


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
