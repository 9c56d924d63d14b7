"""Writes of the pairings app (衢政办发〔2020〕17号, issue 15 §5): the gazette import of the
plan and its 附件, and the activities 市援疆指挥部 logs (imported or entered, voided or
corrected, never edited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core import audit, authority
from apps.core.models import AuditEvent
from apps.core.services import organisation_find
from apps.gazette.registry import ParseResult

from . import parsing
from .models import (
    AID_KINDS,
    ActivityKind,
    Pairing,
    PairingActivity,
    PairingActivityVoid,
    PairingPlan,
    PairingTarget,
)

WHAT = "援疆帮扶结对"
MAX_AMOUNT = Decimal("1e12")  # no single aid of a trillion yuan: a typing error


def _half_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


@transaction.atomic
def plan_record(*, number: str, title: str, signed_on: dt.date, parsed: parsing.ParsedPlan,
                source_article=None, actor=None) -> ParseResult:
    """Store the plan, every 附件 row and its targets as printed, idempotently.

    二: the declared “共N家” is reconciled with the rows; 三(三) 每半年书面报送 starts with the
    half-year of signing (2020-07-28 → 2020年下半年). Target names are staff's: a re-import
    never touches them, nor an organisation link staff set."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, WHAT)
    result = ParseResult(messages=list(parsed.findings))
    missing = [label for label, value in (
        ("二:结对期限", parsed.term), ("二:受助下限", parsed.aid_floor_wan),
        ("三(一):每年专题研究次数", parsed.yearly_studies),
        ("三(一):每年调研对接次数", parsed.yearly_visits)) if value is None]
    if missing or not parsed.rows:
        result.messages.append(f"未读到{'、'.join(missing) or '附件结对安排'},未登记,请人工核对原文")
        return result
    if not parsed.half_yearly_reports:
        result.messages.append("三(三):未找到“每半年…以书面形式报送”,仍按每半年一次书面报告统计,请核对")
    with authority.acting_as(actor):
        plan = result.upsert(PairingPlan, {"number": number}, {
            "title": title, "signed_on": signed_on, "declared_count": parsed.declared_count,
            "term_from": dt.date(parsed.term[0], 1, 1), "term_to": dt.date(parsed.term[1], 12, 31),
            "aid_floor_per_target": Decimal(parsed.aid_floor_wan) * parsing.TEN_THOUSAND,
            "yearly_studies": parsed.yearly_studies, "yearly_visits": parsed.yearly_visits,
            "reports_from": _half_year_start(signed_on), "source_article": source_article})
        for row in parsed.rows:
            existing = Pairing.objects.filter(plan=plan, position=row.position).first()
            values = {"unit": row.unit, "arrangement": row.arrangement}
            found = organisation_find(row.unit)
            if found is not None and (existing is None or existing.organisation_id is None):
                values["organisation"] = found
            pairing = result.upsert(Pairing, {"plan": plan, "position": row.position}, values)
            for kind, count in row.targets.items():
                for ordinal in range(1, count + 1):
                    result.upsert(PairingTarget, {"pairing": pairing, "kind": kind, "ordinal": ordinal}, {})
                extra = pairing.targets.filter(kind=kind, ordinal__gt=count).count()
                if extra:
                    result.messages.append(f"附件:{row.unit}已登记的{kind}多于原文{count}个,多出的{extra}个未删除,请核对")
        stale = plan.pairings.exclude(position__in=[row.position for row in parsed.rows])
        if stale.exists():
            result.messages.append(f"附件:已登记而原文未列出的序号:{sorted(stale.values_list('position', flat=True))}")
    result.messages.extend(reconcile(parsed))
    return result


