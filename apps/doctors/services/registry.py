"""Agreements, institution events and credit grades (衢医保发〔2020〕64号 arts. 7, 14, 21, 23;
agreement arts. 8, 14)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core import authority, workdays

from .. import selectors
from ..models import (
    Agreement,
    AgreementEvent,
    CreditGrade,
    Doctor,
    Institution,
    InstitutionEvent,
    NoticeChannel,
)
from ..notices import notify
from ..rules import (
    NOTICE_WORKING_DAYS,
    cn,
)
from .base import acts, check_county


def agreement_check(*, doctor: Doctor | None, start: dt.date, end: dt.date | None,
                    name: str | None = None) -> None:
    """Art. 21: no new agreement during a ban (自解除协议之日起); the period ends on or after it
    starts. Each error's ``code`` names the field ("start", "end"); ``name`` replaces the
    doctor's name in the message (an import says “该医师” outside the user's county)."""
    errors = []
    ban = selectors.ban_until(doctor, start) if doctor is not None and doctor.pk else None
    if ban is not None:
        errors.append(ValidationError(
            f"{name or doctor.name}自解除服务协议之日起至{cn(ban)}不得重新签订服务协议(第二十一条)",
            code="start"))
    if end is not None and end < start:
        errors.append(ValidationError(f"协议终止日期{end}早于起始日期{start}", code="end"))
    if errors:
        raise ValidationError(errors)


@acts
@transaction.atomic
def agreement_create(*, doctor: Doctor, institution: Institution, start: dt.date, end: dt.date,
                     accepted_at: dt.datetime | None = None, actor=None) -> Agreement:
    """Art. 7: an electronic agreement per site; refused during a ban (art. 21). A county
    user signs agreements only at their county's institutions (issue 9 §1)."""
    check_county(actor, institution, "add_agreement", "登记医师服务协议")
    agreement_check(doctor=doctor, start=start, end=end)
    agreement, _ = Agreement.objects.get_or_create(
        doctor=doctor, institution=institution, start=start,
        defaults={"end": end, "accepted_at": accepted_at})
    return agreement


@acts
@transaction.atomic
def institution_event_record(*, institution: Institution, kind: str, effective_date: dt.date,
                             reason: str = "", recorded_by=None, actor=None) -> InstitutionEvent:
    """Art. 14: the institution's suspension/termination reaches all its doctors there.
    Recorded by the institution's county (issue 9 §1)."""
    check_county(actor, institution, "add_institutionevent", "登记机构协议变更")
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
        notify(doctor=doctor, institutions=[], channel=NoticeChannel.WRITTEN,
                subject=f"定点医疗机构{event.get_kind_display()}",
                body=f"{doctor.name}:{institution.name}自{cn(effective_date)}起{event.get_kind_display()},"
                     f"您在该机构的医保医师服务协议同时{'恢复' if kind == InstitutionEvent.Kind.RESUMED else event.get_kind_display()[:2]}(第十四条)。",
                source=f"institution-event:{event.pk}:{agreement.pk}")
    return event


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
    check_county(actor, agreement.institution, "add_agreementevent", "登记解除服务协议")
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
