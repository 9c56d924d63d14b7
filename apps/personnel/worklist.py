"""今日待办 item of personnel: probations ending within 30 days (DOMAIN §2: nightly, probation
periods ending within 30 days are flagged for HR; issue 12 §2). Appointments are city-wide
records (issue 9 §1), so the line is for city-level staff."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from apps.core.worklist import Item, register

from .models import AppointmentItem

PROBATION_DAYS = 30


def probations_ending(user, today: dt.date) -> QuerySet[AppointmentItem]:
    """Appointments (not voided) whose probation ends within 30 days, while the post is still
    held: no later removal from the same post or rank has taken effect by today (the rule
    of ``services._still_holding``, as one query)."""
    removed = AppointmentItem.objects.filter(
        void__isnull=True, action=AppointmentItem.Action.REMOVE, person=OuterRef("person"),
        organisation=OuterRef("organisation"), title=OuterRef("title"), kind=OuterRef("kind"),
        notice__date__gte=OuterRef("notice__date"), notice__date__lte=today)
    return (AppointmentItem.objects
            .filter(void__isnull=True, action=AppointmentItem.Action.APPOINT,
                    probation_until__gte=today,
                    probation_until__lte=today + dt.timedelta(days=PROBATION_DAYS))
            .exclude(Exists(removed)))


register(Item(key="personnel.probations", label="30天内试用期满的任职人员", order=50,
              permission="personnel.view_appointmentitem", model=AppointmentItem,
              rows=probations_ending, nearest="probation_until", city_level=True))
