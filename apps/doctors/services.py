"""Writes for 医保协议医师 (衢医保发〔2020〕64号): deductions, derived consequences, time rules.

Authority (issue 9): every write service takes ``actor`` (default: the current user, or 系统),
checks it before writing — city level for credit grades, year closings and the nightly job;
the county of the institution concerned for agreements, deductions, appeals, restore
applications and institution events; the app permission for users — and runs inside
``authority.acting_as(actor)`` so the model guard and the audit trail know who acted.
Derived rows (consequences, year scores) are rewritten only inside ``authority.deriving()``.
A mistake in a deduction or a decided appeal is corrected by ``deduction_void`` or
``appeal_correct`` (a new event with a reason), never by an edit or delete.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core import audit, authority, workdays
from apps.core.audit import record_bulk
from apps.core.models import AuditEvent, Notice
from apps.core.notices import queue_notice, queue_notice_once

from . import selectors
from .models import (
    Agreement,
    AgreementEvent,
    Appeal,
    AppealCorrection,
    Consequence,
    CreditGrade,
    DeductionVoid,
    Doctor,
    Institution,
    InstitutionEvent,
    NoticeChannel,
    PointDeduction,
    RestoreApplication,
    ViolationItem,
    YearClosing,
    YearScore,
)

TOPIC = "doctors"
APPEAL_WORKING_DAYS = 10  # art. 27
DECISION_WORKING_DAYS = 30  # art. 27
RESTORE_WORKING_DAYS = 7  # art. 22
PROPOSED_MONTHS = {9: 1, 10: 2, 11: 3}  # art. 21, DOMAIN §4
ARTICLES = {17: "十七", 18: "十八", 19: "十九", 20: "二十"}
IN_FORCE = dt.date(2020, 8, 3)  # art. 29: 本暂行办法自2020年8月3日起实施


def in_force_check(violation_date: dt.date) -> None:
    """Art. 29: conduct before 2020-08-03 is not deducted under this measure."""
    if violation_date < IN_FORCE:
        raise ValidationError(
            f"违规日期{cn(violation_date)}早于《衢州市基本医疗保险协议医师管理暂行办法》"
            f"施行日期{cn(IN_FORCE)},不能按该办法扣分(第二十九条)")


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later (month end when that day does not exist)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_after(first_day: dt.date, months: int) -> dt.date:
    """The first day after a period of ``months`` counted from ``first_day`` itself.

    Art. 21 periods (suspension 1–3 months, ban 1–5 years) run from the first day; the
    period ends the day before the same date ``months`` later, and when that month has no
    such date the month end is the period's last day (民法典 art. 202: 没有对应日的,月末日为
    期间的最后一日): 2020-03-31 + 1 month → last day 04-30, so this returns 05-01.
    """
    same = add_months(first_day, months)
    if same.day == first_day.day:
        return same
    return same + dt.timedelta(days=1)


def _today() -> dt.date:
    return timezone.localdate()


# --- authority ---------------------------------------------------------------------


def acts(func):
    """Resolve ``actor`` (explicit, else the current one, else 系统) and run the service as it."""

    @functools.wraps(func)
    def wrapper(*args, actor=None, **kwargs):
        actor = authority.resolve(actor)
        with authority.acting_as(actor):
            return func(*args, actor=actor, **kwargs)

    return wrapper


def _check_county(actor, institution: Institution, perm: str, what: str) -> None:
    """The actor holds ``doctors.<perm>`` and the institution is in their county (issue 9 §1)."""
    authority.check_permission(actor, f"doctors.{perm}", what)
    authority.check_region(actor, institution.region_id, f"定点医疗机构“{institution.name}”")


# --- notices -----------------------------------------------------------------------


def _notify(*, doctor: Doctor, institutions: list[Institution], channel: str, subject: str,
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


def _sites(doctor: Doctor, on: dt.date) -> list[Institution]:
    return [a.institution for a in selectors.current_agreements(doctor, on)]


# --- registry ----------------------------------------------------------------------


@acts
@transaction.atomic
def agreement_create(*, doctor: Doctor, institution: Institution, start: dt.date, end: dt.date,
                     accepted_at: dt.datetime | None = None, actor=None) -> Agreement:
    """Art. 7: an electronic agreement per site; refused during a ban (art. 21). A county
    user signs agreements only at their county's institutions (issue 9 §1)."""
    _check_county(actor, institution, "add_agreement", "登记医师服务协议")
    ban = selectors.ban_until(doctor, start)
    if ban is not None:
        raise ValidationError(f"{doctor.name}自解除服务协议之日起至{cn(ban)}不得重新签订服务协议(第二十一条)")
    if end < start:
        raise ValidationError(f"协议终止日期{end}早于起始日期{start}")
    agreement, _ = Agreement.objects.get_or_create(
        doctor=doctor, institution=institution, start=start,
        defaults={"end": end, "accepted_at": accepted_at})
    return agreement


