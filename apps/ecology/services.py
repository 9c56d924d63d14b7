"""Writes of the ecology app: the gazette imports of the zone and the list, and machines."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.db import transaction

from apps.core import audit, authority
from apps.core.models import Region
from apps.gazette.registry import ParseResult

from . import parsing
from .models import Machine, NoPenaltyItem, NoPenaltyList, RestrictedZone


@transaction.atomic
def zone_record(*, number: str, title: str, signed_on: dt.date, parsed: parsing.ParsedZone,
                source_article=None, actor=None) -> ParseResult:
    """衢政通〔2020〕1号 一 (boundary roads, 不含边界道路), 二 (categories), 四 (施行)."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "禁用区")
    result = ParseResult(messages=list(parsed.findings))
    if parsed.effective_from is None or not parsed.sections:
        result.messages.append("未登记禁用区,请人工核对原文")
        return result
    with authority.acting_as(actor):
        result.upsert(RestrictedZone, {"number": number}, {
            "title": title, "signed_on": signed_on, "effective_from": parsed.effective_from,
            "sections": parsed.sections, "roads_excluded": parsed.roads_excluded,
            "categories": parsed.categories, "source_article": source_article})
    return result


@transaction.atomic
def list_record(*, number: str, title: str, signed_on: dt.date, parsed: parsing.ParsedList,
                source_article=None, actor=None) -> ParseResult:
    """衢环发〔2020〕73号 附件1: every item as printed (a blank 类别 inherits the one above);
    六 施行 2020-08-15; 注1 natural days, 注2 no 核与辐射."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "不予行政处罚清单")
    result = ParseResult(messages=list(parsed.findings))
    if parsed.effective_from is None or not parsed.items:
        result.messages.append("未登记不予行政处罚清单,请人工核对原文")
        return result
    with authority.acting_as(actor):
        listing = result.upsert(NoPenaltyList, {"number": number}, {
            "title": title, "signed_on": signed_on, "effective_from": parsed.effective_from,
            "trial": parsed.trial, "notes": parsed.notes,
            "natural_days": any("自然日" in n for n in parsed.notes),
            "excludes_nuclear": any("核与辐射" in n for n in parsed.notes),
            "first_in_12_months": True, "source_article": source_article})
        for item in parsed.items:
            values = asdict(item)
            position = values.pop("position")
            result.upsert(NoPenaltyItem, {"listing": listing, "position": position}, values)
        stale = listing.items.exclude(position__in=[i.position for i in parsed.items])
        if stale.exists():
            result.messages.append(f"清单中有原文已不列出的序号:{list(stale.values_list('position', flat=True))}")
    return result


# --- machines (三(二) 申报登记) ------------------------------------------------------------


@transaction.atomic
def machines_register(*, rows: list[dict], actor=None) -> list[Machine]:
    """Register validated machine rows (one import = one audit record; history per row)."""
    actor = authority.resolve(actor)
    authority.check_permission(actor, "ecology.add_machine", "登记非道路移动机械")
    created = []
    with authority.acting_as(actor):
        for row in rows:
            authority.check_region(actor, row["region"], f"机械{row['serial_number']}")
            created.append(Machine.objects.create(**row))
        audit.record_bulk(actor=actor, model=Machine, action=audit.AuditEvent.Action.IMPORT,
                          note=f"导入非道路移动机械{len(created)}台",
                          counts={"created": len(created)}, object_ids=[m.pk for m in created],
                          regions=sorted({m.region_id for m in created}))
    return created


def region_for_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()
