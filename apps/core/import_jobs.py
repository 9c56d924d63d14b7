"""A large upload in the worker (issue 11 §3, issue 14 §4): the whole-file service's dry run
as a job with progress (the preview: ``check_upload``, ``check_counts``), or its import after
the confirm (``import_upload``, a claimed job: ``apps.core.jobs.run_claimed``), for every
app's import screen.

The upload waits in ``IMPORT_DIR`` under its token (``apps.core.uploads``) for the confirm;
the job keeps the outcome — the counts and remarks, or every bad row — and its ``preview``
(kind, token, file name, options), which the same preview/confirm screen shows
(``WholeFileImportMixin.import_checked_view``). A refused or failed check removes the upload."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from . import authority, jobs, uploads
from .authority import AuthorityError
from .models import Job, JobStatus
from .tabular import ImportRejected

log = logging.getLogger("qzgov.jobs")


def dry_run(service, **kwargs):
    """Run a whole-file import service and roll it back (the preview of a service that has no
    ``dry_run`` of its own): it validates and counts exactly as the confirm will."""
    with transaction.atomic():
        outcome = service(**kwargs)
        transaction.set_rollback(True)
    return outcome


def check_upload(job_id, *, token: str, actor, preview: dict,
                 check: Callable[[bytes, jobs.Progress], dict], preview_url: str = "",
                 failure: Callable[[Exception], str | None] = lambda exc: None) -> None:
    """Read the upload ``token`` (the uploader's own) and run ``check(data, progress)`` — the
    service's dry run, returning the result dict (summary, messages, rows, created, updated,
    unchanged) — as job ``job_id``. ``failure(exc)`` names a failure that is about the request
    (an expired upload, a bad month, out of scope), else it is an internal error."""
    report = jobs.reporter(job_id)

    def progress(stage: str, done=None, total=None) -> None:
        report(stage.replace("正在写入", "生成预览"), done, total)

    link = {"url": preview_url, "link_label": "查看预览并确认导入"} if preview_url else {}
    try:
        outcome = check(uploads.read_upload(token, user=actor), progress)
    except ImportRejected as exc:
        uploads.discard_upload(token)
        jobs.job_fail(job_id, errors=jobs.row_errors(exc.errors),
                      result={"summary": str(exc), "preview": preview,
                              **({**link, "link_label": "查看错误清单"} if link else {})})
        return
    except Exception as exc:
        uploads.discard_upload(token)
        message = ("上传的文件已过期,请重新上传" if isinstance(exc, FileNotFoundError)
                   else failure(exc))
        if message is None:
            log.exception("import check %s failed", job_id)
            jobs.job_fail(job_id, errors=jobs.error("校验出现内部错误,请联系管理员"))
        else:
            jobs.job_fail(job_id, errors=jobs.error(message),
                          result={"summary": f"未导入任何数据:{message}"})
        return
    jobs.job_finish(job_id, result={**outcome, "preview": preview, **link})


def _actor(actor_id: int | None):
    return get_user_model().objects.filter(pk=actor_id).first() if actor_id else None


def queue_check(task, *, label: str, kind: str, token: str, filename: str, user,
                preview_view: str = "") -> Job:
    """Record the preview job of the kept upload ``token`` (a large file, issue 11 §3) and
    send ``task`` (job, kind, token, file name, user id, preview URL); returns the job. The
    job's page links to ``preview_view`` (the admin's checked-preview URL name)."""
    job = jobs.job_start(kind=Job.Kind.IMPORT, label=f"校验{label} {filename}", user=user)
    url = reverse(preview_view, args=[job.pk]) if preview_view else ""
    task.delay(str(job.pk), kind, token, filename, getattr(user, "pk", None), url)
    return job


def check_counts(*, job_id, import_file: Callable, kind: str, token: str, filename: str,
                 actor_id: int | None, preview_url: str, task_name: str) -> None:
    """The preview of a large file for a service returning ``ImportCounts`` (awards,
    personnel): its ``dry_run`` in the worker (``check_upload``); the upload stays for the
    confirm (issue 14 §4)."""
    actor = _actor(actor_id)

    def check(data: bytes, progress: jobs.Progress) -> dict:
        progress("整表校验中", 0)
        outcome = import_file(kind=kind, data=data, filename=filename, actor=actor,
                              dry_run=True)
        return {"summary": str(outcome), "messages": outcome.messages, "rows": outcome.rows,
                "created": outcome.created, "updated": outcome.updated,
                "unchanged": outcome.unchanged}

    with authority.acting_as(actor, origin="" if actor else f"任务 {task_name}"):
        check_upload(job_id, token=token, actor=actor, check=check,
                     preview={"kind": kind, "token": token, "file_name": filename},
                     preview_url=preview_url,
                     failure=_refusal)


def _refusal(exc: Exception) -> str | None:
    """The Chinese message of a refusal a service may raise between the preview and the
    confirm (authority, or a rule the data no longer meets), as the inline screen says it."""
    if isinstance(exc, AuthorityError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return ";".join(exc.messages)
    return None


def queue_import(task, *, label: str, kind: str, data: bytes, filename: str, user) -> Job:
    """Keep ``data`` for the worker (a large file after its confirm), record the job and send
    ``task`` (job, kind, token, file name, user id); returns the job."""
    token = uploads.store_upload(data, user=user, suffix=Path(filename or "").suffix or ".bin")
    job = jobs.job_start(kind=Job.Kind.IMPORT, label=f"{label} {filename}", user=user)
    task.delay(str(job.pk), kind, token, filename, getattr(user, "pk", None))
    return job


def import_upload(*, job_id, import_file: Callable, kind: str, token: str, filename: str,
                  actor_id: int | None, back: dict, task_name: str,
                  summary: Callable = str) -> str:
    """Run ``import_file`` as the uploading user on the kept upload as one claimed delivery
    of job ``job_id`` (``jobs.run_claimed``, issue 13 §4): the outcome — its ``summary``
    (新增/更新/未变), or every bad row, or a Chinese error — is settled in the import's own
    transaction behind the claim fence. A second delivery of a finished job, or of one a
    live worker holds, does nothing and leaves its status; the upload is removed once the
    job is done or has failed for good. Returns the delivery's outcome (``jobs.DONE`` …)."""
    actor = _actor(actor_id)

    def work(progress: jobs.Progress) -> dict:
        data = uploads.read_upload(token, user=actor)
        progress("整表校验并导入中", 0)
        return {"summary": summary(import_file(kind=kind, data=data, filename=filename,
                                               actor=actor)), **back}

    def known(exc: Exception) -> jobs.Ended | None:
        if isinstance(exc, ImportRejected):
            return jobs.Ended(JobStatus.FAILED, result={"summary": str(exc)},
                              errors=jobs.row_errors(exc.errors))
        if isinstance(exc, FileNotFoundError):
            return jobs.Ended(JobStatus.FAILED, errors=jobs.error("上传的文件已过期,请重新上传"))
        message = _refusal(exc)
        if message is not None:
            return jobs.Ended(JobStatus.FAILED, errors=jobs.error(message))
        return None

    with authority.acting_as(actor, origin="" if actor else f"任务 {task_name}"):
        outcome = jobs.run_claimed(job_id, work, what="导入", known=known,
                                   internal="导入出现内部错误,请联系管理员")
    if outcome in (jobs.DONE, jobs.FAILED):
        uploads.discard_upload(token)
    return outcome
