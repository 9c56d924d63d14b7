"""A large upload's preview in the worker (issue 11 §3, issue 14 §4): the whole-file service's
dry run as a job with progress, for every app's import screen (subsidies, doctors).

The upload waits in ``IMPORT_DIR`` under its token (``apps.core.uploads``) for the confirm;
the job keeps the outcome — the counts and remarks, or every bad row — and its ``preview``
(kind, token, file name, options), which the same preview/confirm screen shows
(``WholeFileImportMixin.import_checked_view``). A refused or failed check removes the upload."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from . import jobs, uploads
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
