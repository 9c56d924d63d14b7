"""Issue 9 for awards: city-wide (county staff read only, on every path), listed recipients
are never edited or deleted; a void/correction with a reason changes the lists, counts and
honours and is audited; a re-import keeps it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.awards import selectors, services
from apps.awards.models import Decision, Person, Recipient, RecipientVoid
from apps.core import authority
from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent

pytestmark = pytest.mark.django_db

N13 = "衢政发〔2020〕13号"


@pytest.fixture
def county(make_staff):
    """A 柯城区 市府办 clerk: the group may change awards, the county scope may not."""
    return make_staff("kc", "市府办", region_code="330802")


def chai_13() -> Recipient:
    return Recipient.objects.get(person_name="柴东剑", section__decision__number=N13)


def test_county_user_cannot_change_a_decision_in_the_admin(gazette, client, county):
    decision = Decision.objects.get(number=N13)
    client.force_login(county)
    url = f"/admin/awards/decision/{decision.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(url, {"number": decision.number, "kind": "decision", "title": "改名",
                                 "issuing_body": "x", "date": "2020-06-16",
                                 "sections-TOTAL_FORMS": "0", "sections-INITIAL_FORMS": "0"})
    assert response.status_code == 403
    assert client.post(f"/admin/awards/decision/{decision.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    decision.refresh_from_db()
    assert decision.title != "改名"


def test_county_user_cannot_write_awards_through_services(gazette, county):
    chai = chai_13()
    people = Person.objects.count()
    with pytest.raises(AuthorityError, match="市级统一管理"):
        services.person_identify(name="新人", unit="市民政局", actor=county)
    with pytest.raises(AuthorityError):
        services.recipient_import(number=N13, section_title="", award_label="个人嘉奖",
                                  declared=None, name="王五", unit="市民政局", actor=county)
    other = services.person_identify(name="柴东剑", unit="江山市人民医院")
    with pytest.raises(AuthorityError):
        services.person_merge(keep=chai.person, merge=other, actor=county)
    with pytest.raises(AuthorityError):
        services.recipient_void(recipient=chai, reason="县里作废", actor=county)
    assert Person.objects.count() == people + 1  # only the city-level identify above
    assert not RecipientVoid.objects.exists()


def test_merge_rule_same_name_is_enforced_by_the_service(gazette):
    a = services.person_identify(name="张三", unit="市民政局")
    b = services.person_identify(name="李四", unit="市民政局")
    with pytest.raises(ValidationError, match="姓名不同"):
        services.person_merge(keep=a, merge=b)
    assert Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_nobody_edits_or_deletes_a_recipient(gazette, admin_user, client):
    chai = chai_13()
    with authority.acting_as(admin_user):
        chai.text = "改过"
        with pytest.raises(AuthorityError, match="不能修改或删除"):
            chai.save()
        with pytest.raises(AuthorityError), transaction.atomic():
            Recipient.objects.get(pk=chai.pk).delete()
    client.force_login(admin_user)
    page = client.get(f"/admin/awards/recipient/{chai.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page
    assert client.post(f"/admin/awards/recipient/{chai.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert "delete_selected" not in client.get("/admin/awards/recipient/").content.decode()
    assert Recipient.objects.get(pk=chai.pk).text != "改过"


def test_void_leaves_the_lists_counts_and_api_and_is_audited(gazette, client, shifuban_user):
    chai = chai_13()
    section = chai.section
    listed = selectors.section_listed_count(section)
    services.recipient_void(recipient=chai, reason="重复列出", actor=shifuban_user)
    assert selectors.section_listed_count(section) == listed - 1
    assert chai not in selectors.honours(person="柴东剑", unit="衢州市人民医院")
    client.force_login(shifuban_user)
    body = client.get(f"/api/awards/decisions/{N13}").json()
    names = [r["name"] for s in body["sections"] for r in s["recipients"]]
    assert "柴东剑" not in names
    entry = AuditEvent.objects.get(action=AuditEvent.Action.VOID, object_id=str(chai.pk))
    assert entry.actor == shifuban_user and "重复列出" in entry.note
    assert entry.changes["text"][0] == chai.text
    assert Recipient.objects.filter(pk=chai.pk).exists()


def test_correction_replaces_the_recipient_and_survives_a_reimport(gazette, gazette_text,
                                                                    shifuban_user):
    from apps.gazette.services import import_gazette

    chai = chai_13()
    section = chai.section
    listed = selectors.section_listed_count(section)
    void = services.recipient_correct(recipient=chai, reason="单位印错", name="柴东剑",
                                      unit="衢州市中医医院", actor=shifuban_user)
    assert void.replacement.unit_text == "衢州市中医医院"
    assert selectors.section_listed_count(section) == listed
    assert "柴东剑" in [r.person_name for r in selectors.honours(unit="衢州市中医医院")]
    report = import_gazette(text=gazette_text, source_name="seed")
    assert not report.changed
    assert Recipient.objects.filter(pk=void.replacement.pk).exists()
    assert RecipientVoid.objects.get(recipient=chai).replacement_id == void.replacement.pk


def test_admin_void_action_needs_a_reason(gazette, client, shifuban_user):
    chai = chai_13()
    client.force_login(shifuban_user)
    client.post("/admin/awards/recipient/", {"action": "void_recipients",
                                             "_selected_action": [chai.pk], "reason": ""})
    assert not RecipientVoid.objects.exists()
    client.post("/admin/awards/recipient/", {"action": "void_recipients",
                                             "_selected_action": [chai.pk], "reason": "误列"})
    assert RecipientVoid.objects.get(recipient=chai).reason == "误列"
