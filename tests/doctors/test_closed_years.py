"""Issue 10 item 9: closed years stay true (衢医保发〔2020〕64号 arts. 16, 21, 27).

A closed year's score (``YearScore``) is derived from the deductions in force: an appeal
decision, a void, a correction or a late deduction for that year recomputes it in the same
transaction and records the event that last changed it. A deduction notified in a closed
year counts in that year (art. 16: “扣分在自然年度内累加计算”) and recomputes every
consequence, the three-consecutive-years rule of art. 21 included.
"""

import datetime as dt

import pytest
from django.db import transaction

from apps.core.models import AuditEvent
from apps.doctors import selectors, services
from apps.doctors.models import Appeal, Consequence, ViolationItem, YearScore

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def three_years(make_doctor, kecheng_hospital, deduct):
    """8 points in 2020 (closed), 9 in 2021 (closed), 9 in 2022 — not yet three years ≥ 9."""
    doctor = make_doctor(institutions=[kecheng_hospital], start=D(2020, 1, 1), end=D(2022, 12, 31))
    for code, notice in (("18.1", D(2020, 9, 1)), ("19.1", D(2020, 9, 2))):  # 6 + 2 = 8
        deduct(doctor, kecheng_hospital, code, notice)
    services.year_end(year=2020)
    for code, notice in (("18.2", D(2021, 3, 1)), ("19.2", D(2021, 3, 2)), ("20.1", D(2021, 3, 3))):
        deduct(doctor, kecheng_hospital, code, notice)  # 6 + 2 + 1 = 9
    services.year_end(year=2021)
    for code, notice in (("18.3", D(2022, 3, 1)), ("19.3", D(2022, 3, 2)), ("20.2", D(2022, 3, 3))):
        deduct(doctor, kecheng_hospital, code, notice)  # 9 again
    return doctor


def active(doctor, year):
    return {c.kind: c for c in selectors.active_consequences(doctor).filter(year=year)}


def test_a_late_deduction_counts_in_its_closed_year_and_reaches_the_three_year_rule(
        three_years, kecheng_hospital, deduct):
    doctor = three_years
    score = YearScore.objects.get(doctor=doctor, year=2020)
    assert (score.points_deducted, score.changed_by_event) == (8, "2020年度结转")
    # Before: 2022's 9 points suspend (art. 21, 9 → 1 month): 2020 had only 8.
    suspension_2022 = active(doctor, 2022)["suspension"]
    assert suspension_2022.rule == Consequence.Rule.BAND_9

    late = deduct(doctor, kecheng_hospital, "20.3", D(2020, 12, 28), violation=D(2020, 12, 20))

    # Art. 16: it counts in 2020, the year of its notice: 8 + 1 = 9.
    score.refresh_from_db()
    assert score.points_deducted == 9
    assert score.changed_by_event == "补录2020年度第20.3项扣分(2020年12月28日通知)"
    assert score.changed_by_ref == f"pointdeduction:{late.pk}" and score.changed_at is not None
    assert score.history.filter(points_deducted=8).exists()
    # Art. 21 in 2020: 9 points → suspension of 1 month from the notice day 2020-12-28,
    # the period's last day 2021-01-27 (民法典 art. 202), so it ends on 2021-01-28.
    s2020 = active(doctor, 2020)["suspension"]
    assert (s2020.trigger, s2020.months, s2020.effective_date, s2020.end_date) == (
        late, 1, D(2020, 12, 28), D(2021, 1, 28))
    # Art. 21 in 2022: ≥ 9 in 2020, 2021 and 2022 → termination instead of suspension,
    # effective on the 9-point deduction's notice day 2022-03-03, no new agreement for one
    # year: until 2023-03-02.
    suspension_2022.refresh_from_db()
    assert suspension_2022.revoked_on is not None and "补录" in suspension_2022.revoked_reason
    termination = active(doctor, 2022)["termination"]
    assert termination.rule == Consequence.Rule.THREE_YEARS
    assert (termination.effective_date, termination.ban_until) == (D(2022, 3, 3), D(2023, 3, 2))
    assert "suspension" not in active(doctor, 2022)
    # 2021 is unchanged (2019 had no deductions): its score and its suspension stay.
    assert YearScore.objects.get(doctor=doctor, year=2021).changed_by_event == "2021年度结转"
    assert active(doctor, 2021)["suspension"].rule == Consequence.Rule.BAND_9
    entry = AuditEvent.objects.filter(model="doctors.YearScore").latest("id")
    assert entry.changes["points_deducted"] == [8, 9]


