"""Art. 21 consequences derived from the deductions, their adjustment by staff, interviews
(art. 21), restore applications (art. 22) and the closed years' scores (art. 16)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core import audit, authority
from apps.core.models import AuditEvent, Notice
from apps.core.notices import queue_notice

from .. import rules, selectors
from ..deadlines import restore_deadlines, restore_window
from ..models import (
    Agreement,
    Consequence,
    ConsequenceEvent,
    Doctor,
    Institution,
    PointDeduction,
    RestoreApplication,
    YearClosing,
    YearScore,
)
from ..notices import TOPIC, consequence_text, doctor_sites, key, notify
from ..rules import (
    cn,
)
from .base import acts, check_county, local_today


@dataclass
class _Wanted:
    kind: str
    rule: str
    trigger: PointDeduction
    points: int
    months: int | None = None
    ban_years: int | None = None


def _wanted(doctor: Doctor, year: int) -> dict[str, _Wanted]:
    """Art. 21 bands (``rules.bands``) from the year's deductions in force, in notice order;
    the three-year rule reads the two years before."""
    deductions = list(selectors.active_deductions(doctor).filter(notice_date__year=year)
                      .order_by("notice_date", "id"))
    three_years = rules.three_years(selectors.year_points(doctor=doctor, year=y)
                                    for y in (year - 1, year - 2))
    return {kind: _Wanted(band.kind, band.rule, deductions[band.trigger], band.points,
                          months=band.months, ban_years=band.ban_years)
            for kind, band in rules.bands([d.points for d in deductions],
                                          three_years=three_years).items()}


def consequence_event(c: Consequence, kind: str, *, reason: str = "", on: dt.date | None = None,
                      ) -> ConsequenceEvent:
    """Append the change just saved on ``c`` (issue 14 §2): the state it left, why, who."""
    actor = authority.current_actor()
    return ConsequenceEvent.objects.create(
        consequence=c, kind=kind, effective_date=c.effective_date, months=c.months,
        end_date=c.end_date, ban_years=c.ban_years, ban_until=c.ban_until, on=on,
        reason=reason[:300], recorded_by=actor if getattr(actor, "pk", None) else None)


def _create_consequence(doctor: Doctor, year: int, w: _Wanted) -> Consequence:
    effective = w.trigger.notice_date
    c = Consequence(doctor=doctor, year=year, kind=w.kind, rule=w.rule, trigger=w.trigger,
                    points_at_trigger=w.points, effective_date=effective)
    if w.months:
        c.months = w.months
        c.end_date = rules.suspension_end(effective, w.months)
        restore_window_store(c)
    if w.ban_years:
        c.ban_years = w.ban_years
        c.ban_until = rules.ban_end(effective, w.ban_years)
    c.save()
    consequence_event(c, ConsequenceEvent.Kind.CREATED, reason=c.get_rule_display())
    sites = doctor_sites(doctor, effective)
    notify(doctor=doctor, institutions=sites, channel=w.trigger.channel,
            subject=f"医保医师{c.get_kind_display()}通知", body=consequence_text(c),
            source=f"consequence:{c.pk}")
    if c.rule in (Consequence.Rule.BAND_12, Consequence.Rule.SINGLE_12):
        _notify_agencies(c, sites)
    return c


def _notify_agencies(c: Consequence, sites: list[Institution]) -> None:
    """Art. 16: a cross-region multi-site doctor reaching 12 points — the city agency tells
    each region's agency concerned to act (one internal notice per region)."""
    regions = {site.region_id: site.region for site in sites}
    if len(regions) < 2:
        return
    names = "、".join(site.name for site in sites)
    for region in regions.values():
        queue_notice(channel=Notice.Channel.INTERNAL, recipient=f"{region.name}医疗保险经办机构",
                     topic=TOPIC, subject="跨统筹区医保医师累计扣分达12分",
                     body=(f"市级医疗保险经办机构通知:跨统筹区多点执业医师{c.doctor.name}"
                           f"({c.doctor.certificate_number}){c.year}年度累计扣{c.points_at_trigger}分,"
                           f"自{cn(c.effective_date)}起解除其在{names}的服务协议,请按规定作出处理"
                           f"(第十六条、第二十一条)。"),
                     source=f"consequence-city:{c.pk}", recipient_kind="医疗保险经办机构",
                     region=region)


