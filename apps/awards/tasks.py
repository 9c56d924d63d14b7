"""Awards jobs: a large decisions/recipients file checked whole and imported in the worker
(issue 11 §3, issue 14 §4), on the core job records and page (``apps.core.jobs``).

The whole-file rule is the service's (``imports.import_file``): any bad row → nothing is
written and every bad row is listed on the job's page. The upload waits in ``IMPORT_DIR``
under a random token bound to the user (``apps.core.uploads``) and is removed when the job
ends, whatever the outcome. ``run_import_job`` is shared with personnel's item import."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.core import authority, jobs, uploads
from apps.core.authority import AuthorityError
from apps.core.models import Job
from apps.core.tabular import ImportRejected

from . import imports

log = logging.getLogger("qzgov.awards")


def run_import_job(*, job_id, import_file: Callable, kind: str, token: str, filename: str,
                   actor_id: int | None, back: dict, task_name: str) -> None:
    """Run ``import_file`` as the uploading user on the kept upload and record the outcome on
    the job: its summary (新增/更新/未变), or every bad row, or a Chinese error; the upload
    is then removed."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    with authority.acting_as(actor, origin="" if actor else f"任务 {task_name}"):
        try:
            data = uploads.read_upload(token, user=actor)
            jobs.reporter(job_id)("整表校验并导入中", 0)
            outcome = import_file(kind=kind, data=data, filename=filename, actor=actor)
        except ImportRejected as exc:
            jobs.job_fail(job_id, errors=jobs.row_errors(exc.errors), result={"summary": str(exc)})
            return
        except (FileNotFoundError, AuthorityError) as exc:
            message = "上传的文件已过期,请重新上传" if isinstance(exc, FileNotFoundError) else str(exc)
            jobs.job_fail(job_id, errors=jobs.error(message))
            return
        except Exception:
            log.exception("import job %s failed", job_id)
            jobs.job_fail(job_id, errors=jobs.error("导入出现内部错误,请联系管理员"))
            return
        finally:
            uploads.discard_upload(token)
    jobs.job_finish(job_id, result={"summary": str(outcome), **back})


def queue_import_job(task, *, label: str, kind: str, data: bytes, filename: str, user) -> Job:
    """Keep the file for the worker, record the job, send ``task``; returns the job."""
    token = uploads.store_upload(data, user=user)
    job = jobs.job_start(kind=Job.Kind.IMPORT, label=f"{label} {filename}", user=user)
    task.delay(str(job.pk), kind, token, filename, getattr(user, "pk", None))
    return job


def start_import_job(*, kind: str, data: bytes, filename: str, user) -> Job:
    return queue_import_job(awards_import_job, label=imports.KIND_LABELS[kind], kind=kind,
                            data=data, filename=filename, user=user)


@shared_task(name="awards.job_import")
def awards_import_job(job_id: str, kind: str, token: str, filename: str,
                      actor_id: int | None = None) -> None:
    """A large awards upload from the admin, checked and imported in the worker."""
    model = imports.MODELS[kind]._meta.model_name
    run_import_job(job_id=job_id, import_file=imports.import_file, kind=kind, token=token,
                   filename=filename, actor_id=actor_id, task_name="awards.job_import",
                   back={"url": reverse(f"admin:awards_{model}_changelist"),
                         "link_label": f"返回{imports.KIND_LABELS[kind]}列表"})
