"""The working-day calendar changed (issue 10): open deadlines are recomputed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from apps.core import authority, workdays
from apps.core.audit import record_bulk
from apps.core.models import Notice
from apps.core.notices import queue_notice

from ..models import (
    AgreementEvent,
    Appeal,
    Consequence,
    ConsequenceEvent,
    NoticeChannel,
)
from ..notices import TOPIC, doctor_sites, notify
from ..rules import (
    DECISION_WORKING_DAYS,
    NOTICE_WORKING_DAYS,
    cn,
)
from .base import local_today
from .consequences import consequence_event, restore_window_store


def _recompute_appeals(today: dt.date, reason: str, records: dict) -> int:
    """Art. 27: undecided appeals' decision deadlines; the agency (which decides) is told."""
    moved = 0
    for appeal in (Appeal.objects.filter(decision=Appeal.Decision.PENDING)
                   .select_related("deduction__doctor", "deduction__institution__region",
                                   "deduction__item")):
        due = workdays.deadline(appeal.filed_on, DECISION_WORKING_DAYS)
        if (due.date, due.provisional) == (appeal.decision_due, appeal.decision_due_provisional):
            continue
        old = workdays.label(appeal.decision_due, appeal.decision_due_provisional)
        date_moved = due.date != appeal.decision_due
        appeal.decision_due, appeal.decision_due_provisional = due.date, due.provisional
        appeal._change_reason = reason[:100]
        appeal.save(update_fields=["decision_due", "decision_due_provisional"])
        records[appeal.pk] = {"decision_due": [old, str(due)]}
        if not date_moved:
            continue
        moved += 1
        d = appeal.deduction
        queue_notice(channel=Notice.Channel.INTERNAL, recipient="医保经办机构", topic=TOPIC,
                     subject="申诉决定期限变更",
                     body=f"{d.doctor.name}对第{d.item.code}项扣分的申诉({cn(appeal.filed_on)}收到)"
                          f"决定期限由{old}调整为{due}:{reason}(第二十七条)。",
                     source=f"appeal-due:{appeal.pk}:{due.date}", recipient_kind="工作人员",
                     region=d.institution.region)
    return moved


def _recompute_restore_windows(today: dt.date, reason: str, records: dict) -> int:
    """Art. 22: the restore windows of suspensions not yet ended; the doctor and the
    institutions (who were told the window) are told the new one."""
    moved = 0
    for c in (Consequence.objects.filter(kind=Consequence.Kind.SUSPENSION, revoked_on__isnull=True,
                                         outcome="", end_date__gt=today)
              .select_related("doctor", "trigger")):
        old = (c.restore_from, c.restore_until, c.restore_provisional)
        restore_window_store(c)
        if (c.restore_from, c.restore_until, c.restore_provisional) == old:
            continue
        c._change_reason = reason[:100]
        c.save(update_fields=["restore_from", "restore_until", "restore_provisional"])
        consequence_event(c, ConsequenceEvent.Kind.RESTORE_WINDOW, reason=reason)
        before = (f"{workdays.label(old[0], False)}至{workdays.label(old[1], old[2])}"
                  if old[0] else None)
        after = (f"{workdays.label(c.restore_from, False)}"
                 f"至{workdays.label(c.restore_until, c.restore_provisional)}")
        records[c.pk] = {"restore_window": [before, after]}
        if old[0] is None or old[:2] == (c.restore_from, c.restore_until):
            continue  # never notified (stored from now on), or only the 暂定 mark went
        moved += 1
        notify(doctor=c.doctor, institutions=doctor_sites(c.doctor, today), channel=c.trigger.channel,
                subject="恢复服务协议申请期间变更",
                body=(f"{c.doctor.name}:您的医保医师服务协议暂停至{cn(c.end_date)}期满,恢复申请期间"
                      f"由{before}调整为{after}:{reason}。请在此期间通过所在定点医疗机构提交恢复申请"
                      f"及承诺书(第二十二条)。"),
                source=f"restore-window:{c.pk}:{c.restore_from}:{c.restore_until}")
    return moved


def _recompute_agreement_ends(today: dt.date, reason: str, records: dict) -> int:
    """Agreement art. 8: a termination dated by default 15 working days after the notice,
    not yet in force and still 暂定; the doctor and the institution are told the new date."""
    moved = 0
    for event in (AgreementEvent.objects.filter(kind=AgreementEvent.Kind.TERMINATED, provisional=True,
                                                effective_date__gt=today)
                  .select_related("agreement__doctor", "agreement__institution")):
        notice = (event.agreement.events.filter(kind=AgreementEvent.Kind.NOTICE_TO_END)
                  .order_by("-effective_date", "-id").first())
        if notice is None:
            continue
        due = workdays.deadline(notice.effective_date, NOTICE_WORKING_DAYS)
        if (due.date, due.provisional) == (event.effective_date, event.provisional):
            continue
        old = workdays.label(event.effective_date, event.provisional)
        date_moved = due.date != event.effective_date
        event.effective_date, event.provisional = due.date, due.provisional
        event._change_reason = reason[:100]
        event.save(update_fields=["effective_date", "provisional"])
        records[event.pk] = {"effective_date": [old, str(due)]}
        if not date_moved:
            continue
        moved += 1
        a = event.agreement
        notify(doctor=a.doctor, institutions=[a.institution], channel=NoticeChannel.WRITTEN,
                subject="服务协议解除日期变更",
                body=(f"{a.doctor.name}:您在{a.institution.name}的医保医师服务协议经{cn(notice.effective_date)}"
                      f"提前通知解除,解除日期由{old}调整为{due}:{reason}(协议第八条)。"),
                source=f"agreement-end:{event.pk}:{due.date}")
    return moved


@transaction.atomic
def workdays_schedule_entered(*, year: int, actor=None, today: dt.date | None = None) -> dict:
    """Staff entered or changed ``year``'s holiday schedule: recompute the open deadlines.

    Open deadlines counted in working days are recomputed on the calendar as it now stands:
    undecided appeals' decision deadlines (art. 27), the restore windows of suspensions not
    yet ended (art. 22) and default-dated agreement terminations not yet in force
    (agreement art. 8). Only those the schedule touches come out different (a provisional
    date becomes official, or moves); each changed record is written with its history,
    listed old → new in one audit record per kind, and a moved date is notified. Decided,
    ended or past deadlines are never touched; a second run changes nothing (idempotent).
    """
    today = today or local_today()
    reason = f"{year}年国务院办公厅放假安排已录入,按正式放假安排重新计算"
    summary = {}
    for key, model, recompute in (("appeals", Appeal, _recompute_appeals),
                                  ("restore_windows", Consequence, _recompute_restore_windows),
                                  ("agreement_ends", AgreementEvent, _recompute_agreement_ends)):
        records: dict = {}
        with authority.deriving():  # deadlines are derived from the calendar, never typed
            moved = recompute(today, reason, records)
        summary[key] = {"recomputed": len(records), "moved": moved}
        if records:
            record_bulk(actor=actor, model=model, note=f"{reason}({len(records)}条)",
                        counts=summary[key], object_ids=records, records=records)
    return summary


def on_schedule_changed(sender, *, year: int, actor=None, today: dt.date | None = None,
                        **kwargs) -> dict:
    """Receiver of ``apps.core.workdays.schedule_changed`` (connected in ``apps.py``)."""
    return {"doctors": workdays_schedule_entered(year=year, actor=actor, today=today)}
