"""Issue 9 for personnel: city-wide (county staff read only, on every path), appointment
items are never edited or deleted; a void/correction with a reason changes the roster and
is audited; a re-import keeps it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from apps.core import authority
from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent
from apps.personnel import selectors, services
from apps.personnel.models import AppointmentItem, AppointmentItemVoid, AppointmentNotice

pytestmark = pytest.mark.django_db

ON = dt.date(2020, 7, 1)


@pytest.fixture
def county(make_staff):
    """A 柯城区 市府办 clerk: the group may change personnel, the county scope may not."""
    return make_staff("kc", "市府办", region_code="330802")


def tao_le() -> AppointmentItem:
    return AppointmentItem.objects.get(person_name="陶乐", title="秘书处副处长")


def office_roster() -> list[str]:
    return [t.person_name for t in selectors.roster(
        organisation=selectors.organisation_named("市政府办公室"), as_of=ON)]


def test_county_user_cannot_change_a_notice_in_the_admin(gazette, client, county):
    notice = tao_le().notice
    client.force_login(county)
    url = f"/admin/personnel/appointmentnotice/{notice.pk}/change/"
    assert 'name="_save"' not in client.get(url).content.decode()
    response = client.post(url, {"number": notice.number, "title": "改名",
                                 "issuing_body": notice.issuing_body, "date": "2020-06-27",
                                 "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"})
    assert response.status_code == 403
    item = tao_le()
    assert client.post(f"/admin/personnel/appointmentitem/{item.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    notice.refresh_from_db()
    assert notice.title != "改名"


def test_county_user_cannot_write_personnel_through_services(gazette, county):
    notice = tao_le().notice
    items = AppointmentItem.objects.count()
    with pytest.raises(AuthorityError, match="市级统一管理"):
        services.item_record(notice=notice, order=99, name="王五", action="appoint",
                             kind="post", unit="衢州市人民政府办公室", title="科员", actor=county)
    with pytest.raises(AuthorityError):
        services.notice_record(number="衢政干〔2020〕30号", title="x", issuing_body="x",
                               date=ON, actor=county)
    with pytest.raises(AuthorityError):
        services.probation_flags_raise(today=dt.date(2021, 5, 28), actor=county)
    with pytest.raises(AuthorityError):
        services.item_void(item=tao_le(), reason="县里作废", actor=county)
    with pytest.raises(AuthorityError):
        call_command("flag_probations", "--as", "kc", "--date", "2021-05-28")
    assert AppointmentItem.objects.count() == items
    assert not AppointmentNotice.objects.filter(number="衢政干〔2020〕30号").exists()
    assert not AppointmentItemVoid.objects.exists()


def test_nobody_edits_or_deletes_an_appointment_item(gazette, admin_user, client):
    item = tao_le()
    with authority.acting_as(admin_user):
        item.title = "秘书处处长"
        with pytest.raises(AuthorityError, match="不能修改或删除"):
            item.save()
        with pytest.raises(AuthorityError), transaction.atomic():
            AppointmentItem.objects.get(pk=item.pk).delete()
    client.force_login(admin_user)
    page = client.get(f"/admin/personnel/appointmentitem/{item.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page
    assert client.post(f"/admin/personnel/appointmentitem/{item.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert "delete_selected" not in client.get("/admin/personnel/appointmentitem/").content.decode()
    assert tao_le().title == "秘书处副处长"


def test_void_takes_the_item_out_of_the_roster_and_is_audited(gazette, shifuban_user):
    assert "陶乐" in office_roster()
    item = tao_le()
    with pytest.raises(ValidationError):
        services.item_void(item=item, reason="", actor=shifuban_user)
    services.item_void(item=item, reason="任职误录", actor=shifuban_user)
    assert "陶乐" not in office_roster()
    assert not selectors.probations_ending(today=dt.date(2021, 6, 1)).filter(pk=item.pk).exists()
    entry = AuditEvent.objects.get(action=AuditEvent.Action.VOID, object_id=str(item.pk))
    assert entry.actor == shifuban_user and "任职误录" in entry.note
    assert entry.changes["title"] == ["秘书处副处长", None]


def test_correction_changes_the_roster_and_survives_a_reimport(gazette, gazette_text,
                                                               shifuban_user):
    from apps.gazette.services import import_gazette

    item = tao_le()
    void = services.item_correct(item=item, reason="职务印错", title="秘书处处长",
                                 actor=shifuban_user)
    rows = {t.person_name: t.title for t in selectors.roster(
        organisation=item.organisation, as_of=ON)}
    assert rows["陶乐"] == "秘书处处长"
    assert void.replacement.probation_until == item.probation_until
    report = import_gazette(text=gazette_text, source_name="seed")
    assert not report.changed
    assert AppointmentItem.objects.filter(pk=void.replacement.pk).exists()
    rows = {t.person_name: t.title for t in selectors.roster(
        organisation=item.organisation, as_of=ON)}
    assert rows["陶乐"] == "秘书处处长"


def test_admin_void_action(gazette, client, shifuban_user):
    item = tao_le()
    client.force_login(shifuban_user)
    url = "/admin/personnel/appointmentitem/"
    client.post(url, {"action": "void_items", "_selected_action": [item.pk], "reason": ""})
    assert not AppointmentItemVoid.objects.exists()
    client.post(url, {"action": "void_items", "_selected_action": [item.pk], "reason": "误录"})
    assert AppointmentItemVoid.objects.get(item=item).actor == shifuban_user
