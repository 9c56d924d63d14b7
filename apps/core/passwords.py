"""Password policy (issue 11 §5; GB/T 22239-2019 8.1.4.1 a: 口令应有复杂度要求并定期更换).

≥ 10 characters (settings) of three of the four classes (upper, lower, digit, other), not
the username, not common, not one of the last ``PASSWORD_HISTORY`` passwords; changed every
``PASSWORD_MAX_AGE_DAYS`` days counted from when it was last set by any path: a user save
whose stored hash differs from the one before (admin, ``changepassword``, ``create_user``,
a script assigning a hash) adds a ``PasswordRecord`` (``on_user_pre_save``/``post_save``).
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

_CLASSES = (
    ("大写字母", re.compile(r"[A-Z]")),
    ("小写字母", re.compile(r"[a-z]")),
    ("数字", re.compile(r"[0-9]")),
    ("其他字符", re.compile(r"[^A-Za-z0-9]")),
)


class CharacterClassValidator:
    """Three of the four character classes."""

    def __init__(self, required: int = 3):
        self.required = required

    def validate(self, password, user=None):
        present = sum(1 for _name, pattern in _CLASSES if pattern.search(password))
        if present < self.required:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、其他字符中的至少{self.required}类",
                code="password_too_simple")

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、其他字符中的至少{self.required}类。"


class NotUsernameValidator:
    """Not the username, forwards, backwards or inside the password (any case)."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        lowered = password.lower()
        if username and (username in lowered or username[::-1] in lowered):
            raise ValidationError("密码不能包含用户名", code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含用户名。"


class HistoryValidator:
    """Not one of the last ``PASSWORD_HISTORY`` passwords; records every new one."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from .models import PasswordRecord

        recent = PasswordRecord.objects.filter(user=user)[: settings.PASSWORD_HISTORY]
        if any(check_password(password, r.password) for r in recent):
            raise ValidationError(f"不能使用最近{settings.PASSWORD_HISTORY}次用过的密码",
                                  code="password_reused")

    def get_help_text(self):
        return f"不能使用最近{settings.PASSWORD_HISTORY}次用过的密码。"


def on_user_pre_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    old = None
    if instance.pk is not None:
        old = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._qz_old_password = old


def on_user_post_save(sender, instance, created, raw=False, **kwargs) -> None:
    """Record a new password hash (never the password) and keep the last few."""
    if raw or not instance.has_usable_password():
        return
    if not created and getattr(instance, "_qz_old_password", None) == instance.password:
        return
    from .models import PasswordRecord

    PasswordRecord.objects.create(user=instance, password=instance.password, set_at=timezone.now())
    keep = list(PasswordRecord.objects.filter(user=instance).values_list("pk", flat=True)
                [: max(settings.PASSWORD_HISTORY, 1)])
    PasswordRecord.objects.filter(user=instance).exclude(pk__in=keep).delete()


def password_set_at(user) -> dt.datetime:
    """When the user's password was last set. An account without a record (created before
    the policy, or by a raw insert) starts counting now: never already expired."""
    from .models import PasswordRecord

    record = PasswordRecord.objects.filter(user=user).first()
    if record is None:
        record = PasswordRecord.objects.create(user=user, password=user.password,
                                               set_at=timezone.now())
    return record.set_at


def password_expires_at(user) -> dt.datetime:
    return password_set_at(user) + dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def password_expired(user, now: dt.datetime | None = None) -> bool:
    if not user.has_usable_password() or settings.PASSWORD_MAX_AGE_DAYS <= 0:
        return False
    return password_expires_at(user) <= (now or timezone.now())
