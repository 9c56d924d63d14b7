"""Art. 21: each deduction and consequence is notified to the doctor and the institution."""

import datetime as dt

import pytest

from apps.core.models import Notice
from apps.core.notices import send_queued
from apps.doctors import services

D = dt.date
pytestmark = pytest.mark.django_db


def test_a_deduction_is_queued_to_the_doctor_by_sms_and_to_the_institution_in_writing(
        make_doctor, kecheng_hospital, deduct):
    doctor = make_doctor(institutions=[kecheng_hospital], phone="13900000001")
    deduction = deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 30), violation=D(2020, 9, 20),
                       channel="sms")
    notices = Notice.objects.filter(topic="doctors", source=f"deduction:{deduction.pk}")
    assert {(n.channel, n.recipient) for n in notices} == {
        ("sms", "13900000001"), ("written", "衢州市人民医院")}
    body = notices.first().body
    assert "第十九条第(4)项“医疗收费与病历记录、医疗操作不符的”,扣2分" in body
    assert "2020年10月21日" in body  # the last day to appeal


def test_each_consequence_is_notified_to_the_doctor_and_every_site(
        make_doctor, kecheng_hospital, jiangshan_hospital, deduct):
    doctor = make_doctor(institutions=[kecheng_hospital, jiangshan_hospital])
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 7))
    interview = doctor.consequences.get(kind="interview")
    recipients = set(Notice.objects.filter(source=f"consequence:{interview.pk}")
                     .values_list("recipient", flat=True))
    assert recipients == {f"张医生({doctor.certificate_number})", "衢州市人民医院", "江山市人民医院"}


def test_queued_notices_are_sent_once_by_the_default_sender(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 1))
    assert send_queued() == 2
    assert send_queued() == 0
    assert set(Notice.objects.values_list("status", flat=True)) == {"sent"}


def test_an_upheld_appeal_notifies_the_revocation(doctor, kecheng_hospital, deduct):
    d = deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 1))
    interview = doctor.consequences.get()
    appeal = services.appeal_file(deduction=d, filed_on=D(2020, 9, 2))
    services.appeal_decide(appeal=appeal, decision="upheld", decided_on=D(2020, 9, 18))
    assert Notice.objects.filter(source=f"consequence-revoked:{interview.pk}").count() == 2
    assert Notice.objects.filter(source=f"appeal:{appeal.pk}").count() == 2


def test_a_staff_adjustment_is_notified_with_its_reason(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 8, 3))
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 8, 4))
    deduct(doctor, kecheng_hospital, "20.1", D(2020, 8, 5))
    suspension = doctor.consequences.get(kind="suspension")
    services.consequence_adjust(consequence=suspension, months=2, reason="主动退回违规费用")
    notice = Notice.objects.filter(source__startswith=f"consequence-adjusted:{suspension.pk}:",
                                   recipient_kind="医保医师").get()
    assert "暂停全部医保医师服务协议2个月" in notice.body and "主动退回违规费用" in notice.body