def reconcile(parsed: parsing.ParsedPlan) -> list[str]:
    """二 “参与结对的单位共N家” against the 附件 rows; the 序号 run 1…N without gaps."""
    messages = []
    rows = len(parsed.rows)
    if parsed.declared_count is None:
        messages.append("二:未找到公布的结对单位数(共N家),无法核对")
    elif parsed.declared_count != rows:
        messages.append(f"二公布结对单位共{parsed.declared_count}家,附件列出{rows}家,"
                        f"相差{abs(parsed.declared_count - rows)}家")
    positions = [row.position for row in parsed.rows]
    if positions != list(range(1, rows + 1)):
        messages.append(f"附件:序号不连续或重复:{positions}")
    units = [row.unit for row in parsed.rows]
    repeated = sorted({unit for unit in units if units.count(unit) > 1})
    if repeated:
        messages.append(f"附件:结对单位重复列出:{'、'.join(repeated)}")
    return messages


# --- activities --------------------------------------------------------------------------


def activity_problems(*, pairing: Pairing, kind: str, on: dt.date, amount: Decimal | None,
                      note: str, today: dt.date | None = None,
                      exclude: PairingActivity | None = None) -> list[tuple[str, str]]:
    """(column, message) for each reason the activity cannot be recorded; one rule for the
    import, the admin form and corrections.

    二: aid (资金/物资) carries an amount > 0 in yuan (two decimals), other kinds none; the date
    lies in the 结对期限 (2020—2022) and not after today; the same activity (unit, date, kind,
    amount, 说明) is not recorded twice, so a file imported again does not count twice."""
    problems: list[tuple[str, str]] = []
    today = today or timezone.localdate()
    if kind not in ActivityKind.values:
        problems.append(("类型", f"应为{'、'.join(ActivityKind.values)}之一"))
    elif kind in AID_KINDS:
        if amount is None:
            problems.append(("金额", f"{kind}须填写金额(元)"))
        elif not amount.is_finite() or amount <= 0:
            problems.append(("金额", "应为大于0的金额(元)"))
        elif amount >= MAX_AMOUNT:
            problems.append(("金额", "金额过大,请核对单位(元)"))
        elif amount != amount.quantize(Decimal("0.01")):
            problems.append(("金额", "金额最多两位小数(元、角、分)"))
    elif amount is not None:
        problems.append(("金额", f"{kind}不填金额(金额只用于资金、物资)"))
    plan = pairing.plan
    if not plan.term_from <= on <= plan.term_to:
        problems.append(("日期", f"不在帮扶结对期限内({plan.term_from}至{plan.term_to},{plan.number}二)"))
    elif on > today:
        problems.append(("日期", f"晚于今天({today}),只能登记已发生的活动"))
    if len(note) > 500:
        problems.append(("说明", "不能超过500字"))
    if not problems:
        same = PairingActivity.objects.filter(pairing=pairing, kind=kind, on=on, amount=amount,
                                              note=note, void__isnull=True)
        if exclude is not None:
            same = same.exclude(pk=exclude.pk)
        if same.exists():
            problems.append(("", f"{pairing.unit}{on}的这条{kind}已登记;如需更正请作废或更正原记录"))
    return problems