# --- deductions and consequences ---------------------------------------------------


def deduction_period_check(*, doctor: Doctor, institution: Institution,
                           violation_date: dt.date, name: str | None = None) -> None:
    """Art. 2: only a 医保医师 is deducted — the violation date must fall within an agreement
    period of the doctor at that institution, from its start to its end or termination (the
    agreement's own, the institution's (art. 14), an art. 21 termination or a D grade
    (art. 23)); a suspended agreement is still within its period. ``name`` replaces the
    doctor's name in the message (an import says “该医师” outside the user's county)."""
    name = name or doctor.name
    ended = []
    for agreement in (Agreement.objects.filter(doctor=doctor, institution=institution,
                                               start__lte=violation_date, end__gte=violation_date)
                      .select_related("doctor", "institution")):
        state = selectors.agreement_state(agreement, violation_date)
        if state.status != selectors.Status.TERMINATED:
            return
        ended.append(state.reason)
    if ended:
        raise ValidationError(
            f"违规日期{violation_date}时{name}在{institution.name}的服务协议已解除({ended[0]}),"
            f"该日不是该机构的医保医师,不能扣分(第二条)")
    periods = "、".join(f"{a.start}至{a.end}" for a in Agreement.objects.filter(
        doctor=doctor, institution=institution).order_by("start")) or "无"
    raise ValidationError(
        f"违规日期{violation_date}不在{name}在{institution.name}的服务协议期间内(协议期间:{periods}),"
        f"该日不是该机构的医保医师,不能扣分(第二条)")


def deduction_existing(*, doctor: Doctor, institution: Institution, item: ViolationItem,
                       violation_date: dt.date, case_number: str = "") -> PointDeduction | None:
    """The recorded deduction this occurrence is: the same doctor, institution, item, day
    and case number (none = none). A re-import finds it and changes nothing."""
    return PointDeduction.objects.filter(
        doctor=doctor, institution=institution, item=item, violation_date=violation_date,
        case_number=(case_number or "").strip()).first()


def deduction_duplicate_check(*, doctor: Doctor, institution: Institution, item: ViolationItem,
                              violation_date: dt.date, case_number: str = "") -> None:
    """Arts. 17–20 deduct “每次” (per violation): a second deduction for the same doctor,
    institution, item and day is refused as a possible duplicate unless both it and every
    recorded one carry their own case number (案件编号)."""
    case_number = (case_number or "").strip()
    same = PointDeduction.objects.filter(doctor=doctor, institution=institution, item=item,
                                         violation_date=violation_date).order_by("id")
    for other in same:
        if other.case_number == case_number:
            numbered = f"案件编号{case_number}" if case_number else "无案件编号"
            raise ValidationError(
                f"该扣分已登记({numbered},{other.notice_date}通知,第{item.code}项,"
                f"违规日期{violation_date}),不能重复扣分")
        if not case_number or not other.case_number:
            raise ValidationError(
                f"已有同一医师、机构、条款和违规日期的扣分(第{item.code}项,违规日期{violation_date},"
                f"{other.notice_date}通知,{f'案件编号{other.case_number}' if other.case_number else '无案件编号'}),"
                f"可能重复;如确为另一次违规,两条扣分须各有自己的案件编号(第十七至二十条“每次”计扣)")


def deduction_check(*, doctor: Doctor, institution: Institution, item: ViolationItem | None,
                    violation_date: dt.date, notice_date: dt.date | None,
                    case_number: str = "") -> None:
    """Every rule a new deduction must meet (service, admin form and import share it):
    in force (art. 29), notified on/after the violation, within an agreement period at the
    institution (art. 2), and not a possible duplicate (arts. 17–20)."""
    in_force_check(violation_date)
    if notice_date is not None and notice_date < violation_date:
        raise ValidationError(f"通知日期{notice_date}早于违规日期{violation_date}")
    if not Agreement.objects.filter(doctor=doctor, institution=institution).exists():
        raise ValidationError(f"{doctor.name}在{institution.name}没有服务协议,不能在该机构扣分")
    deduction_period_check(doctor=doctor, institution=institution, violation_date=violation_date)
    if item is not None:
        deduction_duplicate_check(doctor=doctor, institution=institution, item=item,
                                  violation_date=violation_date, case_number=case_number)


