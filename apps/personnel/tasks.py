"""Personnel jobs: the nightly probation reminder for HR (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.schedules import crontab
from django.utils import timezone

from . import services


@shared_task(name="personnel.flag_probations")
def flag_probations(today: str | None = None) -> int:
    """Flag probations ending within 30 days; returns how many were newly flagged."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return len(services.probation_flags_raise(today=day))


BEAT_SCHEDULE = {
    "personnel.flag_probations": {"task": "personnel.flag_probations",
                                  "schedule": crontab(hour=1, minute=40)},
}
