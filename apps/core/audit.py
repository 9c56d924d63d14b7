"""The audit trail: every change to domain records, bulk paths included (DEVELOPERS.md).

Row changes made through the ORM are captured by django-simple-history and mirrored here
as ``AuditEvent`` rows with old → new values; bulk paths call ``record_bulk`` once per run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal

from django.db import models

from .models import AuditEvent

_ACTIONS = {"+": AuditEvent.Action.CREATE, "~": AuditEvent.Action.UPDATE, "-": AuditEvent.Action.DELETE}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


def _actor_name(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "系统"
    return user.get_full_name() or user.get_username()


def _is_secret(field) -> bool:
    """Resident IDs and their digests never enter the trail in clear."""
    from .fields import ResidentIdDigestField, ResidentIdField

    return isinstance(field, (ResidentIdField, ResidentIdDigestField))


def changes_between(old, new) -> dict:
    """{field: [old, new]} for a pair of simple-history records (old may be None)."""
    result = {}
    for field in new.instance_type._meta.concrete_fields:
        name = field.attname
        after = getattr(new, name, None)
        before = getattr(old, name, None) if old is not None else None
        if old is not None and before == after:
            continue
        if old is None and after in (None, ""):
            continue
        if _is_secret(field):
            result[field.name] = ["***", "***(已变更)"]
            continue
        result[field.name] = [_plain(before), _plain(after)]
    return result


def values_at_deletion(record) -> dict:
    """{field: [last value, None]} from the "-" history row, which holds the last state."""
    result = {}
    for field in record.instance_type._meta.concrete_fields:
        value = getattr(record, field.attname, None)
        if value in (None, ""):
            continue
        result[field.name] = ["***" if _is_secret(field) else _plain(value), None]
    return result


def on_history_record(sender, instance, history_instance, **kwargs) -> None:
    """simple-history ``post_create_historical_record`` → one ``AuditEvent``."""
    previous = history_instance.prev_record if history_instance.history_type == "~" else None
    if history_instance.history_type == "-":
        changes = values_at_deletion(history_instance)
    else:
        changes = changes_between(previous, history_instance)
        if previous is not None and not changes:
            return  # a save that changed nothing is not a change
    region_id = getattr(instance, "region_id", None)
    AuditEvent.objects.create(
        actor=history_instance.history_user,
        actor_name=_actor_name(history_instance.history_user),
        action=_ACTIONS[history_instance.history_type],
        model=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        note=(history_instance.history_change_reason or "")[:500],
        region_id=region_id if isinstance(region_id, int) else None,
    )


def record_bulk(*, actor, model: type[models.Model] | str, note: str, counts: dict | None = None,
                object_ids: Iterable | None = None, region=None,
                records: dict | None = None) -> AuditEvent:
    """A run-level audit record for a bulk write (an import, a monthly run).

    ``records``: per changed record, ``{pk: {field: [old, new]}}`` (e.g. recomputed dates).
    """
    label = model if isinstance(model, str) else model._meta.label
    changes = {"counts": counts or {}}
    if object_ids is not None:
        changes["object_ids"] = [str(i) for i in object_ids][:1000]
    if records:
        changes["records"] = {str(pk): {field: [_plain(v) for v in pair] for field, pair in row.items()}
                              for pk, row in list(records.items())[:1000]}
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=_actor_name(actor),
        action=AuditEvent.Action.BULK,
        model=label,
        note=note[:500],
        changes=changes,
        region=region,
    )


def record_id_view(*, actor, obj: models.Model, field: str = "resident_id") -> AuditEvent:
    """Log that ``actor`` saw a full resident ID number."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=_actor_name(actor),
        action=AuditEvent.Action.VIEW_ID,
        model=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        note=f"查看完整{field}",
    )
