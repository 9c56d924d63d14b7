"""Who may write what: two levels of authority, checked where data is written (issue 9).

A staff user with a county region scope (工作人员范围) is *county-level* and may change only
records of that county; a user without one (or with 衢州市) is *city-level*. City-wide
records (policies, indices, runs, catalogues, the registry, the calendar …) are read-only
to county-level users. What has legal or financial effect is never edited or deleted: a
model says so through ``locked_reason()``, and a mistake is corrected by a new event.

Three layers use the same rules, so no path bypasses them:

* services call ``check_city_level`` / ``check_region`` / ``check_permission`` with their
  ``actor`` (``None`` = 系统) before writing, and run inside ``acting_as(actor)``;
* a ``pre_save``/``pre_delete`` guard on every model that declares ``authority_scope`` or
  ``locked_reason`` refuses what the current actor may not write (admin forms, actions,
  import-export screens and any ORM save land here);
* ``AuthorityBackend`` makes ``add``/``change``/``delete`` permissions of city-wide models
  false for county-level users, so admin screens show them read-only.

Models declare::

    authority_scope = "city"      # only city-level users (and 系统) write it
    authority_scope = "region"    # county users write only their county's rows
    authority_region_path = "beneficiary__region"   # where the region is (default "region")
    def locked_reason(self) -> str | None: ...      # a reason when the row is immutable
    authority_lock_parent = "run"   # no row is added to (or moved into) a locked parent
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied

SYSTEM_NAME = "系统"

_actor: ContextVar = ContextVar("qzgov_actor", default=None)
_origin: ContextVar[str] = ContextVar("qzgov_origin", default="")
_deriving: ContextVar[bool] = ContextVar("qzgov_deriving", default=False)


class AuthorityError(PermissionDenied):
    """The actor may not make this change; the message is for staff (Chinese).

    A subclass of Django's ``PermissionDenied``: views answer 403, the API 403 JSON."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


# --- who is acting -------------------------------------------------------------------