@acts
@transaction.atomic
def deduction_record(*, doctor: Doctor, institution: Institution, item: ViolationItem,
                     violation_date: dt.date, notice_date: dt.date,
                     channel: str = NoticeChannel.WRITTEN, note: str = "", case_number: str = "",
                     recorded_by=None, actor=None) -> PointDeduction:
    """Arts. 12, 17–21: record a deduction, notify, and recompute the year's consequences.
    A county user deducts only at their county's institutions (issue 9 §1). Only a 医保医师
    on the violation date (art. 2); each occurrence once (arts. 17–20, ``case_number``).
    A deduction notified in a closed year counts in that year: its score and every
    consequence (the three-year rule included) are recomputed (art. 16, 21)."""
    _check_county(actor, institution, "add_pointdeduction", "登记扣分")
    recorded_by = recorded_by or actor
    case_number = (case_number or "").strip()
    deduction_check(doctor=doctor, institution=institution, item=item,
                    violation_date=violation_date, notice_date=notice_date,
                    case_number=case_number)
    deduction = PointDeduction.objects.create(
        doctor=doctor, institution=institution, item=item, points=item.points,
        violation_date=violation_date, notice_date=notice_date, channel=channel, note=note,
        case_number=case_number, recorded_by=recorded_by)
    total = selectors.year_points(doctor=doctor, year=notice_date.year)
    _notify(doctor=doctor, institutions=[institution], channel=channel,
            subject=f"医保医师扣分通知({item.code})",
            body=(f"{doctor.name}:您于{cn(violation_date)}在{institution.name}的行为违反"
                  f"《衢州市基本医疗保险协议医师管理暂行办法》第{ARTICLES[item.article]}条第({item.number})项"
                  f"“{item.text}”,扣{item.points}分,{notice_date.year}年度累计扣{total}分。"
                  f"如有异议,可在接到通知后10个工作日内{_until(appeal_due, notice_date)}"
                  f"通过所在单位书面提出申诉。"),
            source=f"deduction:{deduction.pk}")
    if YearClosing.objects.filter(year=notice_date.year).exists():
        # A late deduction for a closed year (art. 16): today, not the notice date, is when
        # what it changes is revoked or created.
        recompute_from_events(
            doctor=doctor, year=notice_date.year, today=max(notice_date, _today()),
            reason=f"补录{notice_date.year}年度第{item.code}项扣分({cn(notice_date)}通知)",
            ref=f"pointdeduction:{deduction.pk}")
    else:
        consequences_recompute(doctor=doctor, years=[notice_date.year], today=notice_date)
    if item.points == 12:
        _flag_later_single_twelve(deduction)
    return deduction


def _flag_later_single_twelve(deduction: PointDeduction) -> None:
    """Art. 21: a single 12-point item notified after the year's termination does not
    terminate again; staff are asked to weigh a longer ban (1–5 years from the termination)."""
    termination = (selectors.active_consequences(deduction.doctor)
                   .filter(year=deduction.notice_date.year, kind=Consequence.Kind.TERMINATION)
                   .exclude(trigger=deduction).first())
    if termination is None:
        return
    queue_notice(channel=Notice.Channel.INTERNAL, recipient="医保经办机构", topic=TOPIC,
                 subject="解除协议后又一次性扣12分",
                 body=(f"{deduction.doctor.name}已自{cn(termination.effective_date)}起解除服务协议"
                       f"(不予签约至{cn(termination.ban_until)}),{cn(deduction.notice_date)}又因第"
                       f"{deduction.item.code}项一次性扣12分:可视情节将不予签约年限调整为自解除之日起"
                       f"1至5年(第二十一条)。"),
                 source=f"single12-after-termination:{deduction.pk}", recipient_kind="工作人员",
                 region=deduction.institution.region)


@dataclass
class _Wanted:
    kind: str
    rule: str
    trigger: PointDeduction
    points: int
    months: int | None = None
    ban_years: int | None = None


