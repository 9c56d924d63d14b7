"""Scheduled jobs of the doctors module (thin: each calls one service)."""

import datetime as dt

from celery import shared_task
from celery.schedules import crontab
from django.utils import timezone

from apps.core import authority

from . import services


@shared_task(name="doctors.nightly")
def doctors_nightly(day: str | None = None) -> dict:
    with authority.acting_as(None, origin="定时任务 doctors.nightly"):
        return services.nightly(today=dt.date.fromisoformat(day) if day else None, actor=None)


@shared_task(name="doctors.year_end")
def doctors_year_end(year: int | None = None) -> dict:
    """At 00:05 on 1 January the year just ended is closed (art. 16)."""
    with authority.acting_as(None, origin="定时任务 doctors.year_end"):
        return services.year_end(year=year or timezone.localdate().year - 1, actor=None)


@shared_task(name="doctors.job_import")
def doctors_import_job(job_id: str, kind: str, token: str, filename: str,
                       actor_id: int | None = None) -> str:
    """A large upload from the admin, validated and imported in the worker (issue 11 §3);
    progress goes to the subsidies ``Job`` ``job_id``."""
    from django.contrib.auth import get_user_model

    from . import jobs

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    with authority.acting_as(actor, origin="" if actor else "任务 doctors.job_import"):
        jobs.import_job(job_id=job_id, kind=kind, token=token, filename=filename, actor=actor)
    return job_id


BEAT_SCHEDULE = {
    "doctors.nightly": {"task": "doctors.nightly", "schedule": crontab(minute=30, hour=1)},
    "doctors.year_end": {"task": "doctors.year_end",
                         "schedule": crontab(minute=5, hour=0, day_of_month=1, month_of_year=1)},
}
