"""Personnel jobs: the nightly probation reminder for HR (DOMAIN §2), and a large appointment
items file checked whole and imported in the worker (issue 11 §3, issue 14 §4)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.schedules import crontab
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from apps.awards.tasks import run_import_job
from apps.core import authority, jobs, uploads
from apps.core.models import Job

from . import imports, services


@shared_task(name="personnel.flag_probations")
def flag_probations(today: str | None = None) -> int:
    """Flag probations ending within 30 days; returns how many were newly flagged."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return len(services.probation_flags_raise(today=day))


def start_import_job(*, kind: str, data: bytes, filename: str, user) -> Job:
    """Keep the file for the worker, record the job, start the task; returns the job."""
    token = uploads.store_upload(data, user=user)
    job = jobs.job_start(kind=Job.Kind.IMPORT, label=f"{imports.KIND_LABELS[kind]} {filename}",
                         user=user)
    personnel_import_job.delay(str(job.pk), kind, token, filename, getattr(user, "pk", None))
    return job


@shared_task(name="personnel.job_import")
def personnel_import_job(job_id: str, kind: str, token: str, filename: str,
                         actor_id: int | None = None) -> None:
    """A large appointment items upload from the admin, checked and imported in the worker."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    back = {"url": reverse("admin:personnel_appointmentitem_changelist"),
            "link_label": "返回任免事项列表"}
    with authority.acting_as(actor, origin="" if actor else "任务 personnel.job_import"):
        run_import_job(job_id=job_id, import_file=imports.import_file, kind=kind, token=token,
                       filename=filename, actor=actor, back=back)


BEAT_SCHEDULE = {
    "personnel.flag_probations": {"task": "personnel.flag_probations",
                                  "schedule": crontab(hour=1, minute=40)},
}
