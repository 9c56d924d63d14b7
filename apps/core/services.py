"""Core writes: organisations and their aliases; the working-day calendar's checks."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from . import workdays
from .models import Notice, Organisation, OrganisationAlias, Region
from .notices import queue_notice_once
from .text import normalise_name

CITY_PREFIX = "衢州市"


def update_if_changed(obj, values: dict) -> bool:
    """Set ``values`` on ``obj`` and save only when something differs, so a re-import of
    the same source writes nothing (and leaves no empty history rows)."""
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    for key in changed:
        setattr(obj, key, values[key])
    if changed:
        obj.save()
    return bool(changed)


def _clean(name: str) -> str:
    """Organisation names meet on one spelling (issue 10 §14, ``text.normalise_name``)."""
    return normalise_name(name)


def name_variants(name: str) -> list[str]:
    """Equivalent spellings of a city-level unit: 市人民医院 ≡ 衢州市人民医院."""
    name = _clean(name)
    variants = [name]
    if name.startswith(CITY_PREFIX):
        variants.append(name[len("衢州"):])
    elif name.startswith("市"):
        variants.append("衢州" + name)
    return variants


def organisation_find(name: str) -> Organisation | None:
    """The organisation known by ``name`` or an alias of it, or None."""
    variants = name_variants(name)
    org = Organisation.objects.filter(name__in=variants).first()
    if org is None:
        alias = OrganisationAlias.objects.select_related("organisation").filter(
            name__in=variants).first()
        org = alias.organisation if alias else None
    return org


def _guess_region(name: str) -> Region | None:
    for region in Region.objects.all():
        if region.kind == Region.Kind.CITY:
            continue
        if name.startswith(region.name) or any(name.startswith(s) for s in region.short_names):
            return region
    if name.startswith(("市", CITY_PREFIX)):
        return Region.objects.filter(kind=Region.Kind.CITY).first()
    return None


@transaction.atomic
def organisation_resolve(name: str, *, kind: str = Organisation.Kind.OTHER) -> Organisation:
    """Find the organisation for ``name`` or create it, so records from different documents
    meet on one unit (DOMAIN §0: names appear abbreviated and full)."""
    org = organisation_find(name)
    if org is not None:
        return org
    clean = _clean(name)
    org, _ = Organisation.objects.get_or_create(
        name=clean, defaults={"kind": kind, "region": _guess_region(clean)})
    return org


@transaction.atomic
def organisation_add_alias(organisation: Organisation, alias: str) -> OrganisationAlias:
    alias = _clean(alias)
    existing = organisation_find(alias)
    if existing is not None and existing != organisation:
        raise ValueError(f"“{alias}”已是单位“{existing}”的名称或别名")
    obj, _ = OrganisationAlias.objects.get_or_create(name=alias, defaults={"organisation": organisation})
    return obj


@transaction.atomic
def organisation_successor_record(*, former: Organisation, successor: Organisation) -> tuple[bool, str]:
    """A body abolished by a reform whose documents ``successor`` now answers for (issue 10
    §12: 原衢州市环境保护局 → 衢州市生态环境局). Sets the link once; never overwrites one
    already recorded. Returns (changed, a message when the record names another successor)."""
    if former == successor:
        return False, ""
    if former.successor_id is None:
        if successor.current() == former:
            return False, f"“{successor}”已登记为“{former}”的前身,未登记反向继任关系"
        former.successor = successor
        former.save(update_fields=["successor"])
        return True, ""
    if former.successor_id != successor.pk:
        return False, f"“{former}”已登记继任单位“{former.successor}”,与“{successor}”不同,请核对"
    return False, ""


@transaction.atomic
def organisation_merge(*, keep: Organisation, merge: Organisation, actor=None) -> Organisation:
    """Merge ``merge`` into ``keep`` (DOMAIN §0: one record per body, names as aliases).

    Every reference moves to ``keep``, ``merge``'s name and aliases become aliases of it,
    and one run-level audit record names what moved.
    """
    from django.db.models import ForeignKey

    from . import audit

    if keep == merge:
        return keep
    moved = {}
    for relation in merge._meta.related_objects:
        model = relation.related_model
        if not isinstance(relation.field, ForeignKey) or model is OrganisationAlias:
            continue
        if model._meta.label.startswith("core.Historical"):
            continue
        count = model._base_manager.filter(**{relation.field.name: merge}).update(
            **{relation.field.name: keep})
        if count:
            moved[f"{model._meta.label}.{relation.field.name}"] = count
    OrganisationAlias.objects.filter(organisation=merge).update(organisation=keep)
    name = merge.name
    merge.delete()
    OrganisationAlias.objects.get_or_create(name=name, defaults={"organisation": keep})
    audit.record_bulk(actor=actor, model=Organisation, note=f"单位“{name}”并入“{keep.name}”",
                      counts=moved, object_ids=[keep.pk])
    return keep


# --- the working-day calendar (issue 10) -------------------------------------------

CALENDAR_TOPIC = "workdays"
CALENDAR_MAINTAINERS = "市府办"  # enter the State Council holiday schedule (roles.EXTRA_GRANTS)
CALENDAR_WARN_FROM = (11, 1)  # month, day of year Y from which year Y+1's schedule is due


@transaction.atomic
def workdays_schedule_entered(*, year: int, actor=None, today: dt.date | None = None) -> dict:
    """A year's holiday schedule was entered, changed or deleted: from now on deadlines use
    it, and every open deadline already stored is recomputed by its app (receivers of
    ``workdays.schedule_changed``: recorded old → new in the audit trail and notified).
    Idempotent: a second call finds nothing left to change."""
    workdays.clear_cache()
    summary: dict = {}
    for _receiver, result in workdays.schedule_changed.send(
            sender=workdays_schedule_entered, year=year, actor=actor, today=today):
        summary.update(result or {})
    return summary


def calendar_remind(*, today: dt.date | None = None) -> tuple[Notice | None, bool]:
    """Nightly: from 1 November of year Y, while neither ``chinesecalendar`` nor an entered
    schedule covers Y+1, remind 市府办 (who maintain the calendar) once a day that Y+1's
    deadlines are provisional. Returns the day's notice (None when none is due) and whether
    this call created it (issue 14 §7: the nightly job counts what it created)."""
    today = today or timezone.localdate()
    next_year = today.year + 1
    if (today.month, today.day) < CALENDAR_WARN_FROM:
        return None, False
    workdays.clear_cache()  # a worker process: read the schedules as they are now
    if not workdays.year_is_provisional(next_year):
        return None, False
    text = f"{next_year}年放假安排尚未录入,{next_year}年的工作日期限为暂定"
    return queue_notice_once(
        channel=Notice.Channel.INTERNAL, recipient=CALENDAR_MAINTAINERS, topic=CALENDAR_TOPIC,
        subject=text,
        body=(f"{text}。请在国务院办公厅公布{next_year}年部分节假日安排后,在“年度放假安排”中录入"
              f"放假日和调休上班日;录入后,未结的暂定期限将按正式安排重新计算并通知相关人员。"),
        source=f"calendar-missing:{next_year}:{today.isoformat()}", recipient_kind="工作人员")


def calendar_check(*, today: dt.date | None = None) -> Notice | None:
    """The day's reminder of ``calendar_remind`` (None when none is due)."""
    return calendar_remind(today=today)[0]
