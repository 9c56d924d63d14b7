"""Writes of the tourism app (衢政办发〔2020〕18号, issue 15 §6): the gazette import, the
staff-set dates and counties, closures and settlement inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from apps.core import audit, authority
from apps.core.models import Region
from apps.gazette.registry import ParseResult

from . import parsing
from .models import FreeTourYear, ScenicSpot, SpotClosure, SpotSettlement


class Refused(ValueError):
    """A staff change the programme does not allow (message in Chinese)."""


@transaction.atomic
def programme_record(*, number: str, signed_on: dt.date, parsed: parsing.ParsedFreeTour,
                     source_article=None, actor=None) -> ParseResult:
    """Store the year's programme and every spot 二(一) names, idempotently.

    二(二)1: free through the year (“2020年”), weekends added from a date “另行确定” (left
    empty for 文旅 staff); 三(一) city reward 1/3; 三(三) settle by 2021-05-31. The declared
    count of core spots (“等15个”) is reconciled with the names; the other spots' “100余个” is
    approximate and only ten are named (a finding). A spot's county is not printed: an
    import never touches it."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "免费游年度方案")
    result = ParseResult(messages=list(parsed.findings))
    if parsed.year is None or parsed.settle_by is None:
        result.messages.append("未读到方案年度或结算期限,未登记,请人工核对原文")
        return result
    if parsed.reward_divisor is None:
        result.messages.append("三(一):未读到市级奖励比例(1/3),按1/3登记,请核对")
    if not parsed.extension_later:
        result.messages.append("二(二)1:未找到“具体开始时间另行确定”,请核对双休日免费起始日")
    with authority.acting_as(actor):
        programme = FreeTourYear.objects.filter(year=parsed.year).first()
        values = {"document": number, "signed_on": signed_on, "starts_on": dt.date(parsed.year, 1, 1),
                  "ends_on": parsed.ends_on or dt.date(parsed.year, 12, 31),
                  "declared_core_count": parsed.declared_core, "declared_other_count": parsed.declared_other,
                  "city_reward_divisor": parsed.reward_divisor or 3, "settle_by": parsed.settle_by,
                  "source_article": source_article}
        programme = result.upsert(FreeTourYear, {"year": parsed.year}, values)
        for spot in parsed.spots:
            result.upsert(ScenicSpot, {"programme": programme, "name": spot.name}, {
                "printed": spot.printed, "core": spot.core, "position": spot.position,
                "exclusions": spot.exclusions})
    result.messages.extend(reconcile(parsed))
    return result


def reconcile(parsed: parsing.ParsedFreeTour) -> list[str]:
    """二(一) declares 15 core spots and “100余个” others; the names must match the first."""
    messages = []
    core = len(parsed.core())
    if parsed.declared_core is not None and core != parsed.declared_core:
        messages.append(f"二(一):公布{parsed.declared_core}个核心收费景区,列出{core}个,"
                        f"相差{abs(parsed.declared_core - core)}个")
    others = len(parsed.spots) - core
    if parsed.declared_other:
        messages.append(f"二(一):其他景区原文称“{parsed.declared_other}”(约数),仅列出{others}个并已登记;"
                        "其余未刊载,请文旅部门录入")
    return messages


@transaction.atomic
def weekend_extension_set(*, programme: FreeTourYear, starts_on: dt.date, basis: str,
                          actor=None) -> FreeTourYear:
    """二(二)1: from the date “另行确定” to 12-31, ordinary weekends (not statutory holidays)
    are free days too. A dated staff decision with its basis, audited; a later decision
    replaces it (the history keeps each)."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "免费游年度方案")
    authority.check_permission(actor, "tourism.change_freetouryear", "设定双休日免费起始日")
    if not basis.strip():
        raise Refused("请填写依据(确定开始时间的通知或会议纪要)")
    if not programme.starts_on <= starts_on <= programme.ends_on:
        raise Refused(f"起始日应在{programme.starts_on}至{programme.ends_on}之间")
    with authority.acting_as(actor):
        programme.weekend_extension_from = starts_on
        programme.weekend_extension_basis = basis.strip()
        # The history record is the audit entry (core.audit.on_history_record), with this note.
        programme._change_reason = f"设定双休日纳入免费起始日:{starts_on}(依据:{basis.strip()})"
        programme.save(update_fields=["weekend_extension_from", "weekend_extension_basis"])
    return programme


@transaction.atomic
def spot_region_set(*, spot: ScenicSpot, region: Region | None, actor=None) -> ScenicSpot:
    """The spot's county (not printed in 二(一)): set by city 文旅 staff; from then on that
    county's staff keep its closures and settlements (三(一): 所在的县(市、区)政府)."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "景区所在县(市、区)")
    authority.check_permission(actor, "tourism.change_scenicspot", "录入景区所在县(市、区)")
    with authority.acting_as(actor):
        spot.region = region
        spot._change_reason = f"录入景区所在县(市、区):{region.name if region else '未录入'}"
        spot.save(update_fields=["region"])  # the history record is the audit entry
    return spot


@transaction.atomic
def closures_record(*, rows: list[dict], actor=None, source: str = "") -> list[SpotClosure]:
    """二(二)1: closures (“受新冠肺炎疫情影响景区关闭时间”) of validated rows; one audit record."""
    actor = authority.resolve(actor)
    authority.check_permission(actor, "tourism.add_spotclosure", "录入景区关闭时段")
    label = authority.actor_label(actor)
    created = []
    with authority.acting_as(actor):
        for row in rows:
            authority.check_region(actor, row["spot"].region, f"景区{row['spot'].name}")
            created.append(SpotClosure.objects.create(**row, recorded_by=label))
        _audit_import(actor, SpotClosure, created, source, {"created": len(created)})
    return created


@transaction.atomic
def settlements_record(*, rows: list[dict], actor=None, source: str = "") -> list[SpotSettlement]:
    """三(一)(三) settlement inputs of validated rows: each is a new statement for its spot and
    year, superseding the one in effect (a correction is a new row, never an edit)."""
    actor = authority.resolve(actor)
    authority.check_permission(actor, "tourism.add_spotsettlement", "录入景区补助结算依据")
    label = authority.actor_label(actor)
    created = []
    with authority.acting_as(actor):
        for row in rows:
            spot = row["spot"]
            authority.check_region(actor, spot.region, f"景区{spot.name}")
            # Lock the spot, so two corrections of one spot and year never supersede the same row.
            ScenicSpot.objects.select_for_update().only("pk").get(pk=spot.pk)
            current = SpotSettlement.objects.filter(spot=spot, year=row["year"],
                                                    superseded_by__isnull=True).first()
            created.append(SpotSettlement.objects.create(**row, supersedes=current, recorded_by=label,
                                                         source=source[:200]))
        _audit_import(actor, SpotSettlement, created, source, {
            "created": len(created), "superseding": sum(1 for s in created if s.supersedes_id)})
    return created


def _audit_import(actor, model, created: list, source: str, counts: dict) -> None:
    """One run-level audit record per import, with the counties of the spots it touched."""
    note = f"导入{model._meta.verbose_name}{len(created)}条{f'({source})' if source else ''}"
    audit.record_bulk(actor=actor, model=model, action=audit.AuditEvent.Action.IMPORT, note=note,
                      counts=counts, object_ids=[row.pk for row in created],
                      regions=sorted({row.spot.region_id for row in created if row.spot.region_id}))


def ratio_ok(value: Decimal) -> bool:
    """四(二) 奖补比例: 0 ≤ ratio ≤ 1."""
    return Decimal(0) <= value <= Decimal(1)
