"""Issue 9: authority checked where data is written, commands attributable, logins and grants
on the record."""

from __future__ import annotations

import getpass
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from apps.core import audit, authority
from apps.core.models import AuditEvent, Region, WorkdaySchedule


@pytest.mark.django_db
def test_two_levels_follow_the_region_scope(kecheng_user, minzheng_user, admin_user):
    assert authority.is_city_level(None)  # 系统
    assert authority.is_city_level(minzheng_user)
    assert authority.is_city_level(admin_user)
    assert not authority.is_city_level(kecheng_user)
    with pytest.raises(authority.AuthorityError, match="柯城区工作人员只能查看"):
        authority.check_city_level(kecheng_user, "补贴政策版本")
    authority.check_city_level(minzheng_user, "补贴政策版本")
    kecheng = Region.objects.get(code="330802")
    jiangshan = Region.objects.get(code="330881")
    authority.check_region(kecheng_user, kecheng, "低保对象")
    with pytest.raises(authority.AuthorityError, match="属于江山市,您只能修改柯城区的记录"):
        authority.check_region(kecheng_user, jiangshan.pk, "低保对象")


@pytest.mark.django_db
def test_model_guard_refuses_a_county_user_on_every_orm_path(kecheng_user):
    """The calendar is city-wide: a county user cannot add a schedule, whatever the path."""
    with authority.acting_as(kecheng_user), pytest.raises(authority.AuthorityError):
        WorkdaySchedule.objects.create(year=2031, notice="国办发明电〔2030〕1号")
    assert not WorkdaySchedule.objects.filter(year=2031).exists()
    # 系统 (no actor) may: scheduled jobs and migrations keep working.
    WorkdaySchedule.objects.create(year=2031, notice="国办发明电〔2030〕1号")


def test_county_user_sees_city_wide_models_read_only_in_the_admin(client, make_staff):
    user = make_staff("kc_fb", "市府办", region_code="330802")
    city = make_staff("city_fb", "市府办")
    # The group grants the permission; the county level takes the write away.
    perm = Permission.objects.get(codename="add_workdayschedule")
    Group.objects.get(name="市府办").permissions.add(perm)
    assert city.has_perm("core.add_workdayschedule")
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("core.add_workdayschedule")
    client.force_login(user)
    response = client.post("/admin/core/workdayschedule/add/", {"year": 2031, "notice": "x"})
    assert response.status_code == 403
    assert not WorkdaySchedule.objects.filter(year=2031).exists()


@pytest.mark.django_db
def test_commands_act_as_system_with_the_os_user_or_as_a_named_user(minzheng_user):
    call_command("flag_probations", "--date", "2020-07-01")
    call_command("import_gazette", "--json", stdout=open("/dev/null", "w"))
    event = AuditEvent.objects.filter(actor__isnull=True).exclude(actor_name="").latest("id")
    assert event.actor_name.startswith("系统(命令 ")
    assert f"操作系统用户 {getpass.getuser()}" in event.actor_name
    call_command("import_gazette", "--as", "minzheng", stdout=open("/dev/null", "w"))
    with pytest.raises(CommandError, match="没有这个在用的工作人员账号"):
        call_command("flag_probations", "--as", "nobody")


@pytest.mark.django_db
def test_acting_as_names_the_user_in_the_trail_outside_a_request(minzheng_user):
    with authority.acting_as(minzheng_user):
        event = audit.record(AuditEvent.Action.STEP, model=Region, note="测试")
    assert event.actor == minzheng_user and event.actor_name == "minzheng"
    with authority.acting_as(None, origin="定时任务 demo"):
        event = audit.record(AuditEvent.Action.STEP, model=Region, note="测试")
    assert event.actor is None and event.actor_name == "系统(定时任务 demo)"


@pytest.mark.django_db
def test_bulk_entries_list_touched_regions_and_a_change_list(client, make_staff, admin_user):
    kecheng, jiangshan = Region.objects.get(code="330802"), Region.objects.get(code="330881")
    event = audit.record_bulk(
        actor=admin_user, model=Region, note="导入", regions=[kecheng, jiangshan.pk],
        rows=[{"line": 2, "object": "甲", "changes": {"区划": ["柯城区", "江山市"]}}])
    assert set(event.regions.values_list("code", flat=True)) == {"330802", "330881"}
    assert "2,甲,区划,柯城区,江山市" in event.attachment
    # A county auditor sees the bulk entry through the touched region and downloads the list.
    county_auditor = make_staff("kc_sj", "审计", region_code="330802")
    other_auditor = make_staff("qj_sj", "审计", region_code="330803")
    client.force_login(county_auditor)
    assert client.get(f"/admin/core/auditevent/{event.pk}/change/").status_code == 200
    download = client.get(f"/admin/core/auditevent/{event.pk}/changes.csv")
    assert download.status_code == 200 and "柯城区,江山市" in download.content.decode("utf-8-sig")
    client.force_login(other_auditor)
    assert client.get(f"/admin/core/auditevent/{event.pk}/changes.csv").status_code == 404