def _revoke(c: Consequence, *, today: dt.date, reason: str) -> None:
    c.revoked_on = today
    c.revoked_reason = reason[:300]
    c._change_reason = reason[:100]
    c.save()
    consequence_event(c, ConsequenceEvent.Kind.REVOKED, reason=reason, on=today)
    notify(doctor=c.doctor, institutions=doctor_sites(c.doctor, c.effective_date),
            channel=c.trigger.channel, subject=f"撤销医保医师{c.get_kind_display()}通知",
            body=f"{c.doctor.name}:原{cn(c.effective_date)}起的{c.get_kind_display()}已撤销:{reason}",
            source=f"consequence-revoked:{c.pk}")


@transaction.atomic
def consequences_recompute(*, doctor: Doctor, years: list[int], today: dt.date | None = None,
                           reason: str = "扣分记录变更,重新计算") -> list[Consequence]:
    """Art. 21: make the recorded consequences match the deductions of each year (and of the
    two following years, which the three-year rule reads)."""
    today = today or local_today()
    touched: list[Consequence] = []
    with authority.deriving():
        _recompute_years(doctor, years, today, reason, touched)
    return touched


def _recompute_years(doctor: Doctor, years: list[int], today: dt.date, reason: str,
                     touched: list[Consequence]) -> None:
    for year in sorted({y + k for y in years for k in (0, 1, 2)}):
        wanted = _wanted(doctor, year)
        existing = {c.kind: c for c in selectors.active_consequences(doctor).filter(year=year)}
        for kind, c in existing.items():
            w = wanted.get(kind)
            if w is None or w.trigger.pk != c.trigger_id or w.rule != c.rule:
                _revoke(c, today=today, reason=reason)
                touched.append(c)
        for kind, w in wanted.items():
            c = existing.get(kind)
            if c is not None and w.trigger.pk == c.trigger_id and w.rule == c.rule:
                if _reset_unfounded_ban(c, reason=reason):
                    touched.append(c)
                continue
            touched.append(_create_consequence(doctor, year, w))


def _reset_unfounded_ban(c: Consequence, *, reason: str) -> bool:
    """A ban lengthened for a single 12-point item returns to 1 year when no such item
    remains in force that year (e.g. it was removed on appeal) (art. 21)."""
    if c.kind != Consequence.Kind.TERMINATION or (c.ban_years or 1) <= 1:
        return False
    if single_twelve_items(c).exists():
        return False
    c.ban_years = 1
    c.ban_until = rules.ban_end(c.effective_date, 1)
    c.adjusted_reason = f"不予签约年限恢复为1年:{reason}"[:300]
    c._change_reason = c.adjusted_reason[:100]
    c.save()
    event = consequence_event(c, ConsequenceEvent.Kind.BAN_RESET, reason=c.adjusted_reason)
    notify(doctor=c.doctor, institutions=doctor_sites(c.doctor, c.effective_date),
            channel=c.trigger.channel, subject=f"医保医师{c.get_kind_display()}变更通知",
            body=consequence_text(c) + f"({c.adjusted_reason})",
            source=key("consequence-adjusted", c.pk, event.pk))
    return True


def single_twelve_items(consequence: Consequence) -> QuerySet[PointDeduction]:
    """The year's single 12-point deductions in force (art. 17 items, "一次性扣12分")."""
    return (selectors.active_deductions(consequence.doctor)
            .filter(notice_date__year=consequence.year, points=12).order_by("notice_date", "id"))


def _adjusted(c: Consequence, *, months: int | None, ban_years: int | None,
              effective_date: dt.date | None) -> tuple[dt.date, dt.date | None, dt.date | None]:
    """(effective date, suspension end, ban end) after an adjustment."""
    effective = effective_date or c.effective_date
    end = ban = None
    if c.kind == Consequence.Kind.SUSPENSION:
        end = rules.suspension_end(effective, months or c.months)
    if c.kind == Consequence.Kind.TERMINATION:
        ban = rules.ban_end(effective, ban_years or c.ban_years)
    return effective, end, ban


