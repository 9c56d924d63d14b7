"""Issue 9 for the registry: city-wide (county staff read only, on every path) and status
events are never edited or deleted; a void/correction with a reason changes the derived
status and is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from apps.core import authority
from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent
from apps.regulations import services
from apps.regulations.models import NormativeDocument, Status, StatusEvent, StatusEventVoid
from apps.regulations.selectors import documents_in_status, standing_on, timeline

REPEALED = "衢政发〔2011〕97号"  # repealed by 衢政办发〔2020〕20号 from 2020-06-09
ON = dt.date(2020, 7, 1)


@pytest.fixture
def county(make_staff):
    """A 柯城区 市场监管 clerk: the group may change the registry, the county scope may not."""
    return make_staff("kc", "市场监管", region_code="330802")


@pytest.fixture
def bureau(make_staff):
    return make_staff("bureau", "市场监管")


def repeal_event() -> StatusEvent:
    return StatusEvent.objects.get(document__number=REPEALED, cause=StatusEvent.Cause.REPEAL)


def test_county_user_cannot_write_the_registry_through_services(registry, county):
    doc = NormativeDocument.objects.get(number=REPEALED)
    events = StatusEvent.objects.count()
    with pytest.raises(AuthorityError, match="市级统一管理"):
        services.event_record(document=doc, status=Status.IN_FORCE,
                              effective_date=dt.date(2021, 1, 1), actor=county)
    with pytest.raises(AuthorityError):
        services.document_register(number="衢市监规〔2021〕9号", title="测试", actor=county)
    with pytest.raises(AuthorityError):
        services.transitions_apply(today=dt.date(2030, 1, 1), actor=county)
    with pytest.raises(AuthorityError):
        services.event_void(event=repeal_event(), reason="测试", actor=county)
    assert StatusEvent.objects.count() == events
    assert not StatusEventVoid.objects.exists()
    assert not NormativeDocument.objects.filter(number="衢市监规〔2021〕9号").exists()


def test_county_user_acting_in_a_request_cannot_write_by_the_orm_either(registry, county):
    doc = NormativeDocument.objects.get(number=REPEALED)
    with authority.acting_as(county), pytest.raises(AuthorityError):
        doc.title = "改名"
        doc.save()
    doc.refresh_from_db()
    assert doc.title != "改名"


def test_county_user_admin_post_is_refused_and_changes_nothing(registry, client, county):
    doc = NormativeDocument.objects.get(number=REPEALED)
    client.force_login(county)
    url = reverse("admin:regulations_normativedocument_change", args=[doc.pk])
    response = client.post(url, {"number": doc.number, "title": "改名", "public": "on"})
    assert response.status_code == 403
    response = client.post(reverse("admin:regulations_statusevent_changelist"), {
        "action": "void_events", "_selected_action": [repeal_event().pk], "reason": "县里作废"})
    assert response.status_code in (200, 302, 403)  # the action is not offered
    doc.refresh_from_db()
    assert doc.title != "改名"
    assert not StatusEventVoid.objects.exists()


def test_county_user_command_as_is_refused(registry, county):
    with pytest.raises(AuthorityError):
        call_command("regulations_apply_transitions", "--as", "kc", "--date", "2030-01-01")


def test_nobody_edits_or_deletes_a_status_event(registry, admin_user, client):
    event = repeal_event()
    with authority.acting_as(admin_user):
        event.note = "改过"
        with pytest.raises(AuthorityError, match="不能修改或删除"):
            event.save()
        with pytest.raises(AuthorityError), transaction.atomic():
            event.delete()
    with pytest.raises(AuthorityError), transaction.atomic():  # 系统 neither (no deriving())
        StatusEvent.objects.filter(pk=event.pk).delete()
    client.force_login(admin_user)
    change = reverse("admin:regulations_statusevent_change", args=[event.pk])
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page
    assert client.post(reverse("admin:regulations_statusevent_delete", args=[event.pk]),
                       {"post": "yes"}).status_code == 403
    assert client.post(change, {"note": "改过"}).status_code == 403
    listing = client.get(reverse("admin:regulations_statusevent_changelist")).content.decode()
    assert "delete_selected" not in listing
    assert StatusEvent.objects.get(pk=event.pk).note != "改过"


def test_void_with_a_reason_changes_the_derived_status_and_is_audited(registry, bureau, status_of):
    assert status_of(REPEALED, "2020-07-01") == Status.REPEALED
    event = repeal_event()
    with pytest.raises(ValidationError):
        services.event_void(event=event, reason=" ", actor=bureau)
    services.event_void(event=event, reason="废止条款误读", actor=bureau)
    doc = NormativeDocument.objects.get(number=REPEALED)
    assert standing_on(doc, ON).status == Status.IN_FORCE
    assert all(entry.status != Status.REPEALED for entry in timeline(doc))
    assert doc in documents_in_status(NormativeDocument.objects.all(), status=Status.IN_FORCE, on=ON)
    assert StatusEvent.objects.filter(pk=event.pk).exists()  # still recorded
    entry = AuditEvent.objects.get(action=AuditEvent.Action.VOID, object_id=str(event.pk))
    assert entry.actor == bureau and "废止条款误读" in entry.note
    assert entry.changes["status"] == [Status.REPEALED, None]
    with pytest.raises(ValidationError, match="已作废"):
        services.event_void(event=event, reason="再来一次", actor=bureau)


def test_correction_records_a_new_event_and_the_status_follows(registry, bureau, status_of):
    event = repeal_event()
    void = services.event_correct(event=event, reason="施行日期印错", status=Status.REPEALED,
                                  effective_date=dt.date(2020, 8, 1), actor=bureau)
    assert void.replacement.effective_date == dt.date(2020, 8, 1)
    assert status_of(REPEALED, "2020-07-01") == Status.IN_FORCE
    assert status_of(REPEALED, "2020-08-01") == Status.REPEALED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VOID, object_id=str(event.pk),
                                     note__contains="更正").exists()


def test_admin_void_action_needs_a_reason_and_then_voids(registry, client, bureau, status_of):
    client.force_login(bureau)
    url = reverse("admin:regulations_statusevent_changelist")
    event = repeal_event()
    client.post(url, {"action": "void_events", "_selected_action": [event.pk], "reason": ""})
    assert not StatusEventVoid.objects.exists()
    response = client.post(url, {"action": "void_events", "_selected_action": [event.pk],
                                 "reason": "重复登记"}, follow=True)
    assert "已作废1条记录" in response.content.decode()
    assert StatusEventVoid.objects.get(event=event).actor == bureau
    assert status_of(REPEALED, "2020-07-01") == Status.IN_FORCE


def test_the_voided_filter_lists_voided_and_valid_events_apart(registry, client, bureau):
    """是否作废 (``apps.core.void_admin.VoidedFilter``): 已作废 lists exactly the voided events,
    有效记录 every other one (the NOT EXISTS form, issue 13 §1)."""
    event = repeal_event()
    services.event_void(event=event, reason="废止条款误读", actor=bureau)
    client.force_login(bureau)
    url = reverse("admin:regulations_statusevent_changelist")
    change = reverse("admin:regulations_statusevent_change", args=[event.pk])
    voided = client.get(url, {"voided": "yes", "q": REPEALED}).content.decode()
    valid = client.get(url, {"voided": "no", "q": REPEALED}).content.decode()
    assert f'href="{change}' in voided and f'href="{change}' not in valid
    others = StatusEvent.objects.filter(document__number=REPEALED).exclude(pk=event.pk)
    assert others.exists()
    for other in others:
        link = reverse("admin:regulations_statusevent_change", args=[other.pk])
        assert f'href="{link}' in valid and f'href="{link}' not in voided


def test_reimporting_the_gazette_changes_nothing_and_keeps_the_void(registry, bureau, gazette_text,
                                                                    status_of, only_regulation_parsers):
    from apps.gazette.services import import_gazette

    services.event_void(event=repeal_event(), reason="测试", actor=bureau)
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.IMPORT).count()
    report = import_gazette(text=gazette_text, source_name="seed")
    assert not report.changed
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.IMPORT).count() == before
    assert status_of(REPEALED, "2020-07-01") == Status.IN_FORCE
