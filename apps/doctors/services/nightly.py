"""The nightly job (arts. 22, 27; agreement art. 14) and the year end (arts. 16, 21)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from apps.core import authority
from apps.core.audit import record_bulk
from apps.core.models import Notice
from apps.core.notices import queue_notice_once

from .. import selectors
from ..models import (
    Agreement,
    AgreementEvent,
    Appeal,
    Consequence,
    ConsequenceEvent,
    Doctor,
    YearClosing,
    YearScore,
)
from ..notices import TOPIC, doctor_sites, notify
from ..rules import (
    cn,
    period_after,
)
from .base import acts, local_today
from .consequences import consequence_event, consequences_recompute


def _next_period(agreement: Agreement) -> tuple[dt.date, dt.date]:
    """Agreement art. 14: the next period follows the institution's, else repeats the length."""
    start = agreement.end + dt.timedelta(days=1)
    inst_end = agreement.institution.agreement_end
    if inst_end and inst_end > agreement.end:
        return start, inst_end
    after = agreement.end + dt.timedelta(days=1)
    months = max((after.year - agreement.start.year) * 12 + after.month - agreement.start.month, 1)
    return start, period_after(start, months) - dt.timedelta(days=1)


def _suspensions_ending(today: dt.date) -> dict:
    counts = {"resumed": 0, "extended": 0}
    for c in Consequence.objects.filter(kind=Consequence.Kind.SUSPENSION, revoked_on__isnull=True,
                                        outcome="", end_date__lte=today).select_related("doctor"):
        outcome = (Consequence.Outcome.RESUMED if c.restore_applications.exists()
                   else Consequence.Outcome.EXTENDED)
        claimed = Consequence.objects.filter(pk=c.pk, outcome="").update(
            outcome=outcome, outcome_date=c.end_date)
        if not claimed:
            continue
        c.outcome, c.outcome_date = outcome, c.end_date
        consequence_event(c, ConsequenceEvent.Kind.OUTCOME, reason=c.get_outcome_display(),
                          on=c.end_date)
        counts[outcome] += 1
        text = (f"{c.doctor.name}:暂停期满,自{cn(c.end_date)}起恢复医保医师服务协议(第二十二条)。"
                if outcome == Consequence.Outcome.RESUMED else
                f"{c.doctor.name}:暂停期满前未提出恢复申请,暂停期限自动延长至协议期满后解除协议(第二十二条)。")
        notify(doctor=c.doctor, institutions=doctor_sites(c.doctor, c.end_date),
                channel=c.trigger.channel, subject="医保医师暂停期满", body=text,
                source=f"suspension-end:{c.pk}")
    return counts


def _agreements_ending(today: dt.date) -> dict:
    counts = {"renewed": 0, "terminated": 0}
    for a in (Agreement.objects.filter(end__lt=today, renewal__isnull=True)
              .exclude(events__kind__in=[AgreementEvent.Kind.RENEWED, AgreementEvent.Kind.TERMINATED])
              .select_related("doctor", "institution")):
        state = selectors.agreement_state(a, a.end)
        notice = a.events.filter(kind=AgreementEvent.Kind.NOTICE_TO_END).first()
        ending = a.end + dt.timedelta(days=1)
        if state.status == selectors.Status.TERMINATED or notice is not None or (
                state.status == selectors.Status.SUSPENDED and state.until == a.end):
            reason = (notice.reason or "已提出解除协议") if notice else state.reason
            _, made = AgreementEvent.objects.get_or_create(
                agreement=a, kind=AgreementEvent.Kind.TERMINATED,
                defaults={"effective_date": ending, "reason": f"协议期满不再续签:{reason}"})
            counts["terminated"] += made
            continue
        start, end = _next_period(a)
        renewal, made = Agreement.objects.get_or_create(
            doctor=a.doctor, institution=a.institution, start=start,
            defaults={"end": end, "renewed_from": a, "accepted_at": a.accepted_at})
        AgreementEvent.objects.get_or_create(agreement=a, kind=AgreementEvent.Kind.RENEWED,
                                             defaults={"effective_date": start,
                                                       "reason": f"期满自动续签至{end}"})
        counts["renewed"] += made
    return counts


def _overdue_appeals(today: dt.date) -> int:
    count = 0
    for appeal in Appeal.objects.filter(decision=Appeal.Decision.PENDING, decision_due__lt=today):
        d = appeal.deduction
        _notice, created = queue_notice_once(
            channel=Notice.Channel.INTERNAL, recipient="医保经办机构", topic=TOPIC,
            subject="申诉决定逾期",
            body=f"{d.doctor.name}对第{d.item.code}项扣分的申诉({cn(appeal.filed_on)}收到)"
                 f"应于{cn(appeal.decision_due)}前作出决定,已逾期(第二十七条)。",
            source=f"appeal-overdue:{appeal.pk}", recipient_kind="工作人员",
            region=d.institution.region)
        count += created
    return count


@acts
@transaction.atomic
def nightly(*, today: dt.date | None = None, actor=None) -> dict:
    """Nightly job: suspensions ending (art. 22), agreements ending (agreement art. 14),
    overdue appeal decisions (art. 27). Running it twice changes nothing more.
    City-wide: 系统 or a city-level user (issue 9 §1)."""
    authority.check_city_level(actor, "医保医师夜间作业")
    today = today or local_today()
    summary = {"suspensions": _suspensions_ending(today), "agreements": _agreements_ending(today),
               "overdue_appeals": _overdue_appeals(today)}
    record_bulk(actor=actor, model=Consequence, note=f"医保医师夜间作业 {today}", counts=summary)
    return summary


@acts
@transaction.atomic
def year_end(*, year: int, actor=None) -> dict:
    """Art. 16/21 year end: apply the three-year rule, close the year (history kept); the
    new year then starts at 12 points. The unique year makes a second run a no-op.
    City-wide and locked once written: county users cannot run, change or delete it."""
    authority.check_city_level(actor, "医保医师年度结转")
    closing, created = YearClosing.objects.get_or_create(year=year)
    if not created:
        return {"year": year, "already_closed": True, **closing.summary}
    closed = terminated = 0
    doctor_ids = (selectors.active_deductions().filter(notice_date__year=year)
                  .values_list("doctor", flat=True).distinct())
    for doctor in Doctor.objects.filter(pk__in=list(doctor_ids)):
        points = selectors.year_points(doctor=doctor, year=year)
        _, made = YearScore.objects.get_or_create(
            doctor=doctor, year=year,
            defaults={"points_deducted": points, "changed_at": timezone.now(),
                      "changed_by_event": f"{year}年度结转", "changed_by_ref": f"yearclosing:{closing.pk}"})
        closed += made
        if points >= 9:
            consequences_recompute(doctor=doctor, years=[year], today=dt.date(year + 1, 1, 1))
            terminated += selectors.active_consequences(doctor).filter(
                year=year, rule=Consequence.Rule.THREE_YEARS).count()
    closing.summary = {"doctors_closed": closed, "three_year_terminations": terminated}
    with authority.deriving():
        closing.save()
    record_bulk(actor=actor, model=YearScore, note=f"医保医师{year}年度积分结转",
                counts=closing.summary)
    return {"year": year, "already_closed": False, **closing.summary}
