"""A large upload in the worker (issue 11 §3, issue 14 §4): the whole-file service's dry run
as a job with progress (the preview, subsidies and doctors), or its import (awards, personnel:
``import_upload``), for every app's import screen.

The upload waits in ``IMPORT_DIR`` under its token (``apps.core.uploads``) for the confirm;
the job keeps the outcome — the counts and remarks, or every bad row — and its ``preview``
(kind, token, file name, options), which the same preview/confirm screen shows
(``WholeFileImportMixin.import_checked_view``). A refused or failed check removes the upload."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction

from . import authority, jobs, uploads
from .authority import AuthorityError
from .models import Job
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


def queue_import(task, *, label: str, kind: str, token: str, filename: str, user) -> Job:
    """Record the job for the kept upload ``token`` and send ``task`` (job, kind, token, file
    name, user id); returns the job."""
    job = jobs.job_start(kind=Job.Kind.IMPORT, label=f"{label} {filename}", user=user)
    task.delay(str(job.pk), kind, token, filename, getattr(user, "pk", None))
    return job


def import_upload(*, job_id, import_file: Callable, kind: str, token: str, filename: str,
                  actor_id: int | None, back: dict, task_name: str,
                  summary: Callable = str) -> None:
    """Run ``import_file`` as the uploading user on the kept upload and record the outcome on
    the job: its ``summary`` (新增/更新/未变), or every bad row, or a Chinese error; the
    upload is then removed, whatever the outcome."""
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
    jobs.job_finish(job_id, result={"summary": summary(outcome), **back})
