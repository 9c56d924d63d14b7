"""Personnel jobs: the nightly probation reminder for HR (DOMAIN §2), and a large appointment
items file checked whole and imported in the worker (issue 11 §3, issue 14 §4)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.schedules import crontab
from django.urls import reverse
from django.utils import timezone

from apps.core.import_jobs import import_upload, queue_import
from apps.core.models import Job

from . import imports, services


@shared_task(name="personnel.flag_probations")
def flag_probations(today: str | None = None) -> int:
    """Flag probations ending within 30 days; returns how many were newly flagged."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return len(services.probation_flags_raise(today=day))


def start_import_job(*, kind: str, token: str, filename: str, user) -> Job:
    return queue_import(personnel_import_job, label=imports.KIND_LABELS[kind], kind=kind,
                        token=token, filename=filename, user=user)


@shared_task(name="personnel.job_import")
def personnel_import_job(job_id: str, kind: str, token: str, filename: str,
                         actor_id: int | None = None) -> None:
    """A large appointment items upload from the admin, checked and imported in the worker."""
    import_upload(job_id=job_id, import_file=imports.import_file, kind=kind, token=token,
                  filename=filename, actor_id=actor_id, task_name="personnel.job_import",
                  back={"url": reverse("admin:personnel_appointmentitem_changelist"),
                        "link_label": "返回任免事项列表"})


BEAT_SCHEDULE = {
    "personnel.flag_probations": {"task": "personnel.flag_probations",
                                  "schedule": crontab(hour=1, minute=40)},
}
