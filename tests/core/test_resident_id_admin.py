"""Resident IDs in the admin: masked in lists, full only for allowed roles, each full view
logged (checked on the doctors admin, a real model holding IDs)."""

import pytest

from apps.core import resident_id
from apps.core.models import AuditEvent
from apps.doctors.models import Doctor

NUMBER = resident_id.compose("330802", "19800101", 12)


@pytest.fixture
def doctor(db):
    return Doctor.objects.create(name="王医生", resident_id=NUMBER, certificate_number="110330800001",
                                 qualification="执业医师")


def test_lists_show_masked_numbers_even_to_allowed_roles(client, yibao_user, doctor):
    client.force_login(yibao_user)
    page = client.get("/admin/doctors/doctor/").content.decode()
    assert resident_id.mask(NUMBER) in page and NUMBER not in page


def test_allowed_role_sees_the_full_number_and_the_view_is_logged(client, yibao_user, doctor):
    client.force_login(yibao_user)
    page = client.get(f"/admin/doctors/doctor/{doctor.pk}/change/").content.decode()
    assert NUMBER in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_ID)
    assert event.actor == yibao_user and event.object_id == str(doctor.pk)


def test_other_roles_see_only_the_masked_number_and_nothing_is_logged(client, shifuban_user, doctor):
    client.force_login(shifuban_user)
    response = client.get(f"/admin/doctors/doctor/{doctor.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert NUMBER not in page and resident_id.mask(NUMBER) in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_ID).exists()


def test_history_page_masks_changed_numbers_for_other_roles(client, shifuban_user, yibao_user, doctor):
    new_number = resident_id.compose("330881", "19750615", 31)
    doctor.resident_id = new_number
    doctor.save()
    client.force_login(shifuban_user)
    page = client.get(f"/admin/doctors/doctor/{doctor.pk}/history/").content.decode()
    assert NUMBER not in page and new_number not in page
    assert resident_id.mask(new_number) in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_ID).exists()
    client.force_login(yibao_user)
    page = client.get(f"/admin/doctors/doctor/{doctor.pk}/history/").content.decode()
    assert new_number in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_ID, actor=yibao_user).exists()


def test_history_version_page_masks_for_others_and_logs_full_views(client, shifuban_user,
                                                                     yibao_user, doctor):
    """Issue 9 §5: a past version's page is a disclosure like the change page."""
    version = doctor.history.earliest("history_date")
    url = f"/admin/doctors/doctor/{doctor.pk}/history/{version.history_id}/"
    client.force_login(shifuban_user)
    response = client.get(url)
    assert response.status_code == 200
    assert NUMBER not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_ID).exists()
    client.force_login(yibao_user)
    response = client.get(url)
    assert response.status_code == 200 and NUMBER in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_ID)
    assert event.actor == yibao_user and "历史版本" in event.note
