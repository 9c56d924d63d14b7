import pytest

from apps.core import audit
from apps.core.models import AuditEvent, Organisation, Region
from apps.core.services import organisation_resolve


@pytest.mark.django_db
def test_create_update_delete_are_recorded_with_old_and_new_values(admin_user):
    org = Organisation.objects.create(name="衢州市测试局", kind="department")
    org.kind = "government"
    org._change_reason = "更正类型"
    org.save()
    org.delete()
    events = list(AuditEvent.objects.filter(model="core.Organisation").order_by("id"))
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert events[1].changes == {"kind": ["department", "government"]}
    assert events[1].note == "更正类型"
    assert events[2].changes["name"] == ["衢州市测试局", None]
    assert events[2].changes["kind"] == ["government", None]


def test_admin_change_records_the_actor(client, admin_user):
    client.force_login(admin_user)
    region = Region.objects.get(code="330802")
    org = Organisation.objects.create(name="柯城区应急管理局", kind="other", region=region)
    response = client.post(f"/admin/core/organisation/{org.pk}/change/", {
        "name": "柯城区应急管理局", "kind": "department", "region": region.pk,
        "aliases-TOTAL_FORMS": "1", "aliases-INITIAL_FORMS": "0",
        "aliases-0-name": "柯城区应急局"})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(model="core.Organisation", action="update").latest("id")
    assert event.actor == admin_user and event.actor_name == "admin"
    assert event.changes == {"kind": ["other", "department"]}
    alias_event = AuditEvent.objects.filter(model="core.OrganisationAlias").latest("id")
    assert alias_event.action == "create" and alias_event.actor == admin_user


@pytest.mark.django_db
def test_bulk_paths_leave_one_run_level_record(admin_user):
    event = audit.record_bulk(actor=admin_user, model=Organisation, note="导入单位",
                              counts={"created": 1200})
    assert event.action == "bulk" and event.changes["counts"] == {"created": 1200}


def test_auditor_reads_the_trail_but_cannot_change(client, auditor_user):
    Organisation.objects.create(name="衢州市审计测试单位")
    client.force_login(auditor_user)
    listing = client.get("/admin/core/auditevent/")
    assert listing.status_code == 200 and "衢州市审计测试单位" in listing.content.decode()
    assert client.get("/admin/core/organisation/add/").status_code == 403
    event = AuditEvent.objects.latest("id")
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403


@pytest.mark.django_db
def test_aliases_make_records_meet_on_one_organisation():
    assert organisation_resolve("市应急局") == organisation_resolve("衢州市应急管理局")
    assert organisation_resolve("市人民医院") == organisation_resolve("衢州市人民医院")
    new = organisation_resolve("市中医医院")
    assert new.name == "衢州市中医医院"
    created = organisation_resolve("柯城区应急局")
    assert created.region.code == "330802"
    assert organisation_resolve("柯城区应急局") == created


def test_admin_merges_two_spellings_into_one_organisation(client, admin_user):
    full = Organisation.objects.create(name="衢州市交通运输局", kind="department")
    short = Organisation.objects.create(name="市交通局", kind="department")
    client.force_login(admin_user)
    confirm = client.post("/admin/core/organisation/", {
        "action": "merge_organisations", "_selected_action": [full.pk, short.pk]})
    assert "请选择要保留的单位" in confirm.content.decode()
    done = client.post("/admin/core/organisation/", {
        "action": "merge_organisations", "_selected_action": [full.pk, short.pk],
        "keep": full.pk})
    assert done.status_code == 302
    assert organisation_resolve("市交通局") == full
    assert not Organisation.objects.filter(pk=short.pk).exists()
    event = AuditEvent.objects.filter(action="bulk").latest("id")
    assert event.note == "单位“市交通局”并入“衢州市交通运输局”" and event.actor == admin_user


@pytest.mark.django_db
def test_a_save_that_changes_nothing_is_not_an_audit_event():
    org = Organisation.objects.create(name="衢州市无变化单位")
    before = AuditEvent.objects.count()
    org.save()
    assert AuditEvent.objects.count() == before