def _wanted(doctor: Doctor, year: int) -> dict[str, _Wanted]:
    """Art. 21 bands from the year's deductions in notice order.

    Each band reached brings its consequence: a deduction crossing 6 and 9 at once (5 → 11)
    brings both the interview and the suspension, since the doctor "累计扣分达到6分" as well as
    "达9至11分"; a deduction reaching 12 brings the termination only (the agreements end, so
    no suspension or interview follows). In the third consecutive year with ≥ 9 points the
    9-point band terminates instead of suspending.
    """
    wanted: dict[str, _Wanted] = {}
    three_years = all(selectors.year_points(doctor=doctor, year=y) >= 9 for y in (year - 1, year - 2))
    total = 0
    for d in selectors.active_deductions(doctor).filter(notice_date__year=year).order_by(
            "notice_date", "id"):
        before, total = total, total + d.points
        if before < 12 <= total:
            if Consequence.Kind.TERMINATION not in wanted:
                single = d.points == 12
                wanted[Consequence.Kind.TERMINATION] = _Wanted(
                    Consequence.Kind.TERMINATION,
                    Consequence.Rule.SINGLE_12 if single else Consequence.Rule.BAND_12, d, total,
                    ban_years=1)
            continue
        if before < 9 <= total:
            if three_years and Consequence.Kind.TERMINATION not in wanted:
                wanted[Consequence.Kind.TERMINATION] = _Wanted(
                    Consequence.Kind.TERMINATION, Consequence.Rule.THREE_YEARS, d, total, ban_years=1)
                continue
            wanted[Consequence.Kind.SUSPENSION] = _Wanted(
                Consequence.Kind.SUSPENSION, Consequence.Rule.BAND_9, d, total,
                months=PROPOSED_MONTHS[total])
        if before < 6 <= total:
            wanted[Consequence.Kind.INTERVIEW] = _Wanted(
                Consequence.Kind.INTERVIEW, Consequence.Rule.BAND_6, d, total)
    return wanted


def _until(deadline, day: dt.date, window=None) -> str:
    """“(至X)” or “(X至Y)” for a notice text, “暂定” when a year without an official holiday
    schedule decided the date (it is recomputed, and notified, once the schedule is in)."""
    if window is not None:
        first, last = window(day)
        mark = f",{workdays.PROVISIONAL_LABEL}" if first.provisional or last.provisional else ""
        return f"({cn(first.date)}至{cn(last.date)}{mark})"
    due = deadline(day)
    return f"(至{cn(due.date)}{f',{workdays.PROVISIONAL_LABEL}' if due.provisional else ''})"


def _consequence_text(c: Consequence) -> str:
    head = f"{c.doctor.name}:{c.year}年度累计扣{c.points_at_trigger}分({c.get_rule_display()}),"
    if c.kind == Consequence.Kind.INTERVIEW:
        return head + "医疗保险经办机构将会同定点医疗机构对您进行约谈(第二十一条)。"
    if c.kind == Consequence.Kind.SUSPENSION:
        return head + (f"自{cn(c.effective_date)}起暂停全部医保医师服务协议{c.months}个月,"
                       f"至{cn(c.end_date)}期满;如需恢复,应在期满前7个工作日内"
                       f"{_until(None, c.end_date, restore_deadlines)}"
                       f"通过所在定点医疗机构提交恢复申请及承诺书(第二十二条)。")
    return head + (f"自{cn(c.effective_date)}起解除全部医保医师服务协议,"
                   f"{cn(c.ban_until)}前不得重新签订服务协议(第二十一条)。")


