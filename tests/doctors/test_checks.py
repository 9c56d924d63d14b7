"""The ``*_check`` services that forms, admin actions and imports share (issue 14 §1): each
rule is stated once in services and tested here directly, with the policy's dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.doctors import services
from apps.doctors.models import Appeal, Consequence

D = dt.date


def _codes(exc: pytest.ExceptionInfo) -> list[tuple[str, str]]:
    return [(e.code, e.messages[0]) for e in exc.value.error_list]


@pytest.mark.django_db
def test_a_new_agreement_waits_a_year_after_a_single_twelve_point_termination(doctor, kecheng_hospital,
                                                                                deduct):
    """Art. 21: 一次性扣12分 → terminated on the notice day 2020-09-01, no new agreement for
    one year from then: the ban's last day is 2021-08-31 (民法典 art. 202)."""
    deduct(doctor, kecheng_hospital, "17.1", D(2020, 9, 1))
    with pytest.raises(ValidationError) as exc:
        services.agreement_check(doctor=doctor, start=D(2021, 8, 31), end=D(2021, 12, 31))
    assert _codes(exc) == [("start", "张医生自解除服务协议之日起至2021年8月31日不得重新签订服务协议(第二十一条)")]
    with pytest.raises(ValidationError) as exc:
        services.agreement_check(doctor=doctor, start=D(2021, 1, 1), end=D(2021, 12, 31), name="该医师")
    assert exc.value.messages[0].startswith("该医师自解除服务协议之日起至2021年8月31日")
    services.agreement_check(doctor=doctor, start=D(2021, 9, 1), end=D(2021, 12, 31))


@pytest.mark.django_db
def test_an_agreement_period_ends_on_or_after_it_starts(doctor):
    with pytest.raises(ValidationError) as exc:
        services.agreement_check(doctor=doctor, start=D(2021, 1, 1), end=D(2020, 12, 31))
    assert _codes(exc) == [("end", "协议终止日期2020-12-31早于起始日期2021-01-01")]
    services.agreement_check(doctor=None, start=D(2021, 1, 1), end=D(2021, 1, 1))  # a one-day period


def test_conduct_before_the_measure_and_a_notice_before_the_violation_are_refused():
    """Art. 29: 自2020年8月3日起实施; a notice cannot precede what it notifies."""
    with pytest.raises(ValidationError) as exc:
        services.deduction_dates_check(violation_date=D(2020, 8, 2), notice_date=D(2020, 8, 10))
    assert exc.value.error_list[0].code == "violation_date"
    assert "施行日期2020年8月3日" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.deduction_dates_check(violation_date=D(2020, 8, 5), notice_date=D(2020, 8, 4))
    assert _codes(exc) == [("notice_date", "通知日期2020-08-04早于违规日期2020-08-05")]
    services.deduction_dates_check(violation_date=D(2020, 8, 3), notice_date=D(2020, 8, 3))
    services.deduction_dates_check(violation_date=D(2020, 8, 3), notice_date=None)


@pytest.mark.django_db
def test_a_deduction_needs_an_agreement_at_that_institution(doctor, kecheng_hospital, jiangshan_hospital):
    """Art. 2: only a 医保医师 of that institution is deducted there."""
    services.deduction_site_check(doctor=doctor, institution=kecheng_hospital)
    with pytest.raises(ValidationError) as exc:
        services.deduction_site_check(doctor=doctor, institution=jiangshan_hospital, name="该医师")
    assert _codes(exc) == [("institution", "该医师在江山市人民医院没有服务协议,不能在该机构扣分")]


@pytest.fixture
def appeal(doctor, kecheng_hospital, deduct):
    """A 2-point deduction notified 2020-09-30 and appealed 2020-10-09 (art. 27)."""
    d = deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 30), D(2020, 9, 20))
    return services.appeal_file(deduction=d, filed_on=D(2020, 10, 9))


