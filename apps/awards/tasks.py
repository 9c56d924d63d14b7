"""Awards jobs: a large decisions/recipients file checked whole and imported in the worker
(issue 11 §3, issue 14 §4), on the core job records and page (``apps.core.jobs``).

The whole-file rule is the service's (``imports.import_file``): any bad row → nothing is
written and every bad row is listed on the job's page. The upload waits in ``IMPORT_DIR``
under a random token bound to the user (``apps.core.uploads``) and is removed when the job
ends, whatever the outcome (``apps.core.import_jobs.import_upload``)."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse

from apps.core.import_jobs import import_upload, queue_import
from apps.core.models import Job

from . import imports


def start_import_job(*, kind: str, token: str, filename: str, user) -> Job:
    return queue_import(awards_import_job, label=imports.KIND_LABELS[kind], kind=kind,
                        token=token, filename=filename, user=user)


@shared_task(name="awards.job_import")
def awards_import_job(job_id: str, kind: str, token: str, filename: str,
                      actor_id: int | None = None) -> None:
    """A large awards upload from the admin, checked and imported in the worker."""
    model = imports.MODELS[kind]._meta.model_name
    import_upload(job_id=job_id, import_file=imports.import_file, kind=kind, token=token,
                  filename=filename, actor_id=actor_id, task_name="awards.job_import",
                  back={"url": reverse(f"admin:awards_{model}_changelist"),
                        "link_label": f"返回{imports.KIND_LABELS[kind]}列表"})