def consequence_adjust_check(*, consequence: Consequence, reason: str, months: int | None = None,
                             ban_years: int | None = None,
                             effective_date: dt.date | None = None) -> None:
    """Art. 21 limits on staff adjustments and the facts a moved date must still fit.

    - Suspension 1–3 months; a date no earlier than the trigger's notice date.
    - Ban 1–5 years when the year holds a single 12-point item (一次性扣12分) — the one that
      terminated, or one notified after a termination that year: that later item cannot
      terminate again (the agreements have ended; each band applies once a year), but its
      severity may lengthen the ban, still counted from the termination day
      (自解除协议之日起). Any other termination keeps the fixed 1-year ban.
    - A moved date moves what depends on it (suspension end and restore window, ban end);
      it is refused when a recorded fact would no longer fit: the consequence is revoked,
      the suspension's end has been processed, a restore application falls outside the new
      window, the suspension would start on/after the year's termination, the interview was
      held before the new date, or the new ban would cover an agreement signed after it.
    """
    c = consequence
    if not (reason or "").strip():
        raise ValidationError("调整处理须填写理由")
    if c.revoked_on:
        raise ValidationError(f"该{c.get_kind_display()}已于{cn(c.revoked_on)}撤销,不能调整")
    if effective_date is not None and effective_date < c.trigger.notice_date:
        raise ValidationError(f"生效日期不得早于扣分通知日期{c.trigger.notice_date}")
    if months is not None and (c.kind != Consequence.Kind.SUSPENSION
                               or not rules.suspension_length_allowed(months)):
        raise ValidationError("暂停服务协议期限为1至3个月(第二十一条)")
    if ban_years is not None and ban_years != c.ban_years and (
            c.kind != Consequence.Kind.TERMINATION or not rules.ban_length_allowed(ban_years)
            or not single_twelve_items(c).exists()):
        raise ValidationError("一次性扣12分的,不予签约年限为1至5年;其他情形为1年(第二十一条)")
    effective, end, ban = _adjusted(c, months=months, ban_years=ban_years,
                                    effective_date=effective_date)
    if c.kind == Consequence.Kind.SUSPENSION:
        if c.outcome:
            raise ValidationError(f"暂停已于{cn(c.outcome_date)}期满处理({c.get_outcome_display()}),"
                                  f"不能再调整生效日期或期限")
        termination = selectors.active_consequences(c.doctor).filter(
            year=c.year, kind=Consequence.Kind.TERMINATION, effective_date__lte=effective).first()
        if termination is not None:
            raise ValidationError(f"暂停生效日期{cn(effective)}不得晚于同年度解除服务协议的生效日期"
                                  f"{cn(termination.effective_date)}")
        application = c.restore_applications.first()
        if application is not None:
            first, last = restore_window(end)
            if not first <= application.applied_on <= last:
                raise ValidationError(
                    f"调整后暂停至{cn(end)}期满,恢复申请期间为{cn(first)}至{cn(last)};"
                    f"已于{cn(application.applied_on)}提交的恢复申请不在此期间,不能调整(第二十二条)")
    if c.kind == Consequence.Kind.INTERVIEW and c.interview_held_on and c.interview_held_on < effective:
        raise ValidationError(f"约谈已于{cn(c.interview_held_on)}进行,生效日期不得晚于约谈日期")
    if c.kind == Consequence.Kind.TERMINATION:
        signed = (Agreement.objects.filter(doctor=c.doctor, start__gt=effective, start__lte=ban)
                  .select_related("institution").first())
        if signed is not None:
            raise ValidationError(f"调整后{cn(ban)}前不得签订服务协议,但已有{signed.institution.name}"
                                  f"自{cn(signed.start)}起的服务协议,不能调整(第二十一条)")


@acts
@transaction.atomic
def consequence_adjust(*, consequence: Consequence, reason: str, months: int | None = None,
                       ban_years: int | None = None, effective_date: dt.date | None = None,
                       by=None, actor=None) -> Consequence:
    """Art. 21: staff may set 1–3 months, a 1–5-year ban for a single 12, or a later date;
    the suspension end (and so the restore window) or the ban end moves with it.

    The consequence is a derived, locked row: this recorded adjustment (reason, history,
    audit) is the only way staff change it, by the county whose deduction triggered it."""
    actor = authority.resolve(by) if by is not None else actor
    check_county(actor, consequence.trigger.institution, "change_consequence", "调整扣分处理")
    consequence_adjust_check(consequence=consequence, reason=reason, months=months,
                             ban_years=ban_years, effective_date=effective_date)
    c = consequence
    c.effective_date, end, ban = _adjusted(c, months=months, ban_years=ban_years,
                                           effective_date=effective_date)
    if months is not None:
        c.months = months
    if ban_years is not None:
        c.ban_years = ban_years
    if c.kind == Consequence.Kind.SUSPENSION:
        c.end_date = end
        restore_window_store(c)
    if c.kind == Consequence.Kind.TERMINATION:
        c.ban_until = ban
    c.adjusted_reason = reason[:300]
    c._change_reason = reason[:100]
    with authority.deriving():
        c.save()
        event = consequence_event(c, ConsequenceEvent.Kind.ADJUSTED, reason=c.adjusted_reason)
    notify(doctor=c.doctor, institutions=doctor_sites(c.doctor, c.effective_date),
            channel=c.trigger.channel, subject=f"医保医师{c.get_kind_display()}变更通知",
            body=consequence_text(c) + f"(调整理由:{c.adjusted_reason})",
            source=key("consequence-adjusted", c.pk, event.pk))
    return c


