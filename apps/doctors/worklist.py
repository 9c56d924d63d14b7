"""今日待办 items of the 医保医师 module (衢医保发〔2020〕64号 arts. 21, 22, 27; issue 12 §2).

A county user counts only what their county acts on (issue 9 §1): an interview is
recorded by the county whose deduction reached the band (``services.interview_record``), a
restore application is filed through an institution where the doctor practises
(``services.restore_apply``), an appeal is decided by the county of the deducting
institution (``services.appeal_decide``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.core import roles
from apps.core.worklist import WORKING, Item, register

from .models import Agreement, Appeal, Consequence


def interviews_due(user, today: dt.date) -> QuerySet[Consequence]:
    """Art. 21: 累计扣分达6分 → 约谈; this year's interviews in force not yet recorded as held
    (the rule of ``selectors.interview_due``)."""
    rows = Consequence.objects.filter(kind=Consequence.Kind.INTERVIEW, revoked_on__isnull=True,
                                      interview_held_on__isnull=True, year=today.year,
                                      effective_date__lte=today)
    region = roles.user_region(user)
    return rows if region is None else rows.filter(trigger__institution__region=region)


def restore_window_open(user, today: dt.date) -> QuerySet[Consequence]:
    """Art. 22: suspensions whose restore window (the 7 working days before the suspension
    ends) is open today and no application is on record yet."""
    rows = Consequence.objects.filter(
        kind=Consequence.Kind.SUSPENSION, revoked_on__isnull=True, outcome="",
        restore_from__lte=today, restore_until__gte=today, restore_applications__isnull=True)
    region = roles.user_region(user)
    if region is None:
        return rows
    return rows.filter(Exists(Agreement.objects.filter(doctor=OuterRef("doctor"),
                                                       institution__region=region)))


def appeals_pending(user, today: dt.date) -> QuerySet[Appeal]:
    """Art. 27: appeals awaiting the agency's decision (due 30 working days after receipt)."""
    rows = Appeal.objects.filter(decision=Appeal.Decision.PENDING)
    region = roles.user_region(user)
    return rows if region is None else rows.filter(deduction__institution__region=region)


register(Item(key="doctors.interviews", label="待约谈的医保医师", order=30,
              permission="doctors.change_consequence", model=Consequence, rows=interviews_due))
register(Item(key="doctors.restore", label="恢复申请期内的暂停服务协议", order=31,
              permission="doctors.add_restoreapplication", model=Consequence,
              rows=restore_window_open, nearest="restore_until",
              provisional="restore_provisional", unit=WORKING))
register(Item(key="doctors.appeals", label="待作出决定的申诉", order=32,
              permission="doctors.change_appeal", model=Appeal, rows=appeals_pending,
              nearest="decision_due", provisional="decision_due_provisional", unit=WORKING,
              late=lambda today: Q(decision_due__lt=today)))
