"""Awards jobs: a large decisions/recipients file previewed (the dry run) and, after the
confirm, imported in the worker (issue 11 §3, issue 14 §4), on the core job records and page
(``apps.core.jobs``).

The whole-file rule is the service's (``imports.import_file``): any bad row → nothing is
written and every bad row is listed on the job's page. The upload waits in ``IMPORT_DIR``
under a random token bound to the user (``apps.core.uploads``) and is removed when the job
ends, whatever the outcome (``apps.core.import_jobs.import_upload``)."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse

from apps.core.import_jobs import check_counts, import_upload, queue_check, queue_import
from apps.core.models import Job

from . import imports


def start_check_job(*, kind: str, token: str, filename: str, user, preview_view: str = "") -> Job:
    """A large file's preview (the dry run) in the worker; the upload stays for the confirm."""
    return queue_check(awards_check_job, label=imports.KIND_LABELS[kind], kind=kind, token=token,
                       filename=filename, user=user, preview_view=preview_view)


def start_import_job(*, kind: str, data: bytes, filename: str, user) -> Job:
    """A large file's import after its confirm, in the worker."""
    return queue_import(awards_import_job, label=imports.KIND_LABELS[kind], kind=kind,
                        data=data, filename=filename, user=user)


@shared_task(name="awards.job_check")
def awards_check_job(job_id: str, kind: str, token: str, filename: str,
                     actor_id: int | None = None, preview_url: str = "") -> None:
    """A large awards upload's preview (whole-file dry run) from the admin, in the worker."""
    check_counts(job_id=job_id, import_file=imports.import_file, kind=kind, token=token,
                 filename=filename, actor_id=actor_id, preview_url=preview_url,
                 task_name="awards.job_check")


@shared_task(name="awards.job_import")
def awards_import_job(job_id: str, kind: str, token: str, filename: str,
                      actor_id: int | None = None) -> str:
    """A large awards upload from the admin, imported in the worker after its confirm (a
    claimed job: a redelivery does nothing)."""
    model = imports.MODELS[kind]._meta.model_name
    return import_upload(job_id=job_id, import_file=imports.import_file, kind=kind, token=token,
                  filename=filename, actor_id=actor_id, task_name="awards.job_import",
                  back={"url": reverse(f"admin:awards_{model}_changelist"),
                        "link_label": f"返回{imports.KIND_LABELS[kind]}列表"})
