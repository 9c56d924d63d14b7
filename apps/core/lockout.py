"""Login lockout per username *and* per source address, with back-off (issue 11 §5;
GB/T 22239-2019 8.1.4.1 b: 应具有登录失败处理功能).

* A username locks after ``LOCKOUT_USERNAME_LIMIT`` consecutive failures, an address after
  ``LOCKOUT_ADDRESS_LIMIT`` failures on any accounts.
* A lock lasts ``LOCKOUT_BASE_MINUTES``, doubled for each earlier lock of the same username or
  address within 24 hours, at most ``LOCKOUT_MAX_MINUTES``.
* While an address is locked its attempts are refused before any password is checked and
  count against nobody, so one address cannot keep other people locked out: after a few
  username locks it is itself locked for longer and longer.
* 安全管理员 unlock from the admin with a recorded reason (``unlock``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import audit, authority
from .models import AuditEvent, LoginLock

Kind = LoginLock.Kind


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind the trusted proxy (``BEHIND_PROXY=1``)
    the entry ``PROXY_COUNT`` places from the right of X-Forwarded-For (the one the proxy
    added; entries further left are client-supplied and never trusted)."""
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if p.strip()]
        count = max(settings.PROXY_COUNT, 1)
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def _limit(kind: str) -> int:
    return settings.LOCKOUT_USERNAME_LIMIT if kind == Kind.USERNAME else settings.LOCKOUT_ADDRESS_LIMIT


def lock_minutes(lock_count: int) -> int:
    """Back-off: base × 2^(earlier locks within 24 h), capped."""
    return min(settings.LOCKOUT_BASE_MINUTES * 2 ** max(lock_count - 1, 0),
               settings.LOCKOUT_MAX_MINUTES)


def active_lock(username: str, address: str, now: dt.datetime | None = None) -> LoginLock | None:
    """The lock refusing this attempt (the address's first), or None."""
    if not settings.LOCKOUT_ENABLED:
        return None
    now = now or timezone.now()
    keys = [(Kind.ADDRESS, address), (Kind.USERNAME, (username or "").strip().lower())]
    for kind, value in keys:
        if not value:
            continue
        lock = LoginLock.objects.filter(kind=kind, value=value[:150]).first()
        if lock is not None and lock.is_locked(now):
            return lock
    return None


def _register(kind: str, value: str, now: dt.datetime) -> LoginLock | None:
    """Count one failure; return the lock if this failure locked it."""
    value = value[:150]
    with transaction.atomic():
        lock, _ = LoginLock.objects.select_for_update().get_or_create(kind=kind, value=value)
        if lock.last_failure_at and now - lock.last_failure_at > dt.timedelta(hours=24):
            lock.failures, lock.lock_count = 0, 0
        if lock.locked_until and lock.locked_until <= now and lock.failures >= _limit(kind):
            lock.failures = 0  # the lock ran out: a fresh count, the back-off remembered
        lock.failures += 1
        lock.last_failure_at = now
        locked = lock.failures >= _limit(kind) and not lock.is_locked(now)
        if locked:
            lock.lock_count += 1
            lock.locked_at = now
            lock.locked_until = now + dt.timedelta(minutes=lock_minutes(lock.lock_count))
        lock.save()
    return lock if locked else None


def register_failure(username: str, address: str, *, user=None) -> list[LoginLock]:
    """A failed password or token from ``address`` for ``username``; returns new locks
    (each recorded in the audit trail)."""
    if not settings.LOCKOUT_ENABLED:
        return []
    now = timezone.now()
    new = []
    for kind, value in ((Kind.USERNAME, (username or "").strip().lower()), (Kind.ADDRESS, address)):
        if value:
            lock = _register(kind, value, now)
            if lock is not None:
                new.append(lock)
    for lock in new:
        from django.contrib.auth import get_user_model

        target = user if lock.kind == Kind.USERNAME else None
        if target is None and lock.kind == Kind.USERNAME:
            target = get_user_model().objects.filter(username__iexact=lock.value).first()
        audit.record(AuditEvent.Action.LOCKOUT, actor=None, model=get_user_model(), obj=target,
                     object_repr=lock.value,
                     note=(f"连续登录失败{lock.failures}次,{lock.get_kind_display()} {lock.value} "
                           f"已锁定至 {timezone.localtime(lock.locked_until):%Y-%m-%d %H:%M}"
                           f"(第{lock.lock_count}次){' 来源 ' + address if address else ''}"))
    return new


def register_success(username: str) -> None:
    """A completed login clears the username's failure count (the back-off is kept)."""
    LoginLock.objects.filter(kind=Kind.USERNAME, value=(username or "").strip().lower()[:150]
                             ).update(failures=0)


def unlock(lock: LoginLock, *, actor, reason: str) -> LoginLock:
    """安全管理员 end a lock; the reason is required and recorded (issue 11 §5)."""
    reason = (reason or "").strip()
    if not reason:
        raise authority.AuthorityError("解除锁定必须填写原因")
    with authority.acting_as(actor):
        authority.check_permission(actor, "core.unlock_loginlock", "解除登录锁定")
        before = lock.locked_until
        LoginLock.objects.filter(pk=lock.pk).update(failures=0, locked_until=None,
                                                    lock_count=F("lock_count"))
        lock.refresh_from_db()
        audit.record(AuditEvent.Action.UNLOCK, actor=actor, obj=lock,
                     changes={"锁定至": [before.isoformat() if before else None, None]},
                     note=f"解除{lock.get_kind_display()} {lock.value} 的锁定:{reason}"[:500])
    return lock


class LockoutBackend:
    """First in ``AUTHENTICATION_BACKENDS``: a locked username or address is refused before
    any password is checked (raising ``PermissionDenied`` stops ``authenticate``); the lock
    is left on the request for the login view's Chinese lockout page."""

    def authenticate(self, request, username=None, **credentials):
        if request is None:
            return None
        lock = active_lock(username or "", client_address(request))
        if lock is not None:
            request.qz_lockout = lock
            raise PermissionDenied(f"{lock} 已锁定")
        return None

    def get_user(self, user_id):
        # ``force_login`` records the first backend in the session: load users like Django.
        from django.contrib.auth.backends import ModelBackend

        return ModelBackend().get_user(user_id)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """``user_login_failed``: count the failure unless the attempt was refused by a lock."""
    if request is None or getattr(request, "qz_lockout", None) is not None:
        return
    new = register_failure(str((credentials or {}).get("username", "")), client_address(request))
    if new:
        request.qz_lockout = new[0]