def test_login_success_failure_and_lockout_are_kept(client, make_staff, settings):
    make_staff("clerk", "民政")
    for _ in range(settings.LOCKOUT_USERNAME_LIMIT):
        client.post("/admin/login/", {"username": "clerk", "password": "wrong"})
    actions = list(AuditEvent.objects.filter(object_repr="clerk").values_list("action", flat=True))
    assert actions.count("login_fail") == settings.LOCKOUT_USERNAME_LIMIT
    assert "lockout" in actions
    from apps.core import lockout
    from apps.core.models import LoginLock

    lockout.unlock(LoginLock.objects.get(kind="username", value="clerk"), actor=None,
                   reason="本人电话核实")
    assert client.post("/admin/login/", {"username": "clerk", "password": "pw-for-tests-only",
                                         "next": "/admin/"}).status_code == 302
    # A later success is one more entry; the failures stay.
    kept = AuditEvent.objects.filter(object_repr="clerk")
    assert kept.filter(action="login").count() == 1
    assert kept.filter(action="login_fail").count() == settings.LOCKOUT_USERNAME_LIMIT


@pytest.mark.django_db
def test_group_permission_and_superuser_changes_are_recorded(make_staff, admin_user):
    user = make_staff("grantee")
    with authority.acting_as(admin_user):
        user.groups.add(Group.objects.get(name="民政"))
        user.groups.remove(Group.objects.get(name="民政"))
        user.is_superuser = True
        user.save()
        perm = Permission.objects.get(codename="view_auditevent")
        user.user_permissions.add(perm)
        Group.objects.get(name="人社").permissions.remove(
            Group.objects.get(name="人社").permissions.first())
    grants = AuditEvent.objects.filter(action="grant").order_by("id")
    notes = [e.note for e in grants]
    assert any(n == "授予用户组:民政" for n in notes)
    assert any(n == "撤销用户组:民政" for n in notes)
    assert any(e.changes.get("超级管理员") == [False, True] for e in grants)
    assert any(n == "授予权限:core.view_auditevent" for n in notes)
    assert any(n.startswith("撤销组权限:") for n in notes)
    assert all(e.actor == admin_user for e in grants.exclude(note="新建账号").filter(at__gte=user.date_joined))


@pytest.mark.django_db
def test_region_scope_change_is_recorded(make_staff, admin_user):
    user = make_staff("scoped", "民政")
    with authority.acting_as(admin_user):
        profile = user.staff_profile
        profile.region = Region.objects.get(code="330802")
        profile.save()
    event = AuditEvent.objects.filter(model="core.StaffProfile", action="update").latest("id")
    assert event.actor == admin_user
    assert event.changes["region"][1] == Region.objects.get(code="330802").pk


@pytest.mark.django_db
def test_api_maps_authority_errors_to_403_json(kecheng_user):
    from django.test import RequestFactory

    from apps.core.api import api_view

    @api_view(methods=("POST",))
    def write(request):
        authority.check_city_level(authority.current_actor(), "价格指数")
        return {"ok": True}

    request = RequestFactory().post("/api/x")
    request.user = kecheng_user
    request._dont_enforce_csrf_checks = True
    response = write(request)
    assert response.status_code == 403
    assert "价格指数由市级统一管理" in json.loads(response.content)["error"]



def test_a_refused_write_explains_itself_in_chinese(client, make_staff):
    user = make_staff("kc_fb2", "市府办", region_code="330802")
    client.force_login(user)
    response = client.post("/admin/core/workdayschedule/add/", {"year": 2031, "notice": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权操作" in page and "衢州市人民政府 业务管理后台" in page


def test_history_version_pages_never_save(client, make_staff, admin_user):
    """simple-history saved a POST to a past version for anyone who could view the model
    (a view-only 民政 clerk rewrote the calendar); past versions are for reading only."""
    schedule = WorkdaySchedule.objects.create(year=2031, notice="国办发明电〔2030〕1号")
    version = schedule.history.earliest("history_date")
    url = f"/admin/core/workdayschedule/{schedule.pk}/history/{version.history_id}/"
    for user in (make_staff("viewer", "民政"), admin_user):
        client.force_login(user)
        assert client.get(url).status_code == 200
        response = client.post(url, {"year": 2032, "notice": "改写"})
        assert response.status_code == 403
    schedule.refresh_from_db()
    assert (schedule.year, schedule.notice) == (2031, "国办发明电〔2030〕1号")


@pytest.mark.django_db
def test_failed_api_tokens_are_recorded(client):
    response = client.get("/api/whoami", HTTP_AUTHORIZATION="Token bogus-key")
    assert response.status_code == 401
    event = AuditEvent.objects.get(action="login_fail")
    assert "API令牌无效" in event.note and "bogus-key" not in event.object_repr


@pytest.mark.django_db
def test_deleting_accounts_groups_and_scopes_is_recorded(make_staff, admin_user):
    county = make_staff("county", "民政", region_code="330802")
    gone = make_staff("gone", "人社")
    with authority.acting_as(admin_user):
        county.staff_profile.delete()
        gone.delete()
        Group.objects.get(name="退役军人").delete()
    grants = {e.note: e for e in AuditEvent.objects.filter(action="grant", actor=admin_user)}
    assert grants["删除工作人员范围:county 原为柯城区"].changes["工作人员范围"][0] == "柯城区"
    assert grants["删除账号 gone"].changes["用户组"] == [["人社"], []]
    assert "删除用户组 退役军人" in "".join(grants)


@pytest.mark.django_db
def test_an_account_that_acted_is_deactivated_not_deleted(make_staff):
    clerk = make_staff("acted", "民政")
    with authority.acting_as(clerk):
        audit.record(AuditEvent.Action.STEP, model=Region, note="提交审核")
    with pytest.raises(authority.AuthorityError, match="不能删除"), transaction.atomic():
        clerk.delete()
    assert type(clerk).objects.filter(pk=clerk.pk).exists()
