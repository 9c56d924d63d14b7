"""The pure rules of 衢医保发〔2020〕64号: bands, lengths, periods and dates — no database.

Everything here is a function of its arguments (table-tested in tests/doctors/test_rules.py
without a database); services read the rows and apply these. Kinds and rules are the
values of ``Consequence.Kind`` / ``Consequence.Rule``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

APPEAL_WORKING_DAYS = 10  # art. 27
DECISION_WORKING_DAYS = 30  # art. 27
RESTORE_WORKING_DAYS = 7  # art. 22
NOTICE_WORKING_DAYS = 15  # agreement art. 8
PROPOSED_MONTHS = {9: 1, 10: 2, 11: 3}  # art. 21, DOMAIN §4
SUSPENSION_MONTHS = (1, 3)  # art. 21: 暂停1至3个月
BAN_YEARS = (1, 5)  # art. 21: 一次性扣12分的,1至5年内不得签订服务协议
ARTICLES = {17: "十七", 18: "十八", 19: "十九", 20: "二十"}
IN_FORCE = dt.date(2020, 8, 3)  # art. 29: 本暂行办法自2020年8月3日起实施

# Consequence.Kind and Consequence.Rule values (art. 21).
INTERVIEW, SUSPENSION, TERMINATION = "interview", "suspension", "termination"
BAND_6, BAND_9, BAND_12, SINGLE_12, THREE_YEARS = "band6", "band9", "band12", "single12", "three_years"


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def in_force_check(violation_date: dt.date) -> None:
    """Art. 29: conduct before 2020-08-03 is not deducted under this measure."""
    if violation_date < IN_FORCE:
        raise ValidationError(
            f"违规日期{cn(violation_date)}早于《衢州市基本医疗保险协议医师管理暂行办法》"
            f"施行日期{cn(IN_FORCE)},不能按该办法扣分(第二十九条)", code="violation_date")


def deduction_dates_check(*, violation_date: dt.date, notice_date: dt.date | None) -> None:
    """Art. 29: conduct from 2020-08-03 only (code "violation_date"); the notice comes on or
    after the violation (code "notice_date")."""
    in_force_check(violation_date)
    if notice_date is not None and notice_date < violation_date:
        raise ValidationError(f"通知日期{notice_date}早于违规日期{violation_date}", code="notice_date")


def period_after(first_day: dt.date, months: int) -> dt.date:
    """The first day after a period of ``months`` counted from ``first_day`` itself.

    Art. 21 periods (suspension 1–3 months, ban 1–5 years) run from the first day; the
    period ends the day before the same date ``months`` later, and when that month has no
    such date the month end is the period's last day (民法典 art. 202: 没有对应日的,月末日为
    期间的最后一日): 2020-03-31 + 1 month → last day 04-30, so this returns 05-01.
    """
    same = first_day + relativedelta(months=months)  # month end when the day does not exist
    if same.day == first_day.day:
        return same
    return same + dt.timedelta(days=1)


def suspension_end(effective: dt.date, months: int) -> dt.date:
    """Art. 21/22: the expiry day (期满之日) of a suspension of ``months`` from ``effective``."""
    return period_after(effective, months)


def ban_end(effective: dt.date, years: int) -> dt.date:
    """Art. 21: the last day without a new agreement, ``years`` from the termination day."""
    return period_after(effective, 12 * years) - dt.timedelta(days=1)


def suspension_length_allowed(months: int) -> bool:
    """Art. 21: staff may set 1–3 months."""
    return SUSPENSION_MONTHS[0] <= months <= SUSPENSION_MONTHS[1]


def ban_length_allowed(years: int) -> bool:
    """Art. 21: 1–5 years for a single 12-point item."""
    return BAN_YEARS[0] <= years <= BAN_YEARS[1]


def three_years(previous: Iterable[int]) -> bool:
    """Art. 21: ≥ 9 points in each of the two years before (连续三年扣分在9分以上 with this one)."""
    return all(points >= 9 for points in previous)


@dataclass(frozen=True)
class Band:
    """A consequence the year's deductions call for: ``trigger`` is the index (in notice
    order) of the deduction that reached it, ``points`` the year's total then."""

    kind: str
    rule: str
    trigger: int
    points: int
    months: int | None = None
    ban_years: int | None = None


def bands(points: Sequence[int], *, three_years: bool = False) -> dict[str, Band]:
    """Art. 21 bands from the year's deductions (their points in notice order).

    Each band reached brings its consequence: a deduction crossing 6 and 9 at once (5 → 11)
    brings both the interview and the suspension, since the doctor "累计扣分达到6分" as well as
    "达9至11分"; a deduction reaching 12 brings the termination only (the agreements end, so
    no suspension or interview follows). In the third consecutive year with ≥ 9 points the
    9-point band terminates instead of suspending. Bans are proposed at 1 year.
    """
    wanted: dict[str, Band] = {}
    total = 0
    for index, deducted in enumerate(points):
        before, total = total, total + deducted
        if before < 12 <= total:
            if TERMINATION not in wanted:
                rule = SINGLE_12 if deducted == 12 else BAND_12
                wanted[TERMINATION] = Band(TERMINATION, rule, index, total, ban_years=1)
            continue
        if before < 9 <= total:
            if three_years and TERMINATION not in wanted:
                wanted[TERMINATION] = Band(TERMINATION, THREE_YEARS, index, total, ban_years=1)
                continue
            wanted[SUSPENSION] = Band(SUSPENSION, BAND_9, index, total, months=PROPOSED_MONTHS[total])
        if before < 6 <= total:
            wanted[INTERVIEW] = Band(INTERVIEW, BAND_6, index, total)
    return wanted
