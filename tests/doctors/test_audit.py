"""Every decision row is audited through django-simple-history; IDs never in plain text."""

import datetime as dt

import pytest

from apps.core.models import AuditEvent
from apps.doctors import services

pytestmark = pytest.mark.django_db
D = dt.date


def test_deductions_and_consequences_reach_the_audit_trail(doctor, kecheng_hospital, deduct, regions):
    deduction = deduct(doctor, kecheng_hospital, "18.1", D(2020, 8, 3))
    event = AuditEvent.objects.get(model="doctors.PointDeduction", object_id=str(deduction.pk))
    assert event.action == "create" and event.region == regions["330802"]
    assert event.changes["points"] == [None, 6]
    assert AuditEvent.objects.filter(model="doctors.Consequence", action="create").count() == 1
    appeal = services.appeal_file(deduction=deduction, filed_on=D(2020, 8, 4))
    services.appeal_decide(appeal=appeal, decision="upheld", decided_on=D(2020, 8, 20))
    revoked = AuditEvent.objects.get(model="doctors.Consequence", action="update")
    assert revoked.changes["revoked_on"] == [None, "2020-08-20"]


def test_the_resident_id_is_never_written_in_plain_text_to_the_audit(doctor):
    event = AuditEvent.objects.get(model="doctors.Doctor", object_id=str(doctor.pk))
    assert doctor.resident_id not in str(event.changes)
