"""Deductions (arts. 2, 12, 17–21, 29) and their voids (issue 9 §4)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core import audit
from apps.core.models import AuditEvent, Notice
from apps.core.notices import queue_notice

from .. import selectors
from ..deadlines import appeal_due
from ..models import (
    Agreement,
    Appeal,
    Consequence,
    DeductionVoid,
    Doctor,
    Institution,
    NoticeChannel,
    PointDeduction,
    ViolationItem,
    YearClosing,
)
from ..notices import TOPIC, notify, until
from ..rules import (
    ARTICLES,
    cn,
    deduction_dates_check,
)
from .base import acts, check_county, local_today
from .consequences import consequences_recompute, recompute_from_events


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


def deduction_site_check(*, doctor: Doctor, institution: Institution, name: str | None = None) -> None:
    """Art. 2: a deduction at an institution needs an agreement of the doctor there."""
    if not Agreement.objects.filter(doctor=doctor, institution=institution).exists():
        raise ValidationError(f"{name or doctor.name}在{institution.name}没有服务协议,不能在该机构扣分",
                              code="institution")


def deduction_check(*, doctor: Doctor, institution: Institution, item: ViolationItem | None,
                    violation_date: dt.date, notice_date: dt.date | None,
                    case_number: str = "") -> None:
    """Every rule a new deduction must meet (service, admin form and import share it):
    in force (art. 29), notified on/after the violation, within an agreement period at the
    institution (art. 2), and not a possible duplicate (arts. 17–20)."""
    deduction_dates_check(violation_date=violation_date, notice_date=notice_date)
    deduction_site_check(doctor=doctor, institution=institution)
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
    check_county(actor, institution, "add_pointdeduction", "登记扣分")
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
    notify(doctor=doctor, institutions=[institution], channel=channel,
            subject=f"医保医师扣分通知({item.code})",
            body=(f"{doctor.name}:您于{cn(violation_date)}在{institution.name}的行为违反"
                  f"《衢州市基本医疗保险协议医师管理暂行办法》第{ARTICLES[item.article]}条第({item.number})项"
                  f"“{item.text}”,扣{item.points}分,{notice_date.year}年度累计扣{total}分。"
                  f"如有异议,可在接到通知后10个工作日内{until(appeal_due, notice_date)}"
                  f"通过所在单位书面提出申诉。"),
            source=f"deduction:{deduction.pk}")
    if YearClosing.objects.filter(year=notice_date.year).exists():
        # A late deduction for a closed year (art. 16): today, not the notice date, is when
        # what it changes is revoked or created.
        recompute_from_events(
            doctor=doctor, year=notice_date.year, today=max(notice_date, local_today()),
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


def deduction_void_check(*, deduction: PointDeduction, reason: str | None) -> None:
    """Issue 9 §4: a void states why, once per deduction, and not for one an upheld appeal
    (art. 27) already removed. ``reason`` None: not yet typed (a form checks it separately)."""
    if reason is not None and not reason.strip():
        raise ValidationError("作废扣分须填写理由")
    if DeductionVoid.objects.filter(deduction=deduction).exists():
        raise ValidationError(f"该扣分({deduction})已作废")
    if deduction.appeals.filter(decision=Appeal.Decision.UPHELD).exists():
        raise ValidationError(f"该扣分({deduction})已经申诉撤销,无需作废")


@acts
@transaction.atomic
def deduction_void(*, deduction: PointDeduction, reason: str, voided_on: dt.date | None = None,
                   actor=None) -> DeductionVoid:
    """作废扣分 (issue 9 §4): a deduction recorded by mistake stops counting; the deduction is
    kept, the void is a new recorded event with a reason, and the consequences and the year
    score are recomputed from the deductions in force. Audited as a void with old values."""
    check_county(actor, deduction.institution, "add_deductionvoid", "作废扣分")
    reason = (reason or "").strip()
    deduction_void_check(deduction=deduction, reason=reason)
    voided_on = voided_on or local_today()
    void = DeductionVoid.objects.create(deduction=deduction, voided_on=voided_on, reason=reason,
                                        recorded_by=actor)
    audit.record(AuditEvent.Action.VOID, actor=actor, obj=deduction, note=f"作废扣分:{reason}",
                 changes={"有效扣分": [deduction.points, 0], "item": [deduction.item.code, None],
                          "notice_date": [str(deduction.notice_date), None]},
                 region=deduction.institution.region_id)
    d = deduction
    notify(doctor=d.doctor, institutions=[d.institution], channel=d.channel,
            subject="医保医师扣分作废通知",
            body=f"{d.doctor.name}:{cn(d.notice_date)}通知的第{d.item.code}项扣{d.points}分已作废:{reason}",
            source=f"deduction-void:{void.pk}")
    recompute_from_events(doctor=d.doctor, year=d.notice_date.year, today=voided_on,
                          reason=f"第{d.item.code}项扣分作废({cn(voided_on)}):{reason}",
                          ref=f"deductionvoid:{void.pk}")
    return void
