"""Personnel jobs: the nightly probation reminder for HR (DOMAIN §2), and a large appointment
items file previewed and, after the confirm, imported in the worker (issue 11 §3, 14 §4)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.schedules import crontab
from django.urls import reverse
from django.utils import timezone

from apps.core.import_jobs import check_counts, import_upload, queue_check, queue_import
from apps.core.models import Job

from . import imports, services


@shared_task(name="personnel.flag_probations")
def flag_probations(today: str | None = None) -> int:
    """Flag probations ending within 30 days; returns how many were newly flagged."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return len(services.probation_flags_raise(today=day))


def start_check_job(*, kind: str, token: str, filename: str, user, preview_view: str = "") -> Job:
    """A large file's preview (the dry run) in the worker; the upload stays for the confirm."""
    return queue_check(personnel_check_job, label=imports.KIND_LABELS[kind], kind=kind,
                       token=token, filename=filename, user=user, preview_view=preview_view)


def start_import_job(*, kind: str, data: bytes, filename: str, user) -> Job:
    """A large file's import after its confirm, in the worker."""
    return queue_import(personnel_import_job, label=imports.KIND_LABELS[kind], kind=kind,
                        data=data, filename=filename, user=user)


@shared_task(name="personnel.job_check")
def personnel_check_job(job_id: str, kind: str, token: str, filename: str,
                        actor_id: int | None = None, preview_url: str = "") -> None:
    """A large appointment items upload's preview (whole-file dry run), in the worker."""
    check_counts(job_id=job_id, import_file=imports.import_file, kind=kind, token=token,
                 filename=filename, actor_id=actor_id, preview_url=preview_url,
                 task_name="personnel.job_check")


@shared_task(name="personnel.job_import")
def personnel_import_job(job_id: str, kind: str, token: str, filename: str,
                         actor_id: int | None = None) -> str:
    """A large appointment items upload from the admin, imported in the worker after its
    confirm (a claimed job: a redelivery does nothing)."""
    return import_upload(job_id=job_id, import_file=imports.import_file, kind=kind, token=token,
                  filename=filename, actor_id=actor_id, task_name="personnel.job_import",
                  back={"url": reverse("admin:personnel_appointmentitem_changelist"),
                        "link_label": "返回任免事项列表"})


BEAT_SCHEDULE = {
    "personnel.flag_probations": {"task": "personnel.flag_probations",
                                  "schedule": crontab(hour=1, minute=40)},
}
