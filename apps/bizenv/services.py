"""Writes of the 营商环境 app (衢政办发〔2020〕21号, issue 15 §7): the gazette import of the
plan and the dated progress events (完成 / 撤销完成) that 市营商办 (市府办) records."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from apps.core import audit, authority
from apps.core import services as core_services
from apps.core.models import Organisation
from apps.gazette.registry import ParseResult

from . import parsing
from .models import (
    BizEnvProgress,
    BizEnvTask,
    BizEnvTaskOwner,
    Indicator,
    IndicatorLead,
    IndicatorSubtask,
    ProgressKind,
)

PLAN_YEAR_START = dt.date(2020, 1, 1)  # “2020年实施方案”: no completion is dated before it


class ProgressRefused(ValueError):
    """A progress event the task's history does not allow (message in Chinese)."""


def _kind(name: str) -> str:
    if name.endswith("人民政府") or name.endswith("政府"):
        return Organisation.Kind.GOVERNMENT
    if name.endswith(("公司", "集团")):
        return Organisation.Kind.ENTERPRISE
    return Organisation.Kind.DEPARTMENT if name.startswith(("市", "衢州")) else Organisation.Kind.OTHER


def county_governments(messages: list[str]) -> None:
    """各县(市、区)政府 → the six ``X人民政府``, each also known as ``X政府`` (柯城区政府)."""
    for county in parsing.COUNTIES:
        org = core_services.organisation_resolve(f"{county}人民政府", kind=Organisation.Kind.GOVERNMENT)
        try:
            core_services.organisation_add_alias(org, f"{county}政府")
        except ValueError as exc:
            messages.append(f"{exc},未作为{org}的别名登记")


def resolve_unit(name: str, created: set[str]) -> Organisation:
    """The organisation a printed unit name denotes (aliases: 市场监管局 ≡ 市市场监管局)."""
    org = core_services.organisation_find(name)
    if org is None:
        org = core_services.organisation_resolve(name, kind=_kind(name))
        created.add(name)
    return org


