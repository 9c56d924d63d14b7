"""Writes of the grants app (衢政办发〔2020〕16号, issue 15 §4): the gazette import and the
staff events (恢复, 到期) that change an item's status."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from apps.core import authority
from apps.gazette.registry import ParseResult

from . import parsing
from .models import EventKind, GrantItem, GrantItemEvent, Group

# 二: the group's own verb is its event on the 施行 date (三: “本通知自公布之日起施行”).
GROUP_EVENT = {Group.ADDED: EventKind.EXECUTE, Group.ADJUSTED: EventKind.EXECUTE,
               Group.SUSPENDED: EventKind.SUSPEND, Group.STOPPED: EventKind.STOP}
PRIOR_DOCUMENT = "衢政办发〔2019〕35号"  # 三: 2019年度的奖补项目按衢政办发〔2019〕35号执行
STAFF_EVENTS = {EventKind.RESUME, EventKind.EXPIRE}


class EventRefused(ValueError):
    """A staff event the item's history does not allow (message in Chinese)."""


@transaction.atomic
def items_record(*, number: str, signed_on: dt.date, parsed: parsing.ParsedGrants,
                 source_article=None, actor=None) -> ParseResult:
    """Store every item of 二 as printed and its 施行 event, idempotently.

    “本通知自公布之日起施行”: the gazette prints no separate publication date, so the items
    take effect on the signing date (2020-07-07); no declared counts (“一批”) to reconcile."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "奖补政策条目")
    result = ParseResult(messages=list(parsed.findings))
    if not parsed.items:
        result.messages.append("二:未读到任何政策条目,未登记")
        return result
    if not parsed.from_publication:
        result.messages.append("未找到“自公布之日起施行”,按成文日期施行,请核对")
    if parsed.old_number != PRIOR_DOCUMENT:
        result.messages.append(f"三:2019年度项目所依文件读作“{parsed.old_number}”,应为{PRIOR_DOCUMENT},请核对")
    with authority.acting_as(actor):
        for item in parsed.items:
            row = result.upsert(GrantItem, {"key": item.key}, {
                "document": number, "group": item.group, "position": item.position,
                "title": item.title, "text": item.text, "valid_until": item.valid_until,
                "source_article": source_article})
            result.upsert(GrantItemEvent, {"item": row, "kind": GROUP_EVENT[item.group], "on": signed_on},
                          {"basis": f"{number} 三:本通知自公布之日起施行",
                           "recorded_by": "系统(政报导入)"})
    return result


def check_event(*, item: GrantItem, kind: str, on: dt.date, basis: str) -> None:
    """Why a staff event cannot be recorded (``EventRefused``), checked before any write."""
    if kind not in STAFF_EVENTS:
        raise EventRefused("只能录入“恢复”或“到期”事件;执行、暂缓、停止来自文件本身")
    if not basis.strip():
        raise EventRefused("请填写依据(如恢复实施的通知文号)")
    last = item.events.order_by("-on", "-pk").first()
    if last is None:
        raise EventRefused(f"{item.key}尚无施行事件,不能录入")
    if on < last.on:
        raise EventRefused(f"日期早于{item.key}最近的事件({last.on} {last.get_kind_display()})")
    if kind == EventKind.RESUME and last.kind != EventKind.SUSPEND:
        raise EventRefused(f"{item.key}当前不是暂缓执行,不能恢复(三:暂缓执行项目视情适时恢复实施)")
    if kind == EventKind.EXPIRE and last.kind in {EventKind.STOP, EventKind.EXPIRE}:
        raise EventRefused(f"{item.key}已{last.get_kind_display()},不能再录入到期")


@transaction.atomic
def record_event(*, item: GrantItem, kind: str, on: dt.date, basis: str, actor=None) -> GrantItemEvent:
    """A staff event: 恢复 of a 暂缓执行 item (三: “暂缓执行项目视情适时恢复实施”) or 到期 of
    an item whose end the printed text leaves to an unprinted order (三: “第14号令”).

    恢复 only follows a 暂缓 (a stopped item is not resumed); both need a basis and a date on or
    after the item's last event; the actor must hold the grants change permission (经信)."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "奖补政策事件")
    authority.check_permission(actor, "grants.add_grantitemevent", "录入奖补政策事件")
    check_event(item=item, kind=kind, on=on, basis=basis)
    with authority.acting_as(actor):
        # The history record of this row is the audit entry (core.audit.on_history_record).
        event = GrantItemEvent.objects.create(item=item, kind=kind, on=on, basis=basis.strip(),
                                              recorded_by=authority.actor_label(actor))
    return event
