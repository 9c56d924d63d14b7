"""Appeals (art. 27): filing, decision and corrected decisions (issue 9 §4)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core import audit, authority, workdays
from apps.core.models import AuditEvent

from ..deadlines import appeal_due
from ..models import (
    Appeal,
    AppealCorrection,
    PointDeduction,
)
from ..notices import notify
from ..rules import (
    DECISION_WORKING_DAYS,
    cn,
)
from .base import acts, check_county, local_today
from .consequences import recompute_from_events


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
    check_county(actor, deduction.institution, "add_appeal", "登记申诉")
    appeal_check(deduction=deduction, filed_on=filed_on)
    due = workdays.deadline(filed_on, DECISION_WORKING_DAYS)
    return Appeal.objects.create(deduction=deduction, filed_on=filed_on, decision_due=due.date,
                                 decision_due_provisional=due.provisional)


def appeal_decide_check(*, appeal: Appeal, decision: str | None, decided_on: dt.date | None) -> None:
    """Art. 27: an appeal is decided once (``appeal.decision`` as recorded), upheld or
    rejected, on a stated day; later changes are corrections (``appeal_correct``)."""
    if appeal.pk is not None and appeal.decision != Appeal.Decision.PENDING:
        raise ValidationError("该申诉已作出决定")
    if decision not in (Appeal.Decision.UPHELD, Appeal.Decision.REJECTED):
        raise ValidationError("决定应为申诉成立或维持扣分")
    if decided_on is None:
        raise ValidationError("请填写决定日期")


@acts
@transaction.atomic
def appeal_decide(*, appeal: Appeal, decision: str, decided_on: dt.date, note: str = "",
                  decided_by=None, actor=None) -> Appeal:
    """Art. 27: an upheld appeal removes the deduction and everything derived from it.
    Once decided the appeal is locked; ``appeal_correct`` records a correction."""
    check_county(actor, appeal.deduction.institution, "change_appeal", "作出申诉决定")
    decided_by = decided_by or actor
    appeal.refresh_from_db(fields=["decision"])
    appeal_decide_check(appeal=appeal, decision=decision, decided_on=decided_on)
    appeal.decision, appeal.decided_on = decision, decided_on
    appeal.decision_note, appeal.decided_by = note, decided_by
    appeal.save()
    d = appeal.deduction
    notify(doctor=d.doctor, institutions=[d.institution], channel=d.channel,
            subject="医保医师扣分申诉决定",
            body=f"{d.doctor.name}:您对第{d.item.code}项扣分({cn(d.notice_date)}通知)的申诉,"
                 f"决定:{appeal.get_decision_display()}。{note}",
            source=f"appeal:{appeal.pk}")
    if decision == Appeal.Decision.UPHELD:
        recompute_from_events(doctor=d.doctor, year=d.notice_date.year, today=decided_on,
                              reason=f"第{d.item.code}项扣分经申诉撤销({cn(decided_on)})",
                              ref=f"appeal:{appeal.pk}")
    return appeal


def appeal_correct_check(*, appeal: Appeal, decision: str | None, reason: str | None) -> None:
    """Issue 9 §4: only a decided appeal is corrected, to the other decision, with a reason.
    ``reason`` None: not yet typed (a form checks it separately)."""
    if reason is not None and not reason.strip():
        raise ValidationError("更正申诉决定须填写理由")
    if appeal.decision == Appeal.Decision.PENDING:
        raise ValidationError("该申诉尚未作出决定,请直接作出决定")
    if decision not in (Appeal.Decision.UPHELD, Appeal.Decision.REJECTED):
        raise ValidationError("更正后的决定应为申诉成立或维持扣分")
    if decision == appeal.decision:
        raise ValidationError(f"申诉决定已是“{appeal.get_decision_display()}”")


@acts
@transaction.atomic
def appeal_correct(*, appeal: Appeal, decision: str, reason: str,
                   corrected_on: dt.date | None = None, actor=None) -> AppealCorrection:
    """更正申诉决定 (issue 9 §4): a decided appeal is never edited or deleted; a correction
    with a reason changes the decision in force (the correction row and the appeal's history
    keep the old one) and recomputes the consequences and the year score."""
    check_county(actor, appeal.deduction.institution, "add_appealcorrection", "更正申诉决定")
    reason = (reason or "").strip()
    appeal.refresh_from_db()
    appeal_correct_check(appeal=appeal, decision=decision, reason=reason)
    corrected_on = corrected_on or local_today()
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
    notify(doctor=d.doctor, institutions=[d.institution], channel=d.channel,
            subject="医保医师扣分申诉决定更正",
            body=(f"{d.doctor.name}:您对第{d.item.code}项扣分({cn(d.notice_date)}通知)的申诉决定"
                  f"更正为:{appeal.get_decision_display()}。理由:{reason}"),
            source=f"appeal-correction:{correction.pk}")
    recompute_from_events(doctor=d.doctor, year=d.notice_date.year, today=corrected_on,
                          reason=f"第{d.item.code}项扣分申诉决定更正({cn(corrected_on)}):{reason}",
                          ref=f"appealcorrection:{correction.pk}")
    return correction
