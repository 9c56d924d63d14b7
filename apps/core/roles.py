"""Roles (groups) and region scope (issue: roles and scope).

Groups are created by migration ``0002_roles``; their permissions are synced after every
``migrate`` from ``role_access`` declared on each app's ``AppConfig`` (``{"民政": "change"}``
gives the group every permission of that app, ``"view"`` only the view permissions), so a
new app or model never needs a hand edit in the admin. A single model's permissions for
one role beyond that go in ``EXTRA_GRANTS``, each with its reason.
"""

from __future__ import annotations

from django.apps import apps as django_apps

ROLES = ["市府办", "民政", "人社", "退役军人", "发改委", "医保", "市场监管", "生态环境", "资源规划", "经信", "文旅"]
AUDITOR = "审计"

# 三员分立 (issue 11 §5; GB/T 22239-2019 8.1.4.2 访问控制, 8.1.10 集中管控): three
# administrator roles, none with business data; the superuser is for installation only.
SYSADMIN = "系统管理员"      # users and groups
SECADMIN = "安全管理员"      # unlock, staff scopes, API tokens, second-factor resets
SECAUDITOR = "审计员"        # reads the security audit trail, changes nothing
ADMIN_ROLES = [SYSADMIN, SECADMIN, SECAUDITOR]
ALL_GROUPS = [*ROLES, AUDITOR, *ADMIN_ROLES]

# Exactly these permissions, nothing from ``role_access``: {group: {(app, codename)}}.
ADMIN_ROLE_PERMISSIONS: dict[str, set[tuple[str, str]]] = {
    SYSADMIN: {("auth", "view_user"), ("auth", "add_user"), ("auth", "change_user"),
               ("auth", "view_group"), ("auth", "add_group"), ("auth", "change_group"),
               ("core", "view_staffprofile")},
    SECADMIN: {("auth", "view_user"), ("core", "view_staffprofile"), ("core", "add_staffprofile"),
               ("core", "change_staffprofile"), ("core", "view_apitoken"), ("core", "add_apitoken"),
               ("core", "change_apitoken"), ("core", "view_loginlock"),
               ("core", "unlock_loginlock"), ("core", "view_usersession"),
               ("core", "view_passwordrecord"),
               ("otp_totp", "view_totpdevice"), ("otp_totp", "delete_totpdevice"),
               ("otp_static", "view_staticdevice"), ("otp_static", "delete_staticdevice")},
    SECAUDITOR: {("core", "view_auditevent"), ("core", "view_usersession"),
                 ("core", "view_loginlock"), ("core", "view_auditarchive"),
                 ("core", "view_passwordrecord"),
                 ("core", "view_apitoken"), ("core", "view_staffprofile"),
                 ("auth", "view_user"), ("auth", "view_group"),
                 ("otp_totp", "view_totpdevice"), ("otp_static", "view_staticdevice")},
}

# Roles whose staff handle citizens' records and may see full resident ID numbers.
FULL_ID_ROLES = {"民政", "人社", "退役军人", "医保"}
# Named permissions that are granted only explicitly, never with "all view permissions".
SENSITIVE = {"view_full_resident_id"}
# The audit trail, API tokens and the security records are read by the auditors only (and
# superusers), never by the business roles through their app's "view".
AUDITOR_ONLY = {"view_auditevent", "view_apitoken", "view_historicalapitoken", "view_loginlock",
                "view_usersession", "view_passwordrecord", "view_auditarchive"}


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
    for role, keys in ADMIN_ROLE_PERMISSIONS.items():
        wanted[role] = set(keys)
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


def token_apps(user) -> list[str]:
    """The apps a new API token of ``user`` may call by default: those the user's groups work
    in or read (``role_access``); every local app for a superuser."""
    configs = [c for c in django_apps.get_app_configs()
               if c.name.startswith("apps.") and c.label != "core" and getattr(c, "role_access", None)]
    if user.is_superuser:
        return sorted(c.label for c in configs)
    groups = set(user.groups.values_list("name", flat=True))
    if AUDITOR in groups:
        return sorted(c.label for c in configs)
    return sorted(c.label for c in configs if groups & set(c.role_access))


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
