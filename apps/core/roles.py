"""Roles (groups) and region scope (issue: roles and scope).

Groups are created by migration ``0002_roles``; their permissions are synced after every
``migrate`` from ``role_access`` declared on each app's ``AppConfig`` (``{"民政": "change"}``
gives the group every permission of that app, ``"view"`` only the view permissions), so a
new app or model never needs a hand edit in the admin. A single model's permissions for
one role beyond that go in ``EXTRA_GRANTS``, each with its reason.
"""

from __future__ import annotations

from django.apps import apps as django_apps

ROLES = ["市府办", "民政", "人社", "退役军人", "发改委", "医保", "市场监管", "生态环境"]
AUDITOR = "审计"
ALL_GROUPS = [*ROLES, AUDITOR]

# Roles whose staff handle citizens' records and may see full resident ID numbers.
FULL_ID_ROLES = {"民政", "人社", "退役军人", "医保"}
# Named permissions that are granted only explicitly, never with "all view permissions".
SENSITIVE = {"view_full_resident_id"}
# The audit trail and API tokens are read by the auditor only (and superusers).
AUDITOR_ONLY = {"view_auditevent", "view_apitoken", "view_historicalapitoken"}


# Targeted grants beyond ``role_access`` (which gives a whole app): {group: {(app, codename)}}.
# 市府办 maintain the working-day calendar (issue 10): they add a year's holiday schedule
# and correct it by editing; no delete — every change stays in the history and the audit
# trail, and each save recomputes the open deadlines (``services.workdays_schedule_entered``).
EXTRA_GRANTS: dict[str, set[tuple[str, str]]] = {
    "市府办": {("core", "add_workdayschedule"), ("core", "change_workdayschedule"),
            ("core", "add_workdayoverride"), ("core", "change_workdayoverride")},
}


def _is_view(codename: str) -> bool:
    return codename.startswith("view_") and codename not in SENSITIVE


def desired_permissions() -> dict[str, set[tuple[str, str]]]:
    """{group name: {(app_label, codename)}} from the apps' ``role_access``."""
    from django.contrib.auth.models import Permission

    wanted: dict[str, set[tuple[str, str]]] = {name: set() for name in ALL_GROUPS}
    perms = list(Permission.objects.select_related("content_type"))
    by_app: dict[str, list[tuple[str, str]]] = {}
    for perm in perms:
        by_app.setdefault(perm.content_type.app_label, []).append(
            (perm.content_type.app_label, perm.codename)
        )
    for config in django_apps.get_app_configs():
        for role, level in getattr(config, "role_access", {}).items():
            for app_label, codename in by_app.get(config.label, []):
                if codename in SENSITIVE or codename in AUDITOR_ONLY:
                    continue
                if level == "change" or _is_view(codename):
                    wanted[role].add((app_label, codename))
    # The auditor reads everything, including the audit trail, and changes nothing.
    for app_label, entries in by_app.items():
        if app_label in {"sessions", "contenttypes"}:
            continue
        wanted[AUDITOR].update(e for e in entries if _is_view(e[1]))
    for role in FULL_ID_ROLES:
        wanted[role].add(("core", "view_full_resident_id"))
    for role, keys in EXTRA_GRANTS.items():
        wanted[role].update(keys)
    return wanted


def sync_role_permissions(**kwargs) -> None:
    """post_migrate: make each group's permissions exactly what the apps declare."""
    from django.contrib.auth.models import Group, Permission

    if not Group.objects.filter(name__in=ALL_GROUPS).exists():
        return
    index = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type")
    }
    for name, keys in desired_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([index[k] for k in keys if k in index])


def user_region(user):
    """The region a staff user is limited to, or None for the whole city."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    profile = getattr(user, "staff_profile", None)
    if profile is None or profile.region is None or profile.region.is_city:
        return None
    return profile.region


def may_see_full_id(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("core.view_full_resident_id"))


def scope_queryset(queryset, user, region_lookup: str = "region"):
    """Limit ``queryset`` to the user's region (a 柯城区 user never sees 江山市 records)."""
    region = user_region(user)
    if region is None:
        return queryset
    return queryset.filter(**{region_lookup: region})
