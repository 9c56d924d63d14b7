"""Notice texts and keys for 医保协议医师 (衢医保发〔2020〕64号 art. 21: the doctor and the
institution are told in writing or by SMS).

A notice's key (``Notice.source``) is "<kind>:<record pk>[:<suffix>]", built by ``key``; a
suffix names what changed (a date, a ``ConsequenceEvent``), never a count of rows, so a key
is stable however the history grows. ``selectors.doctor_notices`` reads them back.
"""

from __future__ import annotations

import datetime as dt

from apps.core import workdays
from apps.core.models import Notice
from apps.core.notices import queue_notice

from . import selectors
from .deadlines import restore_deadlines
from .models import Consequence, Doctor, Institution, NoticeChannel
from .rules import cn

TOPIC = "doctors"


def notify(*, doctor: Doctor, institutions: list[Institution], channel: str, subject: str,
            body: str, source: str) -> None:
    """Art. 21: the doctor and the institution are told in writing or by SMS."""
    doctor_channel = Notice.Channel.SMS if channel == NoticeChannel.SMS and doctor.phone else Notice.Channel.WRITTEN
    queue_notice(channel=doctor_channel, recipient=doctor.phone if doctor_channel == Notice.Channel.SMS
                 else f"{doctor.name}({doctor.certificate_number})", subject=subject, body=body,
                 topic=TOPIC, source=source, recipient_kind="医保医师",
                 region=institutions[0].region if institutions else None)
    for institution in institutions:
        queue_notice(channel=Notice.Channel.WRITTEN, recipient=institution.name, subject=subject,
                     body=body, topic=TOPIC, source=source, recipient_kind="定点医疗机构",
                     region=institution.region)


def doctor_sites(doctor: Doctor, on: dt.date) -> list[Institution]:
    return [a.institution for a in selectors.current_agreements(doctor, on)]


def until(deadline, day: dt.date, window=None) -> str:
    """“(至X)” or “(X至Y)” for a notice text, “暂定” when a year without an official holiday
    schedule decided the date (it is recomputed, and notified, once the schedule is in)."""
    if window is not None:
        first, last = window(day)
        mark = f",{workdays.PROVISIONAL_LABEL}" if first.provisional or last.provisional else ""
        return f"({cn(first.date)}至{cn(last.date)}{mark})"
    due = deadline(day)
    return f"(至{cn(due.date)}{f',{workdays.PROVISIONAL_LABEL}' if due.provisional else ''})"


def consequence_text(c: Consequence) -> str:
    head = f"{c.doctor.name}:{c.year}年度累计扣{c.points_at_trigger}分({c.get_rule_display()}),"
    if c.kind == Consequence.Kind.INTERVIEW:
        return head + "医疗保险经办机构将会同定点医疗机构对您进行约谈(第二十一条)。"
    if c.kind == Consequence.Kind.SUSPENSION:
        return head + (f"自{cn(c.effective_date)}起暂停全部医保医师服务协议{c.months}个月,"
                       f"至{cn(c.end_date)}期满;如需恢复,应在期满前7个工作日内"
                       f"{until(None, c.end_date, restore_deadlines)}"
                       f"通过所在定点医疗机构提交恢复申请及承诺书(第二十二条)。")
    return head + (f"自{cn(c.effective_date)}起解除全部医保医师服务协议,"
                   f"{cn(c.ban_until)}前不得重新签订服务协议(第二十一条)。")


def key(kind: str, *parts) -> str:
    """A notice key: "<kind>:<part>[:<part>…]" (e.g. ``consequence-adjusted:<pk>:<event pk>``)."""
    return ":".join([kind, *(str(part) for part in parts)])