def _is_user(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def current_actor():
    """The user the current request, command or service acts for (``None`` = 系统)."""
    return _actor.get()


def current_origin() -> str:
    """How a 系统 action was started (``命令 subsidy_run,操作系统用户 root``), for the trail."""
    return _origin.get()


@contextmanager
def acting_as(actor, origin: str | None = None) -> Iterator[None]:
    """Run the block as ``actor`` (a user, or ``None`` for 系统); nested calls restore."""
    token = _actor.set(actor if _is_user(actor) else None)
    origin_token = _origin.set(origin) if origin is not None else None
    try:
        yield
    finally:
        _actor.reset(token)
        if origin_token is not None:
            _origin.reset(origin_token)


@contextmanager
def deriving() -> Iterator[None]:
    """Allow services to rewrite *derived* locked rows (a recomputed consequence, the
    gazette importer's own items); never used for a user's direct edit."""
    token = _deriving.set(True)
    try:
        yield
    finally:
        _deriving.reset(token)


def resolve(actor=None):
    """The explicit ``actor`` if given, else the current one."""
    return actor if _is_user(actor) else current_actor()


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return str(os.getuid()) if hasattr(os, "getuid") else "?"


def command_origin(name: str) -> str:
    return f"命令 {name},操作系统用户 {os_user()}"


def actor_label(actor) -> str:
    """The name the audit trail shows: the user's name, or 系统 with how it was started."""
    if _is_user(actor):
        return actor.get_full_name() or actor.get_username()
    origin = current_origin()
    return f"{SYSTEM_NAME}({origin})" if origin else SYSTEM_NAME


# --- the two levels ------------------------------------------------------------------


def actor_region(actor):
    """The county a user is limited to, or ``None`` for city-level users and 系统."""
    from .roles import user_region

    return user_region(actor) if _is_user(actor) else None


def is_city_level(actor) -> bool:
    return actor_region(actor) is None


def check_city_level(actor, what: str) -> None:
    """City-wide records are read-only to county-level staff (issue 9 §1)."""
    region = actor_region(resolve(actor))
    if region is not None:
        raise AuthorityError(f"{what}由市级统一管理,{region.name}工作人员只能查看,不能修改")


def _region_name(region) -> str:
    from .models import Region

    if region is None:
        return "全市"
    if isinstance(region, Region):
        return region.name
    found = Region.objects.filter(pk=region).first()
    return found.name if found else str(region)


def check_region(actor, region, what: str) -> None:
    """A county-level user changes only records of their own county (issue 9 §1).

    ``region`` is a ``Region``, its pk, or ``None`` for a city-wide record."""
    own = actor_region(resolve(actor))
    if own is None:
        return
    region_id = getattr(region, "pk", region)
    if region_id != own.pk:
        raise AuthorityError(f"{what}属于{_region_name(region)},您只能修改{own.name}的记录")


def check_permission(actor, perm: str, what: str) -> None:
    """A logged-in actor must hold ``perm`` (``app.codename``); 系统 always may."""
    actor = resolve(actor)
    if _is_user(actor) and not actor.has_perm(perm):
        raise AuthorityError(f"您没有{what}的权限")


def check_unlocked(obj, what: str | None = None) -> None:
    """Records with legal or financial effect are never edited or deleted (issue 9 §4)."""
    reason = obj.locked_reason() if hasattr(obj, "locked_reason") else None
    if reason:
        raise AuthorityError(f"{what or obj}{reason},不能修改或删除;请以新的更正/作废记录处理")


# --- the model guard -------------------------------------------------------------------


def _region_of(obj, path: str):
    """The region pk at ``path`` ("region", "beneficiary__region") of an unsaved object."""
    *hops, last = path.split("__")
    value = obj
    for hop in hops:
        value = getattr(value, hop, None)
        if value is None:
            return None
    if hasattr(value, f"{last}_id"):
        return getattr(value, f"{last}_id")
    return getattr(getattr(value, last, None), "pk", None)


def _stored_region(sender, pk, path: str):
    return sender._default_manager.filter(pk=pk).values_list(path, flat=True).first()


def _what(obj) -> str:
    return f"{obj._meta.verbose_name}“{obj}”" if obj.pk else str(obj._meta.verbose_name)


def _check_parent_unlocked(sender, instance) -> None:
    """A row that belongs to a locked record (a line of an approved run) is never added or
    moved there: ``authority_lock_parent = "run"`` names the parent."""
    parent_name = getattr(sender, "authority_lock_parent", None)
    if not parent_name or _deriving.get():
        return
    parent = getattr(instance, parent_name, None)
    if parent is not None and parent.pk is not None:
        stored = type(parent)._default_manager.filter(pk=parent.pk).first()
        if stored is not None:
            check_unlocked(stored, _what(stored))


def guard_save(sender, instance, raw: bool = False, **kwargs) -> None:
    """pre_save: the current actor may write this row (scope, level, lock).

    ``raw`` saves (``loaddata``) skip the scope checks but never the locks: a fixture cannot
    rewrite an approved run either."""
    if raw:
        if instance.pk is not None and hasattr(instance, "locked_reason"):
            stored = sender._default_manager.filter(pk=instance.pk).first()
            if stored is not None:
                check_unlocked(stored, _what(stored))
        return
    _check_parent_unlocked(sender, instance)
    actor = current_actor()
    scope = getattr(sender, "authority_scope", None)
    if scope == "city":
        check_city_level(actor, str(sender._meta.verbose_name))
    elif scope == "region" and actor_region(actor) is not None:
        path = getattr(sender, "authority_region_path", "region")
        check_region(actor, _region_of(instance, path), _what(instance))
        if instance.pk is not None:
            old = _stored_region(sender, instance.pk, path)
            if old is not None:
                check_region(actor, old, _what(instance))
    if instance.pk is not None and hasattr(instance, "locked_reason") and not _deriving.get():
        stored = sender._default_manager.filter(pk=instance.pk).first()
        if stored is not None:
            check_unlocked(stored, _what(stored))


def guard_delete(sender, instance, **kwargs) -> None:
    """pre_delete: the same rules, and locked rows are never deleted (not even derived)."""
    actor = current_actor()
    scope = getattr(sender, "authority_scope", None)
    if scope == "city":
        check_city_level(actor, str(sender._meta.verbose_name))
    elif scope == "region" and actor_region(actor) is not None:
        path = getattr(sender, "authority_region_path", "region")
        check_region(actor, _region_of(instance, path), _what(instance))
    if hasattr(instance, "locked_reason") and not _deriving.get():
        check_unlocked(instance, _what(instance))
    refused = instance.delete_refused_reason() if hasattr(instance, "delete_refused_reason") else None
    if refused:
        raise AuthorityError(f"{_what(instance)}{refused},不能删除")


def connect_guards() -> None:
    """Connect the guard to every model that declares authority (CoreConfig.ready)."""
    from django.apps import apps
    from django.db.models.signals import pre_delete, pre_save

    for model in apps.get_models():
        if (getattr(model, "authority_scope", None) or hasattr(model, "locked_reason")
                or hasattr(model, "delete_refused_reason")
                or getattr(model, "authority_lock_parent", None)):
            pre_save.connect(guard_save, sender=model, dispatch_uid=f"qzgov-guard-save-{model._meta.label}")
            pre_delete.connect(guard_delete, sender=model,
                               dispatch_uid=f"qzgov-guard-delete-{model._meta.label}")


# --- admin permissions -------------------------------------------------------------------

_WRITE_PREFIXES = ("add_", "change_", "delete_")
_model_by_perm: dict[str, type | None] = {}


def _model_for(perm: str):
    if perm not in _model_by_perm:
        from django.apps import apps

        found = None
        app_label, _, codename = perm.partition(".")
        for prefix in _WRITE_PREFIXES:
            if codename.startswith(prefix):
                try:
                    found = apps.get_model(app_label, codename[len(prefix):])
                except LookupError:
                    found = None
        _model_by_perm[perm] = found
    return _model_by_perm[perm]


# Permissions that only city-level users may use, whatever their group grants: the
# administrator roles' writes (accounts, scopes, tokens, unlocks, second-factor resets) are
# city-wide (issue 11 §5); a county-scoped administrator account only reads.
CITY_LEVEL_PERMISSIONS: set[str] = {
    "auth.add_user", "auth.change_user", "auth.delete_user", "auth.add_group",
    "auth.change_group", "auth.delete_group", "core.add_staffprofile",
    "core.change_staffprofile", "core.delete_staffprofile", "core.add_apitoken",
    "core.change_apitoken", "core.unlock_loginlock", "otp_totp.delete_totpdevice",
    "otp_static.delete_staticdevice",
}


class AuthorityBackend:
    """Denies county-level users the write permissions of city-wide models.

    Placed first in ``AUTHENTICATION_BACKENDS``: raising ``PermissionDenied`` from
    ``has_perm`` ends the check for every backend (Django's documented contract), so admin
    screens, actions and import screens show these models read-only to county staff."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if not _is_user(user_obj) or user_obj.is_superuser or is_city_level(user_obj):
            return False
        if perm in CITY_LEVEL_PERMISSIONS:
            raise PermissionDenied
        model = _model_for(perm)
        if model is not None and getattr(model, "authority_scope", None) == "city":
            raise PermissionDenied
        return False


# --- management commands -----------------------------------------------------------------


def command_actor(username: str | None):
    """The user ``--as USERNAME`` names (must be an active staff user), or ``None``."""
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True, is_staff=True).first()
    if user is None:
        raise CommandError(f"--as {username}:没有这个在用的工作人员账号")
    return user


def program_name() -> str:
    return os.path.basename(sys.argv[0]) if sys.argv else "manage.py"


class ActorMiddleware:
    """Every request acts as its logged-in user, so the model guard and the audit trail
    know who writes even where a view calls the ORM itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        with acting_as(user if _is_user(user) else None, origin=""):
            return self.get_response(request)