@transaction.atomic
def plan_record(*, number: str, signed_on: dt.date, parsed: parsing.ParsedPlan,
                source_article=None, actor=None) -> ParseResult:
    """Store every task, indicator, lead line and sub-task as printed, idempotently.

    Findings: a 完成时间 before the plan's own date (二 6.20 “2020年5月底前”, signed 2020-06-05)
    and sub-task numbers that restart where the 附件 table breaks across pages."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "营商环境任务")
    result = ParseResult(messages=list(parsed.findings))
    if not parsed.tasks and not parsed.indicators:
        result.messages.append("未读到任何任务或指标,未登记")
        return result
    created: set[str] = set()
    with authority.acting_as(actor):
        county_governments(result.messages)
        for task in parsed.tasks:
            if task.deadline < signed_on:
                result.messages.append(
                    f"二{task.number}“{task.title}”完成时间“{task.deadline_text}”({task.deadline})"
                    f"早于方案印发日期{signed_on},导入即已到期")
            row = result.upsert(BizEnvTask, {"document": number, "number": task.number}, {
                "group": task.group, "group_title": task.group_title, "title": task.title,
                "text": task.text, "owners_text": task.owners_text[:500], "deadline": task.deadline,
                "deadline_text": task.deadline_text, "source_article": source_article})
            _owners(result, row, task.owners, created)
        for item in parsed.indicators:
            indicator = result.upsert(Indicator, {"document": number, "number": item.number},
                                      {"name": item.name, "source_article": source_article})
            for position, sub in enumerate(item.subtasks, start=1):
                result.upsert(IndicatorSubtask, {"indicator": indicator, "position": position},
                              {"number": sub.number, "text": sub.text})
            _trim(result, IndicatorSubtask.objects.filter(indicator=indicator,
                                                          position__gt=len(item.subtasks)))
            for position, lead in enumerate(item.leads, start=1):
                departments = [resolve_unit(name, created) for name in lead.departments[:2]]
                result.upsert(IndicatorLead, {"indicator": indicator, "position": position}, {
                    "leader": lead.leader, "department": departments[0],
                    "co_department": departments[1] if len(departments) > 1 else None,
                    "departments_text": lead.departments_text,
                    "responsible_text": lead.responsible_text[:500]})
            _trim(result, IndicatorLead.objects.filter(indicator=indicator, position__gt=len(item.leads)))
    if created:
        result.messages.append("新登记单位(原文名称,请核对是否为已有单位的简称):" + "、".join(sorted(created)))
    return result


def _owners(result: ParseResult, task: BizEnvTask, names: list[str], created: set[str]) -> None:
    for position, name in enumerate(names, start=1):
        result.upsert(BizEnvTaskOwner, {"task": task, "position": position},
                      {"organisation": resolve_unit(name, created), "printed": name})
    _trim(result, BizEnvTaskOwner.objects.filter(task=task, position__gt=len(names)))


def _trim(result: ParseResult, stale) -> None:
    """Rows a corrected text no longer prints (a re-import after a parser fix)."""
    count = stale.count()
    if count:
        stale.delete()
        result.updated += count


def completed_on(task: BizEnvTask, on: dt.date) -> dt.date | None:
    """The completion in force on ``on``: the last event on or before it decides."""
    events = [e for e in task.progress.all() if e.on <= on]
    if not events:
        return None
    last = max(events, key=lambda e: (e.on, e.pk))
    return last.on if last.kind == ProgressKind.COMPLETED else None


def check_progress(*, task: BizEnvTask, kind: str, on: dt.date, note: str,
                   today: dt.date | None = None) -> None:
    """Why an event cannot be recorded (``ProgressRefused``), checked before any write."""
    today = today or timezone.localdate()
    if kind not in ProgressKind.values:
        raise ProgressRefused(f"事件应为{'、'.join(ProgressKind.labels)}之一")
    if on > today:
        raise ProgressRefused(f"完成日期{on}晚于今天,不能预先登记")
    if on < PLAN_YEAR_START:
        raise ProgressRefused(f"完成日期{on}早于2020年,不属于本年度实施方案")
    events = list(task.progress.all())
    last = max(events, key=lambda e: (e.on, e.pk)) if events else None
    if last is not None and on < last.on:
        raise ProgressRefused(f"日期早于任务{task.number}最近的事件({last.on} {last.get_kind_display()})")
    done = last is not None and last.kind == ProgressKind.COMPLETED
    if kind == ProgressKind.COMPLETED and done:
        raise ProgressRefused(f"任务{task.number}已于{last.on}完成")
    if kind == ProgressKind.WITHDRAWN:
        if not done:
            raise ProgressRefused(f"任务{task.number}尚未登记完成,无可撤销")
        if not note.strip():
            raise ProgressRefused("撤销完成须说明理由")


@transaction.atomic
def progress_record(*, rows: list[dict], actor=None, note: str = "") -> list[BizEnvProgress]:
    """Record validated events (``imports.validate`` or the admin form); one audit record per
    import, a history row per event. 三(一): 市营商办 (市府办) keeps the progress."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "营商环境任务进展")
    authority.check_permission(actor, "bizenv.add_bizenvprogress", "登记营商环境任务进展")
    created = []
    with authority.acting_as(actor):
        for row in rows:
            # Re-read the task's events under a row lock: what validation read before the
            # transaction may be stale (two imports at once must not both complete a task).
            task = (BizEnvTask.objects.select_for_update().prefetch_related("progress")
                    .get(pk=row["task"].pk))
            check_progress(task=task, kind=row.get("kind", ProgressKind.COMPLETED), on=row["on"],
                           note=row.get("note", ""))
            created.append(BizEnvProgress.objects.create(
                task=task, kind=row.get("kind", ProgressKind.COMPLETED), on=row["on"],
                note=row.get("note", "").strip(), recorded_by=authority.actor_label(actor)))
        if len(created) > 1 or note:
            audit.record_bulk(actor=actor, model=BizEnvProgress, action=audit.AuditEvent.Action.IMPORT,
                              note=note or f"导入营商环境任务进展{len(created)}条",
                              counts={"created": len(created)}, object_ids=[e.pk for e in created])
    return created