@pytest.mark.django_db
def test_an_appeal_is_decided_once_upheld_or_rejected_on_a_stated_day(appeal):
    """Art. 27: the agency decides; a decided appeal is changed only by a correction."""
    services.appeal_decide_check(appeal=appeal, decision=Appeal.Decision.UPHELD, decided_on=D(2020, 10, 20))
    with pytest.raises(ValidationError, match="^.*请填写决定日期"):
        services.appeal_decide_check(appeal=appeal, decision=Appeal.Decision.REJECTED, decided_on=None)
    with pytest.raises(ValidationError, match="决定应为申诉成立或维持扣分"):
        services.appeal_decide_check(appeal=appeal, decision=Appeal.Decision.PENDING, decided_on=D(2020, 10, 20))
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.REJECTED, decided_on=D(2020, 10, 20))
    with pytest.raises(ValidationError, match="该申诉已作出决定"):
        services.appeal_decide_check(appeal=appeal, decision=Appeal.Decision.UPHELD, decided_on=D(2020, 10, 21))


@pytest.mark.django_db
def test_a_correction_needs_a_decided_appeal_the_other_decision_and_a_reason(appeal):
    """Issue 9 §4: 更正申诉决定 is a reasoned event on a decided appeal."""
    with pytest.raises(ValidationError, match="尚未作出决定"):
        services.appeal_correct_check(appeal=appeal, decision=Appeal.Decision.UPHELD, reason="复核")
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.REJECTED, decided_on=D(2020, 10, 20))
    with pytest.raises(ValidationError, match="申诉决定已是“维持扣分”"):
        services.appeal_correct_check(appeal=appeal, decision=Appeal.Decision.REJECTED, reason="复核")
    with pytest.raises(ValidationError, match="须填写理由"):
        services.appeal_correct_check(appeal=appeal, decision=Appeal.Decision.UPHELD, reason="  ")
    with pytest.raises(ValidationError, match="应为申诉成立或维持扣分"):
        services.appeal_correct_check(appeal=appeal, decision=Appeal.Decision.PENDING, reason="复核")
    services.appeal_correct_check(appeal=appeal, decision=Appeal.Decision.UPHELD, reason="复核")
    services.appeal_correct_check(appeal=appeal, decision=Appeal.Decision.UPHELD, reason=None)  # form: field-checked


@pytest.mark.django_db
def test_a_void_states_why_once_and_not_after_an_upheld_appeal(appeal):
    """Issue 9 §4: 作废扣分 with a reason, once; an upheld appeal (art. 27) already removed it."""
    deduction = appeal.deduction
    services.deduction_void_check(deduction=deduction, reason="误录")
    with pytest.raises(ValidationError, match="作废扣分须填写理由"):
        services.deduction_void_check(deduction=deduction, reason="")
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.UPHELD, decided_on=D(2020, 10, 20))
    with pytest.raises(ValidationError, match="已经申诉撤销,无需作废"):
        services.deduction_void_check(deduction=deduction, reason="误录")


@pytest.mark.django_db
def test_a_second_void_is_refused(doctor, kecheng_hospital, deduct):
    d = deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 30))
    services.deduction_void(deduction=d, reason="误录", voided_on=D(2020, 10, 8))
    with pytest.raises(ValidationError, match="已作废"):
        services.deduction_void_check(deduction=d, reason="误录")


@pytest.mark.django_db
def test_a_restore_application_comes_with_the_commitment(doctor, kecheng_hospital, deduct):
    """Art. 22: 提出恢复申请,并提交规范医疗服务行为承诺书. 9 points notified 2020-09-01 suspend
    for one month: the suspension ends 2020-10-01, the window is the 7 working days before."""
    for code, day in (("18.1", 1), ("19.4", 1), ("20.1", 1)):
        deduct(doctor, kecheng_hospital, code, D(2020, 9, day))
    suspension = Consequence.objects.get(kind=Consequence.Kind.SUSPENSION)
    first, _last = services.restore_window(suspension.end_date)
    services.restore_check(consequence=suspension, applied_on=first)
    with pytest.raises(ValidationError, match="须同时提交规范医疗服务行为承诺书"):
        services.restore_check(consequence=suspension, applied_on=first, commitment=False)
