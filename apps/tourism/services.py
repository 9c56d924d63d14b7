"""Writes of the tourism app (衢政办发〔2020〕18号, issue 15 §6): the gazette import, the
staff-set dates and counties, closures and settlement inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core import audit, authority
from apps.core.models import AuditEvent, Region
from apps.gazette.registry import ParseResult

from . import parsing
from .models import (
    FreeTourYear,
    ScenicSpot,
    SettlementStatement,
    SpotClosure,
    SpotClosureVoid,
    SpotSettlement,
)

MAX_AMOUNT = Decimal("1000000000000")  # 14 digits, 2 decimals


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
            _refuse(closure_check(spot=row["spot"], starts_on=row["starts_on"], ends_on=row["ends_on"]))
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
            _refuse(settlement_check(**row))
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


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise ValidationError(";".join(f"{column}:{message}" if column else message
                                       for column, message in problems))


# --- checks: one rule for the import, the admin forms and the services -------------------


def closure_check(*, spot: ScenicSpot, starts_on: dt.date, ends_on: dt.date,
                  exclude: SpotClosure | None = None) -> list[tuple[str, str]]:
    """(column, message) for each reason a closure cannot be recorded (二(二)1 “景区关闭时间”):
    起 ≤ 止, within the spot's programme year, not the same closure twice (voided ones aside)."""
    problems: list[tuple[str, str]] = []
    programme = spot.programme
    if starts_on > ends_on:
        problems.append(("止", f"早于起始日{starts_on}"))
    elif ends_on < programme.starts_on or starts_on > programme.ends_on:
        problems.append(("起", f"不在{programme.year}年免费游活动期内"
                               f"({programme.starts_on}至{programme.ends_on})"))
    if not problems:
        same = SpotClosure.objects.filter(spot=spot, starts_on=starts_on, ends_on=ends_on,
                                          void__isnull=True)
        if exclude is not None:
            same = same.exclude(pk=exclude.pk)
        if same.exists():
            problems.append(("景区", f"{spot.name}{starts_on}至{ends_on}的关闭时段已登记"))
    return problems