@acts
@transaction.atomic
def interview_record(*, consequence: Consequence, held_on: dt.date, actor=None) -> Consequence:
    """Art. 21: the interview held (by the county whose deduction triggered it)."""
    check_county(actor, consequence.trigger.institution, "change_consequence", "登记约谈")
    if consequence.revoked_on:
        raise ValidationError(f"该{consequence.get_kind_display()}已于{cn(consequence.revoked_on)}撤销")
    consequence.interview_held_on = held_on
    with authority.deriving():
        consequence.save()
        consequence_event(consequence, ConsequenceEvent.Kind.INTERVIEW_HELD, on=held_on)
    return consequence


def restore_window_store(c: Consequence) -> None:
    """Store a suspension's restore window as notified (art. 22), with its 暂定 mark."""
    first, last = restore_deadlines(c.end_date)
    c.restore_from, c.restore_until = first.date, last.date
    c.restore_provisional = first.provisional or last.provisional


def restore_check(*, consequence: Consequence, applied_on: dt.date, commitment: bool = True) -> None:
    """Art. 22: refuse an application outside the window, naming the window, or without
    the conduct commitment (承诺书)."""
    if consequence.kind != Consequence.Kind.SUSPENSION or consequence.revoked_on:
        raise ValidationError("只有有效的暂停服务协议处理才能申请恢复")
    first, last = restore_window(consequence.end_date)
    if not first <= applied_on <= last:
        raise ValidationError(
            f"恢复服务协议申请应在暂停期满({cn(consequence.end_date)})前7个工作日内提交,"
            f"即{cn(first)}至{cn(last)};{cn(applied_on)}不在此期间(第二十二条)")
    if consequence.restore_applications.exists():
        raise ValidationError("该暂停处理已有恢复申请")
    if not commitment:
        raise ValidationError("须同时提交规范医疗服务行为承诺书(第二十二条)")


@acts
@transaction.atomic
def restore_apply(*, consequence: Consequence, applied_on: dt.date,
                  institution: Institution | None = None, commitment: bool = True,
                  recorded_by=None, actor=None) -> RestoreApplication:
    """Art. 22: accepted only within the 7 working days before the suspension ends; filed
    through an institution of the actor's county (issue 9 §1)."""
    restore_check(consequence=consequence, applied_on=applied_on, commitment=commitment)
    if institution is None:
        sites = doctor_sites(consequence.doctor, applied_on)
        institution = sites[0] if sites else consequence.trigger.institution
    check_county(actor, institution, "add_restoreapplication", "登记恢复协议申请")
    recorded_by = recorded_by or actor
    return RestoreApplication.objects.create(consequence=consequence, institution=institution,
                                             applied_on=applied_on, commitment=commitment,
                                             recorded_by=recorded_by)


def year_score_recompute(doctor: Doctor, year: int, reason: str, ref: str = "") -> YearScore | None:
    """Art. 16: a closed year's score follows the deductions still in force, in the same
    transaction as the event that changed them; the row keeps its history (simple-history),
    names that event (``changed_by_event``, ``changed_by_ref``) and the change is audited.

    The score is a city-wide derived row: it is rewritten as 系统 inside ``deriving()``
    whoever's (already checked) event caused it, so a county clerk's void still reaches it."""
    if not YearClosing.objects.filter(year=year).exists():
        return None
    points = selectors.year_points(doctor=doctor, year=year)
    score = YearScore.objects.filter(doctor=doctor, year=year).first()
    if score is None and not points:
        return None
    if score is not None and score.points_deducted == points:
        return score
    old = score.points_deducted if score is not None else None
    actor = authority.current_actor()
    with authority.acting_as(None), authority.deriving():
        if score is None:
            score = YearScore(doctor=doctor, year=year, points_deducted=points)
        score.points_deducted = points
        score.changed_at = timezone.now()
        score.changed_by_event = reason[:300]
        score.changed_by_ref = ref[:60]
        score._change_reason = reason[:100]
        score.save()
    audit.record(AuditEvent.Action.UPDATE if old is not None else AuditEvent.Action.CREATE,
                 actor=actor, obj=score, note=f"{year}年度扣分重新计算:{reason}"[:200],
                 changes={"points_deducted": [old, points], "changed_by": [None, ref]})
    return score


def recompute_from_events(*, doctor: Doctor, year: int, today: dt.date, reason: str,
                          ref: str = "") -> None:
    """Recompute what depends on the year's deductions: the consequences (that year and the
    two the three-year rule reads) and, for closed years, the year score."""
    consequences_recompute(doctor=doctor, years=[year], today=today, reason=reason)
    year_score_recompute(doctor, year, reason, ref)