def _create_consequence(doctor: Doctor, year: int, w: _Wanted) -> Consequence:
    effective = w.trigger.notice_date
    c = Consequence(doctor=doctor, year=year, kind=w.kind, rule=w.rule, trigger=w.trigger,
                    points_at_trigger=w.points, effective_date=effective)
    if w.months:
        c.months = w.months
        c.end_date = period_after(effective, w.months)
        _set_restore_window(c)
    if w.ban_years:
        c.ban_years = w.ban_years
        c.ban_until = period_after(effective, 12 * w.ban_years) - dt.timedelta(days=1)
    c.save()
    sites = _sites(doctor, effective)
    _notify(doctor=doctor, institutions=sites, channel=w.trigger.channel,
            subject=f"医保医师{c.get_kind_display()}通知", body=_consequence_text(c),
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
    _notify(doctor=c.doctor, institutions=_sites(c.doctor, c.effective_date),
            channel=c.trigger.channel, subject=f"撤销医保医师{c.get_kind_display()}通知",
            body=f"{c.doctor.name}:原{cn(c.effective_date)}起的{c.get_kind_display()}已撤销:{reason}",
            source=f"consequence-revoked:{c.pk}")


@transaction.atomic
def consequences_recompute(*, doctor: Doctor, years: list[int], today: dt.date | None = None,
                           reason: str = "扣分记录变更,重新计算") -> list[Consequence]:
    """Art. 21: make the recorded consequences match the deductions of each year (and of the
    two following years, which the three-year rule reads)."""
    today = today or _today()
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
    c.ban_until = period_after(c.effective_date, 12) - dt.timedelta(days=1)
    c.adjusted_reason = f"不予签约年限恢复为1年:{reason}"[:300]
    c._change_reason = c.adjusted_reason[:100]
    c.save()
    _notify(doctor=c.doctor, institutions=_sites(c.doctor, c.effective_date),
            channel=c.trigger.channel, subject=f"医保医师{c.get_kind_display()}变更通知",
            body=_consequence_text(c) + f"({c.adjusted_reason})",
            source=f"consequence-adjusted:{c.pk}:{c.history.count()}")
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
        end = period_after(effective, months or c.months)
    if c.kind == Consequence.Kind.TERMINATION:
        ban = period_after(effective, 12 * (ban_years or c.ban_years)) - dt.timedelta(days=1)
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
    if months is not None and (c.kind != Consequence.Kind.SUSPENSION or not 1 <= months <= 3):
        raise ValidationError("暂停服务协议期限为1至3个月(第二十一条)")
    if ban_years is not None and ban_years != c.ban_years and (
            c.kind != Consequence.Kind.TERMINATION or not 1 <= ban_years <= 5
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
    _check_county(actor, consequence.trigger.institution, "change_consequence", "调整扣分处理")
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
        _set_restore_window(c)
    if c.kind == Consequence.Kind.TERMINATION:
        c.ban_until = ban
    c.adjusted_reason = reason[:300]
    c._change_reason = reason[:100]
    with authority.deriving():
        c.save()
    _notify(doctor=c.doctor, institutions=_sites(c.doctor, c.effective_date),
            channel=c.trigger.channel, subject=f"医保医师{c.get_kind_display()}变更通知",
            body=_consequence_text(c) + f"(调整理由:{c.adjusted_reason})",
            source=f"consequence-adjusted:{c.pk}:{c.history.count()}")
    return c


@acts
@transaction.atomic
def interview_record(*, consequence: Consequence, held_on: dt.date, actor=None) -> Consequence:
    """Art. 21: the interview held (by the county whose deduction triggered it)."""
    _check_county(actor, consequence.trigger.institution, "change_consequence", "登记约谈")
    if consequence.revoked_on:
        raise ValidationError(f"该{consequence.get_kind_display()}已于{cn(consequence.revoked_on)}撤销")
    consequence.interview_held_on = held_on
    with authority.deriving():
        consequence.save()
    return consequence


# --- restore applications (art. 22) ------------------------------------------------


def restore_deadlines(end_date: dt.date) -> tuple[workdays.Deadline, workdays.Deadline]:
    """Art. 22: the 7 working days before the suspension ends (the end day not counted),
    each end marked provisional when a year without an official schedule decided it."""
    return (workdays.deadline_before(end_date, RESTORE_WORKING_DAYS),
            workdays.deadline_before(end_date, 1))


def restore_window(end_date: dt.date) -> tuple[dt.date, dt.date]:
    """Art. 22: the 7 working days before the suspension ends (the end day not counted)."""
    first, last = restore_deadlines(end_date)
    return first.date, last.date


def _set_restore_window(c: Consequence) -> None:
    """Store a suspension's restore window as notified (art. 22), with its 暂定 mark."""
    first, last = restore_deadlines(c.end_date)
    c.restore_from, c.restore_until = first.date, last.date
    c.restore_provisional = first.provisional or last.provisional


def restore_check(*, consequence: Consequence, applied_on: dt.date) -> None:
    """Art. 22: refuse an application outside the window, naming the window."""
    if consequence.kind != Consequence.Kind.SUSPENSION or consequence.revoked_on:
        raise ValidationError("只有有效的暂停服务协议处理才能申请恢复")
    first, last = restore_window(consequence.end_date)
    if not first <= applied_on <= last:
        raise ValidationError(
            f"恢复服务协议申请应在暂停期满({cn(consequence.end_date)})前7个工作日内提交,"
            f"即{cn(first)}至{cn(last)};{cn(applied_on)}不在此期间(第二十二条)")
    if consequence.restore_applications.exists():
        raise ValidationError("该暂停处理已有恢复申请")


@acts
@transaction.atomic
def restore_apply(*, consequence: Consequence, applied_on: dt.date,
                  institution: Institution | None = None, recorded_by=None,
                  actor=None) -> RestoreApplication:
    """Art. 22: accepted only within the 7 working days before the suspension ends; filed
    through an institution of the actor's county (issue 9 §1)."""
    restore_check(consequence=consequence, applied_on=applied_on)
    if institution is None:
        sites = _sites(consequence.doctor, applied_on)
        institution = sites[0] if sites else consequence.trigger.institution
    _check_county(actor, institution, "add_restoreapplication", "登记恢复协议申请")
    recorded_by = recorded_by or actor
    return RestoreApplication.objects.create(consequence=consequence, institution=institution,
                                             applied_on=applied_on, recorded_by=recorded_by)


# --- appeals (art. 27) -------------------------------------------------------------


def appeal_due(notice_date: dt.date) -> workdays.Deadline:
    """Art. 27: the 10th working day after the notice (the notice day not counted), marked
    provisional when a year without an official holiday schedule decided it."""
    return workdays.deadline(notice_date, APPEAL_WORKING_DAYS)


def appeal_deadline(notice_date: dt.date) -> dt.date:
    """Art. 27: the 10th working day after the notice (the notice day not counted)."""
    return appeal_due(notice_date).date


def appeal_check(*, deduction: PointDeduction, filed_on: dt.date) -> None:
    """Art. 27: refuse an appeal filed after the 10th working day, naming that day.

    A last day in a year without an official holiday schedule is applied as computed and
    named “暂定” in the refusal."""
    due = appeal_due(deduction.notice_date)
    last = due.date
    if filed_on < deduction.notice_date:
        raise ValidationError(f"申诉日期{cn(filed_on)}早于扣分通知日期{cn(deduction.notice_date)}")
    if filed_on > last:
        raise ValidationError(
            f"申诉已超过期限:扣分通知日期为{cn(deduction.notice_date)},应在接到通知后10个工作日内"
            f"即{workdays.label(last, due.provisional)}前提出(第二十七条)")
    if deduction.appeals.exists():
        raise ValidationError(f"该扣分({deduction})已有申诉")


@acts
@transaction.atomic
def appeal_file(*, deduction: PointDeduction, filed_on: dt.date, recorded_by=None,
                actor=None) -> Appeal:
    """Art. 27: an appeal within 10 working days of the notice; decision due in 30.
    Registered by the county of the deducting institution (issue 9 §1)."""
    _check_county(actor, deduction.institution, "add_appeal", "登记申诉")
    appeal_check(deduction=deduction, filed_on=filed_on)
    due = workdays.deadline(filed_on, DECISION_WORKING_DAYS)
    return Appeal.objects.create(deduction=deduction, filed_on=filed_on, decision_due=due.date,
                                 decision_due_provisional=due.provisional)


@acts
@transaction.atomic
def appeal_decide(*, appeal: Appeal, decision: str, decided_on: dt.date, note: str = "",
                  decided_by=None, actor=None) -> Appeal:
    """Art. 27: an upheld appeal removes the deduction and everything derived from it.
    Once decided the appeal is locked; ``appeal_correct`` records a correction."""
    _check_county(actor, appeal.deduction.institution, "change_appeal", "作出申诉决定")
    decided_by = decided_by or actor
    appeal.refresh_from_db(fields=["decision"])
    if appeal.decision != Appeal.Decision.PENDING:
        raise ValidationError("该申诉已作出决定")
    if decision not in (Appeal.Decision.UPHELD, Appeal.Decision.REJECTED):
        raise ValidationError("决定应为申诉成立或维持扣分")
    appeal.decision, appeal.decided_on = decision, decided_on
    appeal.decision_note, appeal.decided_by = note, decided_by
    appeal.save()
    d = appeal.deduction
    _notify(doctor=d.doctor, institutions=[d.institution], channel=d.channel,
            subject="医保医师扣分申诉决定",
            body=f"{d.doctor.name}:您对第{d.item.code}项扣分({cn(d.notice_date)}通知)的申诉,"
                 f"决定:{appeal.get_decision_display()}。{note}",
            source=f"appeal:{appeal.pk}")
    if decision == Appeal.Decision.UPHELD:
        recompute_from_events(doctor=d.doctor, year=d.notice_date.year, today=decided_on,
                              reason=f"第{d.item.code}项扣分经申诉撤销({cn(decided_on)})",
                              ref=f"appeal:{appeal.pk}")
    return appeal


# --- corrections: voids and corrected decisions (issue 9 §4) ------------------------


def _year_score_recompute(doctor: Doctor, year: int, reason: str, ref: str = "") -> YearScore | None:
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
    _year_score_recompute(doctor, year, reason, ref)


@acts
@transaction.atomic
def deduction_void(*, deduction: PointDeduction, reason: str, voided_on: dt.date | None = None,
                   actor=None) -> DeductionVoid:
    """作废扣分 (issue 9 §4): a deduction recorded by mistake stops counting; the deduction is
    kept, the void is a new recorded event with a reason, and the consequences and the year
    score are recomputed from the deductions in force. Audited as a void with old values."""
    _check_county(actor, deduction.institution, "add_deductionvoid", "作废扣分")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("作废扣分须填写理由")
    if DeductionVoid.objects.filter(deduction=deduction).exists():
        raise ValidationError(f"该扣分({deduction})已作废")
    if deduction.appeals.filter(decision=Appeal.Decision.UPHELD).exists():
        raise ValidationError(f"该扣分({deduction})已经申诉撤销,无需作废")
    voided_on = voided_on or _today()
    void = DeductionVoid.objects.create(deduction=deduction, voided_on=voided_on, reason=reason,
                                        recorded_by=actor)
    audit.record(AuditEvent.Action.VOID, actor=actor, obj=deduction, note=f"作废扣分:{reason}",
                 changes={"有效扣分": [deduction.points, 0], "item": [deduction.item.code, None],
                          "notice_date": [str(deduction.notice_date), None]},
                 region=deduction.institution.region_id)
    d = deduction
    _notify(doctor=d.doctor, institutions=[d.institution], channel=d.channel,
            subject="医保医师扣分作废通知",
            body=f"{d.doctor.name}:{cn(d.notice_date)}通知的第{d.item.code}项扣{d.points}分已作废:{reason}",
            source=f"deduction-void:{void.pk}")
    recompute_from_events(doctor=d.doctor, year=d.notice_date.year, today=voided_on,
                          reason=f"第{d.item.code}项扣分作废({cn(voided_on)}):{reason}",
                          ref=f"deductionvoid:{void.pk}")
    return void


@acts
@transaction.atomic
def appeal_correct(*, appeal: Appeal, decision: str, reason: str,
                   corrected_on: dt.date | None = None, actor=None) -> AppealCorrection:
    """更正申诉决定 (issue 9 §4): a decided appeal is never edited or deleted; a correction
    with a reason changes the decision in force (the correction row and the appeal's history
    keep the old one) and recomputes the consequences and the year score."""
    _check_county(actor, appeal.deduction.institution, "add_appealcorrection", "更正申诉决定")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("更正申诉决定须填写理由")
    appeal.refresh_from_db()
    if appeal.decision == Appeal.Decision.PENDING:
        raise ValidationError("该申诉尚未作出决定,请直接作出决定")
    if decision not in (Appeal.Decision.UPHELD, Appeal.Decision.REJECTED):
        raise ValidationError("更正后的决定应为申诉成立或维持扣分")
    if decision == appeal.decision:
        raise ValidationError(f"申诉决定已是“{appeal.get_decision_display()}”")
    corrected_on = corrected_on or _today()
    old = appeal.decision
    correction = AppealCorrection.objects.create(
        appeal=appeal, old_decision=old, new_decision=decision, corrected_on=corrected_on,
        reason=reason, recorded_by=actor)
    appeal.decision = decision
    appeal._change_reason = f"更正:{reason}"[:100]
    with authority.deriving():
        appeal.save()
    d = appeal.deduction
    audit.record(AuditEvent.Action.VOID, actor=actor, obj=appeal, note=f"更正申诉决定:{reason}",
                 changes={"decision": [old, decision]}, region=d.institution.region_id)
    _notify(doctor=d.doctor, institutions=[d.institution], channel=d.channel,
            subject="医保医师扣分申诉决定更正",
            body=(f"{d.doctor.name}:您对第{d.item.code}项扣分({cn(d.notice_date)}通知)的申诉决定"
                  f"更正为:{appeal.get_decision_display()}。理由:{reason}"),
            source=f"appeal-correction:{correction.pk}")
    recompute_from_events(doctor=d.doctor, year=d.notice_date.year, today=corrected_on,
                          reason=f"第{d.item.code}项扣分申诉决定更正({cn(corrected_on)}):{reason}",
                          ref=f"appealcorrection:{correction.pk}")
    return correction


# --- institutions, agreements, credit ----------------------------------------------


@acts
@transaction.atomic
def institution_event_record(*, institution: Institution, kind: str, effective_date: dt.date,
                             reason: str = "", recorded_by=None, actor=None) -> InstitutionEvent:
    """Art. 14: the institution's suspension/termination reaches all its doctors there.
    Recorded by the institution's county (issue 9 §1)."""
    _check_county(actor, institution, "add_institutionevent", "登记机构协议变更")
    recorded_by = recorded_by or actor
    event = InstitutionEvent.objects.create(institution=institution, kind=kind,
                                            effective_date=effective_date, reason=reason,
                                            recorded_by=recorded_by)
    for agreement in Agreement.objects.filter(institution=institution, start__lte=effective_date,
                                              end__gte=effective_date).select_related("doctor"):
        doctor = agreement.doctor
        if kind == InstitutionEvent.Kind.RESUMED and selectors.agreement_state(
                agreement, effective_date).status == selectors.Status.TERMINATED:
            continue  # ended with the institution's termination: not revived (art. 14)
        _notify(doctor=doctor, institutions=[], channel=NoticeChannel.WRITTEN,
                subject=f"定点医疗机构{event.get_kind_display()}",
                body=f"{doctor.name}:{institution.name}自{cn(effective_date)}起{event.get_kind_display()},"
                     f"您在该机构的医保医师服务协议同时{'恢复' if kind == InstitutionEvent.Kind.RESUMED else event.get_kind_display()[:2]}(第十四条)。",
                source=f"institution-event:{event.pk}:{agreement.pk}")
    return event


NOTICE_WORKING_DAYS = 15  # agreement art. 8


@acts
@transaction.atomic
def agreement_notice_to_end(*, agreement: Agreement, given_on: dt.date,
                            ends_on: dt.date | None = None, reason: str = "",
                            recorded_by=None, actor=None) -> AgreementEvent:
    """Agreement art. 8: ending needs 15 working days' notice (the notice day not counted).

    ``ends_on`` is the first day no longer in force (default: the earliest allowed); a
    date after the period end means the agreement simply is not renewed (art. 14).
    Recorded by the institution's county (issue 9 §1).
    """
    _check_county(actor, agreement.institution, "add_agreementevent", "登记解除服务协议")
    recorded_by = recorded_by or actor
    computed = workdays.deadline(given_on, NOTICE_WORKING_DAYS)
    earliest = computed.date
    provisional = ends_on is None and computed.provisional
    ends_on = ends_on or earliest
    if ends_on < earliest:
        raise ValidationError(f"解除服务协议须提前15个工作日通知:{cn(given_on)}通知的,"
                              f"最早自{cn(earliest)}起解除(协议第八条)")
    notice = AgreementEvent.objects.create(agreement=agreement, kind=AgreementEvent.Kind.NOTICE_TO_END,
                                           effective_date=given_on, reason=reason,
                                           recorded_by=recorded_by)
    if ends_on <= agreement.end:
        AgreementEvent.objects.create(agreement=agreement, kind=AgreementEvent.Kind.TERMINATED,
                                      effective_date=ends_on, reason=reason or "提前通知解除",
                                      recorded_by=recorded_by, provisional=provisional)
    return notice


@acts
@transaction.atomic
def credit_grade_set(*, doctor: Doctor, grade: str, effective_date: dt.date, source: str = "",
                     recorded_by=None, actor=None) -> CreditGrade:
    """Art. 23: C → key supervision; D → qualification revoked, claims not payable.
    Credit grades are city-wide: county users only read them (issue 9 §1)."""
    authority.check_city_level(actor, "医保信用等级")
    authority.check_permission(actor, "doctors.add_creditgrade", "登记医保信用等级")
    recorded_by = recorded_by or actor
    return CreditGrade.objects.create(doctor=doctor, grade=grade, effective_date=effective_date,
                                      source=source, recorded_by=recorded_by)


# --- jobs --------------------------------------------------------------------------


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
        counts[outcome] += 1
        text = (f"{c.doctor.name}:暂停期满,自{cn(c.end_date)}起恢复医保医师服务协议(第二十二条)。"
                if outcome == Consequence.Outcome.RESUMED else
                f"{c.doctor.name}:暂停期满前未提出恢复申请,暂停期限自动延长至协议期满后解除协议(第二十二条)。")
        _notify(doctor=c.doctor, institutions=_sites(c.doctor, c.end_date),
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
    today = today or _today()
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


# --- the working-day calendar changes (issue 10) -----------------------------------


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
        _set_restore_window(c)
        if (c.restore_from, c.restore_until, c.restore_provisional) == old:
            continue
        c._change_reason = reason[:100]
        c.save(update_fields=["restore_from", "restore_until", "restore_provisional"])
        before = (f"{workdays.label(old[0], False)}至{workdays.label(old[1], old[2])}"
                  if old[0] else None)
        after = (f"{workdays.label(c.restore_from, False)}"
                 f"至{workdays.label(c.restore_until, c.restore_provisional)}")
        records[c.pk] = {"restore_window": [before, after]}
        if old[0] is None or old[:2] == (c.restore_from, c.restore_until):
            continue  # never notified (stored from now on), or only the 暂定 mark went
        moved += 1
        _notify(doctor=c.doctor, institutions=_sites(c.doctor, today), channel=c.trigger.channel,
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
        _notify(doctor=a.doctor, institutions=[a.institution], channel=NoticeChannel.WRITTEN,
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
    today = today or _today()
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