def _check(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise ValidationError(";".join(f"{column}:{message}" if column else message
                                       for column, message in problems))


@transaction.atomic
def activities_record(*, rows: list[dict], source: str, actor=None) -> list[PairingActivity]:
    """Record validated rows (an import): history per row, one 导入 audit record for the run."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, WHAT)
    authority.check_permission(actor, "pairings.add_pairingactivity", "登记帮扶活动")
    label = authority.actor_label(actor)[:150]
    created = []
    with authority.acting_as(actor):
        for row in rows:
            created.append(PairingActivity.objects.create(**row, source=source[:200], recorded_by=label))
        audit.record_bulk(actor=actor, model=PairingActivity, action=AuditEvent.Action.IMPORT,
                          note=f"导入帮扶活动{len(created)}条({source})"[:500],
                          counts={"created": len(created)}, object_ids=[a.pk for a in created])
    return created


@transaction.atomic
def activity_record(*, pairing: Pairing, kind: str, on: dt.date, amount: Decimal | None,
                    note: str = "", actor=None, source: str = "后台录入") -> PairingActivity:
    """One activity entered by 市援疆指挥部 staff (三(二)(三)), checked like an imported line."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, WHAT)
    authority.check_permission(actor, "pairings.add_pairingactivity", "登记帮扶活动")
    note = (note or "").strip()
    _check(activity_problems(pairing=pairing, kind=kind, on=on, amount=amount, note=note))
    with authority.acting_as(actor):
        # The history record of this row is its audit entry (core.audit.on_history_record).
        return PairingActivity.objects.create(
            pairing=pairing, kind=kind, on=on, amount=amount, note=note, source=source,
            recorded_by=authority.actor_label(actor)[:150])


def _void(*, activity: PairingActivity, reason: str, actor,
          replacement: PairingActivity | None = None) -> PairingActivityVoid:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("作废或更正帮扶活动必须填写原因")
    if PairingActivityVoid.objects.filter(activity=activity).exists():
        raise ValidationError(f"“{activity}”已作废,不能重复作废")
    void = PairingActivityVoid.objects.create(
        activity=activity, replacement=replacement, reason=reason[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=authority.actor_label(actor)[:150])
    changes = {"kind": [activity.kind, None], "on": [str(activity.on), None],
               "amount": [str(activity.amount) if activity.amount is not None else None, None],
               "note": [activity.note, None], "作废": [False, True]}
    if replacement is not None:
        changes["更正为"] = [None, str(replacement)]
    verb = "更正" if replacement is not None else "作废"
    audit.record(AuditEvent.Action.VOID, actor=actor, obj=activity, changes=changes,
                 note=f"{verb}帮扶活动:{reason}"[:500])
    return void


@transaction.atomic
def activity_void(*, activity: PairingActivity, reason: str, actor=None) -> PairingActivityVoid:
    """Declare a logged activity wrong (issue 9 §4): it stays recorded, the report leaves it
    out from now on; audited as 作废 with its values."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, WHAT)
    authority.check_permission(actor, "pairings.add_pairingactivityvoid", "作废帮扶活动")
    with authority.acting_as(actor):
        return _void(activity=activity, reason=reason, actor=actor)


@transaction.atomic
def activity_correct(*, activity: PairingActivity, reason: str, kind: str | None = None,
                     on: dt.date | None = None, amount: Decimal | None | str = "keep",
                     note: str | None = None, actor=None) -> PairingActivityVoid:
    """Correct a logged activity (a wrong amount, date or type): a new activity with the
    corrected values replaces it and the old one is voided, naming its replacement."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, WHAT)
    authority.check_permission(actor, "pairings.add_pairingactivityvoid", "更正帮扶活动")
    if not (reason or "").strip():
        raise ValidationError("作废或更正帮扶活动必须填写原因")
    if PairingActivityVoid.objects.filter(activity=activity).exists():
        raise ValidationError(f"“{activity}”已作废,不能更正")
    kind = kind or activity.kind
    values = {"kind": kind, "on": on or activity.on,
              "amount": activity.amount if amount == "keep" else amount,
              "note": activity.note if note is None else note.strip()}
    if kind not in AID_KINDS:
        values["amount"] = None
    if values == {"kind": activity.kind, "on": activity.on, "amount": activity.amount, "note": activity.note}:
        raise ValidationError("更正后的内容与原记录相同;如该记录有误且无正确内容,请作废")
    _check(activity_problems(pairing=activity.pairing, exclude=activity, **values))
    with authority.acting_as(actor):
        replacement = PairingActivity.objects.create(
            pairing=activity.pairing, source=f"更正第{activity.pk}号记录",
            recorded_by=authority.actor_label(actor)[:150], **values)
        return _void(activity=activity, reason=reason, actor=actor, replacement=replacement)
