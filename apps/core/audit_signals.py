"""Audit entries for logins and grants (issue 9 §5): every login success, failure and
lockout (lockouts are written by ``lockout.register_failure``, issue 11), session ends, and every group, permission, superuser or staff-flag change, kept in 审计记录."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from . import audit
from .models import AuditEvent

_FLAGS = {"is_superuser": "超级管理员", "is_staff": "工作人员身份", "is_active": "账号启用"}


def _ip(request) -> str:
    from .lockout import client_address

    return client_address(request)


def on_login(sender, request, user, **kwargs) -> None:
    audit.record(AuditEvent.Action.LOGIN, actor=user, obj=user, note=f"登录成功 {_ip(request)}".strip())


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str((credentials or {}).get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    refused = "(已锁定,未校验密码)" if getattr(request, "qz_lockout", None) is not None else ""
    audit.record(AuditEvent.Action.LOGIN_FAIL, actor=None, model=get_user_model(),
                 obj=user, object_repr=username,
                 note=f"登录失败{refused}(用户名 {username}) {_ip(request)}".strip())


def on_user_pre_save(sender, instance, raw=False, **kwargs) -> None:
    """Remember the stored flags so post_save can tell what changed."""
    if raw:
        return
    old = None
    if instance.pk is not None:
        old = sender.objects.filter(pk=instance.pk).values(*_FLAGS).first()
    instance._audit_old_flags = old


def on_user_post_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    old = getattr(instance, "_audit_old_flags", None) or {}
    changes = {}
    for flag, label in _FLAGS.items():
        before = None if created else old.get(flag)
        after = getattr(instance, flag)
        if created and not after and flag != "is_active":
            continue
        if created and flag == "is_active":
            continue
        if before != after:
            changes[label] = [before, after]
    if changes:
        audit.record(AuditEvent.Action.GRANT, obj=instance, changes=changes,
                     note="新建账号" if created else "账号权限标志变更")


def _names(model, pks) -> list[str]:
    if model is Permission:
        return sorted(f"{p.content_type.app_label}.{p.codename}"
                      for p in Permission.objects.filter(pk__in=pks).select_related("content_type"))
    return sorted(str(o) for o in model.objects.filter(pk__in=pks))


def _on_m2m(what: str):
    def handler(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action == "pre_clear":
            instance._audit_cleared = _cleared(sender, instance)
            return
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        if action == "post_clear":
            names = getattr(instance, "_audit_cleared", [])
            if not names:
                return
            changes = {what: [names, []]}
        else:
            if not pk_set:
                return
            names = _names(model, pk_set)
            changes = {what: [[], names] if action == "post_add" else [names, []]}
        verb = {"post_add": "授予", "post_remove": "撤销", "post_clear": "清空"}[action]
        audit.record(AuditEvent.Action.GRANT, obj=instance, changes=changes,
                     note=f"{verb}{what}:{'、'.join(names)[:400]}")

    return handler


def _cleared(through, instance) -> list[str]:
    """Names on the other side of ``instance``'s rows in an m2m table, before a clear()."""
    fks = [f for f in through._meta.concrete_fields if f.is_relation]
    source = next(f for f in fks if isinstance(instance, f.related_model))
    target = next(f for f in fks if f is not source)
    ids = through.objects.filter(**{source.name: instance}).values_list(target.attname, flat=True)
    return _names(target.related_model, list(ids))


def on_user_pre_delete(sender, instance, **kwargs) -> None:
    """Deleting an account is a grant change: record its groups and flags before they go.

    An account that has acted (computed, approved, decided, changed records) is never
    deleted: that would blank who did it on locked records. It is deactivated instead."""
    from .authority import AuthorityError

    acted = AuditEvent.objects.filter(actor=instance).exclude(
        action__in=[AuditEvent.Action.LOGIN, AuditEvent.Action.LOGIN_FAIL,
                    AuditEvent.Action.LOCKOUT]).exists()
    if acted:
        raise AuthorityError(f"账号 {instance.get_username()} 已有业务操作记录,不能删除;请取消其“有效”状态以停用")
    groups = sorted(instance.groups.values_list("name", flat=True))
    changes = {"用户组": [groups, []]}
    changes.update({label: [getattr(instance, flag), None] for flag, label in _FLAGS.items()})
    audit.record(AuditEvent.Action.GRANT, obj=instance, changes=changes,
                 note=f"删除账号 {instance.get_username()}")


def on_group_pre_delete(sender, instance, **kwargs) -> None:
    """Deleting a group removes every member's membership without m2m signals: record them."""
    members = sorted(instance.user_set.values_list("username", flat=True))
    perms = _names(Permission, list(instance.permissions.values_list("pk", flat=True)))
    audit.record(AuditEvent.Action.GRANT, obj=instance,
                 changes={"成员": [members, []], "组权限": [perms, []]},
                 note=f"删除用户组 {instance.name}(成员 {len(members)} 人)")


def on_scope_deleted(sender, instance, **kwargs) -> None:
    """Removing a 工作人员范围 makes a county user city-level: a grant change."""
    region = instance.region.name if instance.region_id else "全市"
    audit.record(AuditEvent.Action.GRANT, obj=instance.user, model=get_user_model(),
                 changes={"工作人员范围": [region, "全市(无范围记录)"]},
                 note=f"删除工作人员范围:{instance.user} 原为{region}")


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in, user_login_failed
    from django.db.models.signals import m2m_changed, post_save, pre_save

    user_model = get_user_model()
    from django.contrib.auth.signals import user_logged_out

    from . import lockout, security

    user_logged_in.connect(on_login, dispatch_uid="qzgov-audit-login")
    user_login_failed.connect(on_login_failed, dispatch_uid="qzgov-audit-login-failed")
    from django.db.models.signals import post_delete, pre_delete

    from .models import StaffProfile

    # After the audit entry: counts the failure and locks (lockout entries, issue 11 §5).
    user_login_failed.connect(lockout.on_login_failed, dispatch_uid="qzgov-lockout-failed")
    user_logged_out.connect(security.on_logged_out, dispatch_uid="qzgov-session-logout")
    pre_save.connect(on_user_pre_save, sender=user_model, dispatch_uid="qzgov-audit-user-pre")
    pre_delete.connect(on_user_pre_delete, sender=user_model, dispatch_uid="qzgov-audit-user-del")
    pre_delete.connect(on_group_pre_delete, sender=Group, dispatch_uid="qzgov-audit-group-del")
    post_delete.connect(on_scope_deleted, sender=StaffProfile, dispatch_uid="qzgov-audit-scope-del")
    from . import passwords

    pre_save.connect(passwords.on_user_pre_save, sender=user_model, dispatch_uid="qzgov-pw-pre")
    post_save.connect(passwords.on_user_post_save, sender=user_model, dispatch_uid="qzgov-pw-post")
    post_save.connect(on_user_post_save, sender=user_model, dispatch_uid="qzgov-audit-user-post")
    m2m_changed.connect(_on_m2m("用户组"), sender=user_model.groups.through, weak=False,
                        dispatch_uid="qzgov-audit-user-groups")
    m2m_changed.connect(_on_m2m("权限"), sender=user_model.user_permissions.through, weak=False,
                        dispatch_uid="qzgov-audit-user-perms")
    m2m_changed.connect(_on_m2m("组权限"), sender=Group.permissions.through, weak=False,
                        dispatch_uid="qzgov-audit-group-perms")
