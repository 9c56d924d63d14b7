"""Art. 21 staff adjustments: a later single 12-point item may lengthen the ban (from the
termination day); a moved date moves what depends on it, or is refused in Chinese when a
recorded fact (restore application, processed end, termination, signed agreement) would
no longer fit. Dates on the 2020 calendar (National Day 10-01…08 off, 09-27 and 10-10
make-up working days)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.core.models import Notice
from apps.doctors import selectors, services
from apps.doctors.models import Appeal, Consequence

D = dt.date
pytestmark = pytest.mark.django_db


def _band12(doctor, hospital, deduct):
    deduct(doctor, hospital, "18.1", D(2020, 8, 10))
    deduct(doctor, hospital, "18.2", D(2020, 8, 11))
    return selectors.active_consequences(doctor).get(kind="termination")


def test_a_single_twelve_after_a_band_twelve_termination_allows_a_longer_ban(
        doctor, kecheng_hospital, deduct):
    termination = _band12(doctor, kecheng_hospital, deduct)
    assert (termination.rule, termination.ban_until) == ("band12", D(2021, 8, 10))
    later = deduct(doctor, kecheng_hospital, "17.3", D(2020, 10, 12), violation=D(2020, 8, 5))
    # no second termination: the agreements have ended and each band applies once a year
    assert selectors.active_consequences(doctor).filter(kind="termination").get() == termination
    flag = Notice.objects.get(source=f"single12-after-termination:{later.pk}")
    assert "1至5年" in flag.body and "2020年8月11日" in flag.body
    services.consequence_adjust(consequence=termination, ban_years=3, reason="虚开住院票据套取基金")
    termination.refresh_from_db()
    # counted from the termination day (自解除协议之日起), not from the later notice
    assert (termination.ban_years, termination.ban_until) == (3, D(2023, 8, 10))
    assert selectors.doctor_standing(doctor=doctor, on=D(2022, 1, 4))["ban_until"] == "2023-08-10"
    with pytest.raises(ValidationError, match="1至5年"):
        services.consequence_adjust(consequence=termination, ban_years=6, reason="x")


def test_upholding_the_appeal_on_that_later_item_returns_the_ban_to_one_year(
        doctor, kecheng_hospital, deduct):
    termination = _band12(doctor, kecheng_hospital, deduct)
    later = deduct(doctor, kecheng_hospital, "17.3", D(2020, 10, 12), violation=D(2020, 8, 5))
    services.consequence_adjust(consequence=termination, ban_years=3, reason="情节严重")
    appeal = services.appeal_file(deduction=later, filed_on=D(2020, 10, 14))
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.UPHELD, decided_on=D(2020, 11, 2))
    termination.refresh_from_db()
    assert termination.revoked_on is None
    assert (termination.ban_years, termination.ban_until) == (1, D(2021, 8, 10))


def _suspension(doctor, hospital, deduct):
    notice = D(2020, 9, 10)
    deduct(doctor, hospital, "18.1", notice, violation=notice - dt.timedelta(days=3))
    deduct(doctor, hospital, "19.1", notice, violation=notice - dt.timedelta(days=2))
    deduct(doctor, hospital, "20.1", notice, violation=notice - dt.timedelta(days=1))
    return selectors.active_consequences(doctor).get(kind="suspension")


def test_a_later_start_moves_the_suspension_end_and_the_restore_window(doctor, kecheng_hospital, deduct):
    suspension = _suspension(doctor, kecheng_hospital, deduct)
    assert suspension.end_date == D(2020, 10, 10)
    services.consequence_adjust(consequence=suspension, effective_date=D(2020, 9, 14),
                                reason="机构整改期间延后执行")
    suspension.refresh_from_db()
    assert (suspension.effective_date, suspension.end_date) == (D(2020, 9, 14), D(2020, 10, 14))
    # 10-13 (1), 10-12 (2), Saturday 10-10 make-up (3), 10-09 (4), 09-30…09-28 (5–7)
    assert services.restore_window(suspension.end_date) == (D(2020, 9, 28), D(2020, 10, 13))
    agreement = doctor.agreements.get()
    assert selectors.agreement_state(agreement, D(2020, 9, 11)).status == "active"
    assert selectors.agreement_state(agreement, D(2020, 10, 13)).status == "suspended"


def test_moving_a_suspension_is_refused_when_the_restore_application_would_fall_outside(
        doctor, kecheng_hospital, deduct):
    suspension = _suspension(doctor, kecheng_hospital, deduct)
    services.restore_apply(consequence=suspension, applied_on=D(2020, 9, 24))
    with pytest.raises(ValidationError) as exc:
        services.consequence_adjust(consequence=suspension, effective_date=D(2020, 9, 14), reason="延后")
    assert "2020年9月28日至2020年10月13日" in exc.value.messages[0]
    assert "2020年9月24日" in exc.value.messages[0]
    suspension.refresh_from_db()
    assert suspension.end_date == D(2020, 10, 10)


def test_a_processed_suspension_end_cannot_be_moved(doctor, kecheng_hospital, deduct):
    suspension = _suspension(doctor, kecheng_hospital, deduct)
    services.nightly(today=D(2020, 10, 10))
    suspension.refresh_from_db()
    assert suspension.outcome == Consequence.Outcome.EXTENDED
    with pytest.raises(ValidationError, match="期满处理"):
        services.consequence_adjust(consequence=suspension, months=3, reason="情节较重")


def test_a_suspension_cannot_start_on_or_after_the_years_termination(doctor, kecheng_hospital, deduct):
    suspension = _suspension(doctor, kecheng_hospital, deduct)
    deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 20))  # 11
    deduct(doctor, kecheng_hospital, "20.2", D(2020, 9, 21))  # 12 → termination
    with pytest.raises(ValidationError, match="2020年9月21日"):
        services.consequence_adjust(consequence=suspension, effective_date=D(2020, 9, 21), reason="延后")


def test_a_longer_ban_may_not_cover_an_agreement_signed_after_the_old_ban(
        doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "17.2", D(2020, 8, 3))
    termination = selectors.active_consequences(doctor).get()
    assert termination.ban_until == D(2021, 8, 2)
    services.agreement_create(doctor=doctor, institution=kecheng_hospital, start=D(2021, 9, 1),
                              end=D(2021, 12, 31))
    with pytest.raises(ValidationError, match="2021年9月1日"):
        services.consequence_adjust(consequence=termination, ban_years=2, reason="情节严重")


def test_an_interview_already_held_keeps_its_date(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 1))
    interview = selectors.active_consequences(doctor).get(kind="interview")
    services.interview_record(consequence=interview, held_on=D(2020, 9, 4))
    with pytest.raises(ValidationError, match="2020年9月4日"):
        services.consequence_adjust(consequence=interview, effective_date=D(2020, 9, 7), reason="改期")


def test_the_admin_form_moves_the_end_and_shows_the_refusal_in_chinese(
        client, yibao_user, doctor, kecheng_hospital, deduct):
    suspension = _suspension(doctor, kecheng_hospital, deduct)
    client.force_login(yibao_user)
    url = f"/admin/doctors/consequence/{suspension.pk}/change/"
    form = {"effective_date": "2020-09-14", "months": "1", "ban_years": "",
            "adjusted_reason": "机构整改期间延后执行", "interview_held_on": ""}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    suspension.refresh_from_db()
    assert suspension.end_date == D(2020, 10, 14)
    services.restore_apply(consequence=suspension, applied_on=D(2020, 9, 28))
    response = client.post(url, {**form, "effective_date": "2020-09-21"})
    assert response.status_code == 200
    assert "已于2020年9月28日提交的恢复申请不在此期间" in response.content.decode()
