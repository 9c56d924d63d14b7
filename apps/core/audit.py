"""The audit trail: every change to domain records, bulk paths included (DEVELOPERS.md).

Row changes made through the ORM are captured by django-simple-history and mirrored here
as ``AuditEvent`` rows with old → new values; bulk paths call ``record_bulk`` once per run.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal

from django.db import models

from . import authority
from .models import AuditEvent, Region

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
    """The user's name, or 系统 with the command/job and OS user that started it."""
    return authority.actor_label(user)


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


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
    # Outside a request simple-history knows no user: the service's acting_as() does.
    actor = history_instance.history_user or authority.current_actor()
    AuditEvent.objects.create(
        actor=actor,
        actor_name=_actor_name(actor),
        action=_ACTIONS[history_instance.history_type],
        model=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        note=(history_instance.history_change_reason or "")[:500],
        region_id=region_id if isinstance(region_id, int) else None,
    )


def _change_list(rows: Iterable[dict]) -> str:
    """Per-row changes as CSV (行号, 对象, 字段, 原值, 新值) for the downloadable list."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号", "对象", "字段", "原值", "新值"])
    for row in rows:
        for field, (before, after) in (row.get("changes") or {"": ["", ""]}).items():
            writer.writerow([row.get("line", ""), row.get("object", ""), field,
                             _plain(before), _plain(after)])
    return out.getvalue()


def _region_ids(regions: Iterable | None) -> set[int]:
    ids = set()
    for region in regions or ():
        value = getattr(region, "pk", region)
        if isinstance(value, int):
            ids.add(value)
    return ids


def record(action: str, *, actor=None, obj: models.Model | None = None,
           model: type[models.Model] | str | None = None, note: str = "",
           changes: dict | None = None, region=None, regions: Iterable | None = None,
           rows: Iterable[dict] | None = None, object_repr: str = "") -> AuditEvent:
    """One audit entry (who, when, what, old → new) for a workflow step, grant, void,
    import, disclosure or login event (issue 9 §5). ``actor`` defaults to the current one."""
    actor = authority.resolve(actor)
    if model is None and obj is not None:
        model = type(obj)
    label = model if isinstance(model, str) else (model._meta.label if model else "")
    region_id = getattr(region, "pk", region)
    if region_id is None and obj is not None:
        region_id = getattr(obj, "region_id", None)
    event = AuditEvent.objects.create(
        actor=_user_or_none(actor),
        actor_name=_actor_name(actor)[:150],
        action=action,
        model=label,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=changes or {},
        note=note[:500],
        region_id=region_id if isinstance(region_id, int) else None,
        attachment=_change_list(rows) if rows else "",
    )
    touched = _region_ids(regions)
    if touched:
        event.regions.set(Region.objects.filter(pk__in=touched))
    return event


def record_bulk(*, actor, model: type[models.Model] | str, note: str, counts: dict | None = None,
                object_ids: Iterable | None = None, region=None, regions: Iterable | None = None,
                rows: Iterable[dict] | None = None, records: dict | None = None,
                action: str = AuditEvent.Action.BULK) -> AuditEvent:
    """A run-level audit record for a bulk write (an import, a monthly run), with the regions
    it touched and, for imports, the per-row change list.

    ``records``: per changed record, ``{pk: {field: [old, new]}}`` (e.g. recomputed dates).
    """
    changes = {"counts": counts or {}}
    if object_ids is not None:
        changes["object_ids"] = [str(i) for i in object_ids][:1000]
    if records:
        changes["records"] = {str(pk): {field: [_plain(v) for v in pair] for field, pair in row.items()}
                              for pk, row in list(records.items())[:1000]}
    return record(action, actor=actor, model=model, note=note, changes=changes, region=region,
                  regions=regions, rows=rows)


def record_id_view(*, actor, obj: models.Model, field: str = "resident_id") -> AuditEvent:
    """Log that ``actor`` saw a full resident ID number."""
    try:
        name = obj._meta.get_field(field).verbose_name
    except Exception:  # a property such as a masked display: the ID number all the same
        name = "公民身份号码"
    return record(AuditEvent.Action.VIEW_ID, actor=actor, obj=obj, note=f"查看完整{name}")


def record_id_disclosure(*, actor, model: type[models.Model] | str, note: str, count: int,
                         regions: Iterable | None = None) -> AuditEvent:
    """Log that ``actor`` received ``count`` full resident IDs in a file (roll CSV/XLSX,
    ``subsidy_export``) or page."""
    return record(AuditEvent.Action.VIEW_ID, actor=actor, model=model, note=note,
                  changes={"counts": {"full_ids": count}}, regions=regions)
