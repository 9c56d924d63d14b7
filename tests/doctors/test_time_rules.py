"""Arts. 22 and 27 on the official calendar (2020 National Day: 10-01…08 off, 09-27 and
10-10 make-up workdays); the notice day itself is not counted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.doctors import selectors, services
from apps.doctors.models import Appeal

D = dt.date
pytestmark = pytest.mark.django_db


def test_appeal_deadline_from_a_notice_on_30_september_2020_is_21_october(doctor, kecheng_hospital, deduct):
    deduction = deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 30), violation=D(2020, 9, 20))
    # 10-09 (1), 10-10 make-up Saturday (2), 10-12…10-16 (3–7), 10-19…10-21 (8–10)
    assert services.appeal_deadline(deduction.notice_date) == D(2020, 10, 21)
    appeal = services.appeal_file(deduction=deduction, filed_on=D(2020, 10, 21))
    assert appeal.decision == Appeal.Decision.PENDING


def test_a_late_appeal_is_refused_naming_the_last_valid_day(doctor, kecheng_hospital, deduct):
    deduction = deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 30), violation=D(2020, 9, 20))
    with pytest.raises(ValidationError) as exc:
        services.appeal_file(deduction=deduction, filed_on=D(2020, 10, 22))
    assert "2020年10月21日" in exc.value.messages[0]
    assert "2020年9月30日" in exc.value.messages[0]
    assert not Appeal.objects.exists()


def test_the_make_up_sunday_27_september_counts_as_a_working_day(doctor, kecheng_hospital, deduct):
    deduction = deduct(doctor, kecheng_hospital, "20.1", D(2020, 9, 25))
    # 09-27 (1), 09-28…09-30 (2–4), 10-09 (5), 10-10 (6), 10-12…10-15 (7–10)
    assert services.appeal_deadline(deduction.notice_date) == D(2020, 10, 15)
    with pytest.raises(ValidationError, match="2020年10月15日"):
        services.appeal_file(deduction=deduction, filed_on=D(2020, 10, 16))


def test_decision_is_due_thirty_working_days_after_receipt(doctor, kecheng_hospital, deduct):
    deduction = deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 30), violation=D(2020, 9, 20))
    appeal = services.appeal_file(deduction=deduction, filed_on=D(2020, 10, 21))
    assert appeal.decision_due == D(2020, 12, 2)


def _suspend(doctor, hospital, deduct, notice):
    deduct(doctor, hospital, "18.1", notice, violation=notice - dt.timedelta(days=3))
    deduct(doctor, hospital, "19.1", notice, violation=notice - dt.timedelta(days=2))
    deduct(doctor, hospital, "20.1", notice, violation=notice - dt.timedelta(days=1))
    return selectors.active_consequences(doctor).get(kind="suspension")


def test_restore_window_is_the_seven_working_days_before_the_suspension_ends(
        doctor, kecheng_hospital, deduct):
    suspension = _suspend(doctor, kecheng_hospital, deduct, D(2020, 9, 10))
    assert suspension.end_date == D(2020, 10, 10)  # a make-up Saturday
    # 10-09 (1), 09-30…09-28 (2–4), 09-27 Sunday make-up (5), 09-25 (6), 09-24 (7)
    assert services.restore_window(suspension.end_date) == (D(2020, 9, 24), D(2020, 10, 9))
    with pytest.raises(ValidationError) as exc:
        services.restore_apply(consequence=suspension, applied_on=D(2020, 9, 23))
    assert "2020年9月24日至2020年10月9日" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.restore_apply(consequence=suspension, applied_on=D(2020, 10, 10))
    services.restore_apply(consequence=suspension, applied_on=D(2020, 9, 24))
    state = selectors.doctor_standing(doctor=doctor, on=D(2020, 10, 10))["agreements"][0]
    assert state["status"] == "active"


def test_without_an_application_the_suspension_runs_to_the_agreement_end(doctor, kecheng_hospital, deduct):
    _suspend(doctor, kecheng_hospital, deduct, D(2020, 9, 10))
    state = selectors.doctor_standing(doctor=doctor, on=D(2020, 10, 10))["agreements"][0]
    assert (state["status"], state["until"]) == ("suspended", "2020-12-31")
    after = selectors.doctor_standing(doctor=doctor, on=D(2021, 1, 1))["agreements"][0]
    assert after["status"] == "terminated"


def test_an_upheld_appeal_removes_the_deduction_and_undoes_the_suspension(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 1), violation=D(2020, 8, 20))
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 9, 2), violation=D(2020, 8, 21))
    last = deduct(doctor, kecheng_hospital, "20.1", D(2020, 9, 30), violation=D(2020, 9, 22))
    suspension = selectors.active_consequences(doctor).get(kind="suspension")
    assert suspension.trigger == last
    appeal = services.appeal_file(deduction=last, filed_on=D(2020, 10, 12))
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.UPHELD, decided_on=D(2020, 10, 20),
                           note="收费与病历相符")
    suspension.refresh_from_db()
    assert suspension.revoked_on == D(2020, 10, 20)
    assert selectors.year_points(doctor=doctor, year=2020) == 8
    assert sorted(selectors.active_consequences(doctor).values_list("kind", flat=True)) == ["interview"]
    standing = selectors.doctor_standing(doctor=doctor, on=D(2020, 10, 20))
    assert standing["agreements"][0]["status"] == "active"
    assert standing["points_deducted"] == 8


def test_a_rejected_appeal_keeps_the_suspension(doctor, kecheng_hospital, deduct):
    suspension = _suspend(doctor, kecheng_hospital, deduct, D(2020, 9, 10))
    appeal = services.appeal_file(deduction=suspension.trigger, filed_on=D(2020, 9, 14))
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.REJECTED, decided_on=D(2020, 9, 30))
    suspension.refresh_from_db()
    assert suspension.revoked_on is None


def test_upheld_appeal_on_the_sixth_point_moves_the_interview_to_the_next_deduction(
        doctor, kecheng_hospital, deduct):
    first = deduct(doctor, kecheng_hospital, "18.1", D(2020, 8, 3))
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 8, 10))
    deduct(doctor, kecheng_hospital, "19.2", D(2020, 8, 17))
    deduct(doctor, kecheng_hospital, "19.3", D(2020, 8, 24))
    assert selectors.active_consequences(doctor).get(kind="interview").trigger == first
    appeal = services.appeal_file(deduction=first, filed_on=D(2020, 8, 6))
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.UPHELD, decided_on=D(2020, 8, 26))
    interview = selectors.active_consequences(doctor).get(kind="interview")
    assert interview.effective_date == D(2020, 8, 24)  # 2+2+2 reaches 6 on 08-24


def test_ending_an_agreement_needs_fifteen_working_days_notice(doctor):
    agreement = doctor.agreements.get()
    # 09-27 (1) … 09-30 (4), 10-09 (5), 10-10 (6), 10-12…10-16 (7–11), 10-19…10-22 (12–15)
    with pytest.raises(ValidationError, match="最早自2020年10月22日起解除"):
        services.agreement_notice_to_end(agreement=agreement, given_on=D(2020, 9, 25),
                                         ends_on=D(2020, 10, 21))
    services.agreement_notice_to_end(agreement=agreement, given_on=D(2020, 9, 25), reason="调离")
    assert selectors.agreement_state(agreement, D(2020, 10, 21)).status == "active"
    assert selectors.agreement_state(agreement, D(2020, 10, 22)).status == "terminated"
