"""The pure rules (apps/doctors/rules.py), table-tested without a database (issue 14 §2):
bands, periods, ban lengths and the three-year rule of 衢医保发〔2020〕64号 art. 21."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.doctors import rules

D = dt.date


@pytest.mark.parametrize(("points", "three_years", "expected"), [
    # Art. 21: 6 → interview (约谈), triggered by the deduction reaching 6.
    ([2, 2, 2], False, {"interview": ("band6", 2, 6, None, None)}),
    ([2, 2, 1], False, {}),
    # 9–11 → suspension for 1/2/3 months (DOMAIN §4), the interview band passed on the way.
    ([6, 2, 1], False, {"interview": ("band6", 0, 6, None, None), "suspension": ("band9", 2, 9, 1, None)}),
    ([6, 4], False, {"interview": ("band6", 0, 6, None, None), "suspension": ("band9", 1, 10, 2, None)}),
    # One deduction crossing 6 and 9 at once (5 → 11) brings both.
    ([2, 2, 1, 6], False, {"suspension": ("band9", 3, 11, 3, None), "interview": ("band6", 3, 11, None, None)}),
    # Reaching 12 terminates (1-year ban) and brings nothing else from that deduction.
    ([6, 6], False, {"interview": ("band6", 0, 6, None, None), "termination": ("band12", 1, 12, None, 1)}),
    ([2, 2, 2, 2, 2, 2], False, {"interview": ("band6", 2, 6, None, None),
                                 "suspension": ("band9", 4, 10, 2, None),
                                 "termination": ("band12", 5, 12, None, 1)}),
    # A single 12-point item (一次性扣12分) terminates under its own rule.
    ([12], False, {"termination": ("single12", 0, 12, None, 1)}),
    # Each band once a year: a later 12 after the termination adds nothing.
    ([12, 12], False, {"termination": ("single12", 0, 12, None, 1)}),
    # Third consecutive year ≥ 9: the 9-point band terminates instead of suspending.
    ([6, 2, 1], True, {"interview": ("band6", 0, 6, None, None), "termination": ("three_years", 2, 9, None, 1)}),
    ([2, 2], True, {}),
])
def test_bands(points, three_years, expected):
    got = rules.bands(points, three_years=three_years)
    assert {kind: (b.rule, b.trigger, b.points, b.months, b.ban_years) for kind, b in got.items()} == expected


@pytest.mark.parametrize(("previous", "expected"), [
    ([9, 9], True), ([12, 10], True), ([9, 8], False), ([8, 12], False), ([0, 0], False),
])
def test_three_consecutive_years_at_nine_or_more(previous, expected):
    """Art. 21: 连续三年扣分在9分以上 — this year and the two before."""
    assert rules.three_years(previous) is expected


@pytest.mark.parametrize(("first", "months", "expiry"), [
    (D(2020, 9, 1), 1, D(2020, 10, 1)),
    (D(2020, 9, 1), 3, D(2020, 12, 1)),
    (D(2020, 11, 30), 3, D(2021, 3, 1)),  # Feb 30 does not exist: the month end is the last day
    (D(2020, 3, 31), 1, D(2020, 5, 1)),  # 民法典 art. 202: 没有对应日的,月末日为期间的最后一日
    (D(2020, 1, 31), 1, D(2020, 3, 1)),  # 2020-02-29 is the last day (leap year)
])
def test_suspension_expiry_day(first, months, expiry):
    assert rules.suspension_end(first, months) == expiry


@pytest.mark.parametrize(("termination", "years", "last_day"), [
    (D(2020, 9, 1), 1, D(2021, 8, 31)),
    (D(2020, 9, 1), 5, D(2025, 8, 31)),
    (D(2020, 2, 29), 1, D(2021, 2, 28)),  # no 2021-02-29: the period ends with February
    (D(2020, 12, 31), 2, D(2022, 12, 30)),
])
def test_ban_last_day(termination, years, last_day):
    """Art. 21: 自解除协议之日起1年(一次性扣12分的1至5年)内不得签订服务协议."""
    assert rules.ban_end(termination, years) == last_day


@pytest.mark.parametrize(("months", "ok"), [(0, False), (1, True), (3, True), (4, False)])
def test_suspension_length_staff_may_set(months, ok):
    assert rules.suspension_length_allowed(months) is ok


@pytest.mark.parametrize(("years", "ok"), [(0, False), (1, True), (5, True), (6, False)])
def test_ban_length_staff_may_set(years, ok):
    assert rules.ban_length_allowed(years) is ok


@pytest.mark.parametrize(("violation", "notice", "code"), [
    (D(2020, 8, 2), D(2020, 8, 10), "violation_date"),  # art. 29: in force from 2020-08-03
    (D(2020, 8, 5), D(2020, 8, 4), "notice_date"),
    (D(2020, 8, 3), D(2020, 8, 3), None),
    (D(2020, 8, 3), None, None),
])
def test_deduction_dates(violation, notice, code):
    if code is None:
        rules.deduction_dates_check(violation_date=violation, notice_date=notice)
        return
    with pytest.raises(ValidationError) as exc:
        rules.deduction_dates_check(violation_date=violation, notice_date=notice)
    assert exc.value.error_list[0].code == code


def test_kinds_and_rules_are_the_models_values():
    from apps.doctors.models import Consequence

    assert {rules.INTERVIEW, rules.SUSPENSION, rules.TERMINATION} == set(Consequence.Kind.values)
    assert {rules.BAND_6, rules.BAND_9, rules.BAND_12, rules.SINGLE_12, rules.THREE_YEARS} == set(
        Consequence.Rule.values)


def test_rules_read_no_database():
    """The module imports nothing that reaches the database (models, selectors, the ORM)."""
    import ast
    import inspect

    imported = {node.module for node in ast.walk(ast.parse(inspect.getsource(rules)))
                if isinstance(node, ast.ImportFrom)}
    assert not {m for m in imported if m and ("models" in m or "selectors" in m or m.startswith("django.db"))}