def _amount_problem(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if not value.is_finite() or value < 0:
        return "应为不小于0的金额(元)"
    if value >= MAX_AMOUNT:
        return "金额过大,请核对单位(元)"
    if value != value.quantize(Decimal("0.01")):
        return "金额最多两位小数(元、角、分)"
    return None


def settlement_check(*, spot: ScenicSpot, year: int | None, base_2019: Decimal | None,
                     daily_ticket_income: Decimal | None, reward_ratio: Decimal | None,
                     visitors: int | None, **_) -> list[tuple[str, str]]:
    """(column, message) for each reason settlement inputs cannot be recorded; one rule for
    ``tourism_import settlements``, the admin form and the service (三(一)(三), 四(二) of
    衢政办发〔2020〕18号): a core spot; the year of the spot's programme; amounts ≥ 0 in yuan
    (two decimals); 0 ≤ 奖补比例 ≤ 1 (four decimals); 游客人数 ≥ 0; not every value blank."""
    problems: list[tuple[str, str]] = []
    if not spot.core:
        problems.append(("景区", f"{spot.name}不是核心收费景区(三:补助只对15个核心收费景区)"))
    if year is None:
        problems.append(("年度", "不能为空"))
    elif year != spot.programme.year:
        problems.append(("年度", f"{spot.name}不在{year}年免费游活动方案中"
                                 f"(其方案年度为{spot.programme.year}年)"))
    for column, value in (("2019年补助额", base_2019), ("日均门票收入", daily_ticket_income)):
        problem = _amount_problem(value)
        if problem:
            problems.append((column, problem))
    if reward_ratio is not None and (not reward_ratio.is_finite() or not ratio_ok(reward_ratio)
                                     or reward_ratio != reward_ratio.quantize(Decimal("0.0001"))):
        problems.append(("奖补比例", "应为0至1之间、最多四位小数的数(四(二)考核结果)"))
    if visitors is not None and visitors < 0:
        problems.append(("游客人数", "应为不小于0的整数"))
    if all(v is None for v in (base_2019, daily_ticket_income, reward_ratio, visitors)):
        problems.append(("2019年补助额", "补助额、日均门票收入、奖补比例、游客人数不能全部为空"))
    return problems


# --- closures: voided or corrected, never edited ------------------------------------------


def _closure_void(*, closure: SpotClosure, reason: str, actor,
                  replacement: SpotClosure | None = None) -> SpotClosureVoid:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("作废或更正关闭时段必须填写原因")
    if SpotClosureVoid.objects.filter(closure=closure).exists():
        raise ValidationError(f"“{closure}”已作废,不能重复作废或更正")
    void = SpotClosureVoid.objects.create(
        closure=closure, replacement=replacement, reason=reason[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=authority.actor_label(actor)[:150])
    changes = {"starts_on": [str(closure.starts_on), None], "ends_on": [str(closure.ends_on), None],
               "作废": [False, True]}
    if replacement is not None:
        changes["更正为"] = [None, str(replacement)]
    verb = "更正" if replacement is not None else "作废"
    audit.record(AuditEvent.Action.VOID, actor=actor, obj=closure, changes=changes,
                 region=closure.spot.region_id, note=f"{verb}景区关闭时段:{reason}"[:500])
    return void


def _lock(closure: SpotClosure) -> None:
    """Lock the closure's row: of two voids or corrections of it at once, the second waits and
    then finds it voided (a clear refusal, not the void table's unique-constraint error)."""
    SpotClosure.objects.select_for_update().only("pk").get(pk=closure.pk)


@transaction.atomic
def closure_void(*, closure: SpotClosure, reason: str, actor=None) -> SpotClosureVoid:
    """Declare a recorded closure wrong (二(二)1): it stays recorded, free days leave it out
    from now on; a settlement already issued changes only by a new 结算单 (``do_settle``)."""
    actor = authority.resolve(actor)
    authority.check_permission(actor, "tourism.add_spotclosurevoid", "作废景区关闭时段")
    authority.check_region(actor, closure.spot.region, f"景区{closure.spot.name}")
    _lock(closure)
    with authority.acting_as(actor):
        return _closure_void(closure=closure, reason=reason, actor=actor)


@transaction.atomic
def closure_correct(*, closure: SpotClosure, reason: str, starts_on: dt.date | None = None,
                    ends_on: dt.date | None = None, note: str | None = None,
                    actor=None) -> SpotClosureVoid:
    """Correct a recorded closure (wrong dates, 二(二)1): a new closure with the corrected
    values replaces it, and the old one is voided naming its replacement."""
    actor = authority.resolve(actor)
    authority.check_permission(actor, "tourism.add_spotclosurevoid", "更正景区关闭时段")
    authority.check_region(actor, closure.spot.region, f"景区{closure.spot.name}")
    if not (reason or "").strip():
        raise ValidationError("作废或更正关闭时段必须填写原因")
    _lock(closure)
    if SpotClosureVoid.objects.filter(closure=closure).exists():
        raise ValidationError(f"“{closure}”已作废,不能更正")
    values = {"starts_on": starts_on or closure.starts_on, "ends_on": ends_on or closure.ends_on,
              "note": closure.note if note is None else note.strip()[:300]}
    if values == {"starts_on": closure.starts_on, "ends_on": closure.ends_on, "note": closure.note}:
        raise ValidationError("更正后的内容与原记录相同;如该记录有误且无正确内容,请作废")
    _refuse(closure_check(spot=closure.spot, starts_on=values["starts_on"], ends_on=values["ends_on"],
                          exclude=closure))
    with authority.acting_as(actor):
        replacement = SpotClosure.objects.create(
            spot=closure.spot, recorded_by=authority.actor_label(actor)[:150], **values)
        return _closure_void(closure=closure, reason=reason, actor=actor, replacement=replacement)


# --- the settlement statement (结算单) ------------------------------------------------------


def _statement_values(preview) -> dict:
    return {"free_days": preview.free_days, "final": preview.final, "advance": preview.advance,
            "city_reward": preview.city_reward, "difference": preview.difference,
            "direction": preview.direction, "settle_by": preview.settle_by,
            "provisional": preview.provisional}


def settle_check(*, spot: ScenicSpot, year: int | None, as_of: dt.date | None,
                 today: dt.date | None = None) -> list[str]:
    """Why a 结算单 cannot be issued now (one rule for ``do_settle`` and the admin form): a
    core spot (三); the year of its programme; settled on a date after the programme year
    ends (三(三): the year's free days are then known) and not after today; the inputs of
    三(一)(三) known; and not the same figures as the statement already in force."""
    from . import selectors

    today = today or timezone.localdate()
    programme = spot.programme
    problems = []
    if not spot.core:
        problems.append(f"{spot.name}不是核心收费景区(三:补助只对15个核心收费景区)")
    if year != programme.year:
        problems.append(f"{spot.name}不在{year}年免费游活动方案中(其方案年度为{programme.year}年)")
    if as_of is not None and as_of > today:
        problems.append(f"结算日期{as_of}晚于今天({today})")
    elif as_of is not None and as_of <= programme.ends_on:
        problems.append(f"{programme.year}年免费游活动期至{programme.ends_on}止,活动期结束后方可结算(三(三))")
    if problems:
        return problems
    try:
        preview = selectors.settlement_preview(spot, year)
    except selectors.InputsMissing as exc:
        return [str(exc)]
    current = selectors.current_statement(spot, year)
    if current is not None and as_of is not None and as_of < current.computed_on:
        return [f"结算日期{as_of}早于现行结算单的结算日期{current.computed_on}"]
    if current is not None and current.inputs_id == preview.inputs.pk and all(
            getattr(current, k) == v for k, v in _statement_values(preview).items()):
        return [f"与现行结算单({current.computed_on})相同,无需重新结算"]
    return []



@transaction.atomic
def do_settle(*, spot: ScenicSpot, year: int, actor=None, as_of: dt.date | None = None,
              note: str = "") -> SettlementStatement:
    """Issue the 结算单 of a core spot for ``year`` as computed on ``as_of`` (三(三) of
    衢政办发〔2020〕18号: 日均门票收入 × 实际免费天数 × 奖补比例, 多退少补 against the 三(一)
    advance, by 2021-05-31). Stored and never edited; a later one supersedes it (both kept).
    Settled after the programme year ends; 暂定 when a free day rests on a provisional year."""
    from . import selectors

    actor = authority.resolve(actor)
    authority.check_permission(actor, "tourism.add_settlementstatement", "出具补助结算单")
    authority.check_region(actor, spot.region, f"景区{spot.name}")
    as_of = as_of or timezone.localdate()
    # Lock the spot: two settlements of one spot and year never supersede the same statement.
    ScenicSpot.objects.select_for_update().only("pk").get(pk=spot.pk)
    problems = settle_check(spot=spot, year=year, as_of=as_of)
    if problems:
        raise Refused(";".join(problems))
    preview = selectors.settlement_preview(spot, year)
    current = selectors.current_statement(spot, year)
    values = _statement_values(preview)
    with authority.acting_as(actor):
        statement = SettlementStatement(
            spot=spot, year=year, inputs=preview.inputs, computed_on=as_of, supersedes=current,
            note=note.strip()[:300], actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_name=authority.actor_label(actor)[:150], **values)
        # The history record is the audit entry (core.audit.on_history_record), with this note.
        statement._change_reason = (
            f"出具{spot.name}{year}年结算单:实际免费天数{preview.free_days}天,应补助{preview.final}元,"
            f"预拨{preview.advance}元,{preview.direction}{abs(preview.difference)}元"
            f"{'(暂定)' if preview.provisional else ''}"
            f"{f',更正{current.computed_on}结算单' if current else ''}")[:500]
        statement.save()
    return statement