@pytest.fixture
def appealed_2020(doctor, kecheng_hospital, deduct):
    """9 points in 2020 (18.1, 19.4, 20.1 → 6 + 2 + 1), an appeal against the last filed in
    time and still pending when 2020 is closed."""
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 8))
    deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 9))
    last = deduct(doctor, kecheng_hospital, "20.1", D(2020, 12, 15))
    appeal = services.appeal_file(deduction=last, filed_on=D(2020, 12, 18))
    services.year_end(year=2020)
    return appeal


def test_an_appeal_decided_after_closing_recomputes_the_year_and_the_admin_shows_it(
        client, yibao_user, appealed_2020):
    appeal = appealed_2020
    doctor = appeal.deduction.doctor
    assert YearScore.objects.get(doctor=doctor, year=2020).points_deducted == 9
    # Art. 27: decided within 30 working days of 2020-12-18; upheld → the 1 point goes.
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.UPHELD, decided_on=D(2021, 1, 8))
    score = YearScore.objects.get(doctor=doctor, year=2020)
    assert score.points_deducted == 8
    assert score.changed_by_event == "第20.1项扣分经申诉撤销(2021年1月8日)"
    assert score.changed_by_ref == f"appeal:{appeal.pk}"
    assert "suspension" not in active(doctor, 2020)  # 8 points: interview only (art. 21)

    client.force_login(yibao_user)
    page = client.get("/admin/doctors/yearscore/").content.decode()
    assert f'href="/admin/doctors/appeal/{appeal.pk}/change/"' in page
    assert "第20.1项扣分经申诉撤销(2021年1月8日)" in page

    # A correction back to 维持扣分 (issue 9 §4) makes it 9 again and is the last event.
    correction = services.appeal_correct(appeal=appeal, decision=Appeal.Decision.REJECTED,
                                         reason="复核后维持", corrected_on=D(2021, 1, 20))
    score.refresh_from_db()
    assert (score.points_deducted, score.changed_by_ref) == (9, f"appealcorrection:{correction.pk}")
    page = client.get("/admin/doctors/yearscore/").content.decode()
    assert f'href="/admin/doctors/appealcorrection/{correction.pk}/change/"' in page


def test_a_rejected_decision_leaves_the_year_as_it_was(appealed_2020):
    appeal = appealed_2020
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.REJECTED, decided_on=D(2021, 1, 8))
    score = YearScore.objects.get(doctor=appeal.deduction.doctor, year=2020)
    assert (score.points_deducted, score.changed_by_event) == (9, "2020年度结转")


def test_a_county_clerks_void_or_late_deduction_reaches_the_city_wide_score(
        make_staff, doctor, kecheng_hospital, deduct):
    """The score is city-wide (county staff cannot edit it), yet a county clerk's checked
    void or late deduction must recompute it: it is derived as 系统 in the same transaction."""
    kc = make_staff("kc_yb", "医保", region_code="330802")
    first = deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 8))
    deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 9))
    services.year_end(year=2020)
    void = services.deduction_void(deduction=first, reason="录错医师", voided_on=D(2021, 1, 5), actor=kc)
    score = YearScore.objects.get(doctor=doctor, year=2020)
    assert (score.points_deducted, score.changed_by_ref) == (2, f"deductionvoid:{void.pk}")
    with transaction.atomic():
        late = services.deduction_record(
            doctor=doctor, institution=kecheng_hospital, item=ViolationItem.objects.get(code="20.1"),
            violation_date=D(2020, 12, 1), notice_date=D(2020, 12, 30), actor=kc)
    score.refresh_from_db()
    assert (score.points_deducted, score.changed_by_ref) == (3, f"pointdeduction:{late.pk}")
    assert AuditEvent.objects.filter(model="doctors.YearScore", actor=kc).count() == 2
