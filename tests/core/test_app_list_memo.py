"""The admin app list is built once per permission set, groups and county (issue 13 §3) and
is never another user's: what each role may see and write (issue 9 §1) stays per user."""

from django.contrib.auth.models import Group
from django.test import RequestFactory

from apps.core.login import QzAdminSite
from apps.core.models import Region


def _app_list(user):
    from django.contrib import admin

    request = RequestFactory().get("/admin/")
    request.user = user
    return admin.site.get_app_list(request)


def _models(app_list) -> dict[str, dict]:
    return {m["object_name"]: m for app in app_list for m in app["models"]}


def test_each_permission_set_has_its_own_app_list(make_staff, monkeypatch):
    monkeypatch.setattr(QzAdminSite, "_app_lists", {})
    minzheng, yibao = make_staff("mz-memo", "民政"), make_staff("yb-memo", "医保")
    first = _models(_app_list(minzheng))
    assert "Beneficiary" in first and "Doctor" not in first
    assert "Doctor" in _models(_app_list(yibao)) and "Beneficiary" not in _models(_app_list(yibao))
    assert _models(_app_list(minzheng)) == first and len(QzAdminSite._app_lists) == 2


def test_a_changed_group_or_county_changes_the_list(make_staff, monkeypatch):
    monkeypatch.setattr(QzAdminSite, "_app_lists", {})
    user = make_staff("mover", "民政")
    assert "Doctor" not in _models(_app_list(user))
    user.groups.set([Group.objects.get(name="医保")])
    fresh = type(user).objects.get(pk=user.pk)  # a new request loads the user again
    assert "Doctor" in _models(_app_list(fresh))
    # A county user sees city-wide models read-only (no add link): AuthorityBackend.
    city_user = make_staff("city-mz", "民政")
    city = _models(_app_list(city_user))
    county = make_staff("county-mz", "民政", region_code="330802")
    county_models = _models(_app_list(county))
    assert city["PolicyVersion"]["add_url"] and not county_models["PolicyVersion"]["add_url"]
    # The same user moved to a county: the memo answers the county's list, not the city's.
    profile = city_user.staff_profile
    profile.region = Region.objects.get(code="330802")
    profile.save()
    moved = type(city_user).objects.get(pk=city_user.pk)
    assert not _models(_app_list(moved))["PolicyVersion"]["add_url"]


def test_callers_get_copies(make_staff, monkeypatch):
    monkeypatch.setattr(QzAdminSite, "_app_lists", {})
    user = make_staff("copier", "民政")
    _app_list(user)[0]["models"][0]["name"] = "改过"
    assert _app_list(user)[0]["models"][0]["name"] != "改过"
