"""Progress records for long runs and imports (issue 3 §7: 耗时较长的测算和导入显示进度).

The page starts the work as a Celery task and polls ``/api/subsidies/jobs/<id>``. The work
reports its stage and rows done through ``report``. The run and the import each hold one
transaction, so on PostgreSQL the progress goes through a second, autocommit connection and
is visible at once; on SQLite a second writer would wait for the first (one write lock per
file), so there the update rides on the work's own connection and shows at commit.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid

from django.db import connection, connections
from django.utils import timezone

from apps.core import uploads
from apps.core.authority import AuthorityError
from apps.core.tabular import ImportRejected

from . import imports, rules
from .models import Job, JobStatus

log = logging.getLogger("qzgov.subsidies")
_side = threading.local()
_JSON = {"result", "errors"}


def job_start(*, kind: str, label: str, user=None, total: int = 0) -> Job:
    """A new progress record (committed at once outside a transaction, before the task)."""
    return Job.objects.create(
        id=uuid.uuid4(), kind=kind, label=label, total=total, stage="排队等待",
        started_by=user if getattr(user, "is_authenticated", False) else None)


def _side_connection():
    side = getattr(_side, "connection", None)
    if side is None:
        side = connections.create_connection("default")
        with side.cursor() as cursor:  # never wait on a row the work itself has locked
            cursor.execute("SET lock_timeout = '2s'")
        _side.connection = side
    return side


def close_side_connection() -> None:
    _side.same_connection = set()
    side = getattr(_side, "connection", None)
    if side is not None:
        side.close()
        _side.connection = None


def _write(job_id, **fields) -> None:
    fields["updated_at"] = timezone.now()
    same = getattr(_side, "same_connection", set())
    if (connection.in_atomic_block and connection.vendor == "postgresql"
            and str(job_id) not in same):
        columns = ", ".join(f"{name} = %s::jsonb" if name in _JSON else f"{name} = %s"
                            for name in fields)
        values = [json.dumps(v, ensure_ascii=False) if k in _JSON else v
                  for k, v in fields.items()]
        try:
            with _side_connection().cursor() as cursor:
                cursor.execute(f"UPDATE subsidies_job SET {columns} WHERE id = %s",
                               [*values, str(job_id)])
                if cursor.rowcount:
                    return
        except Exception:  # progress must never break the work itself
            log.exception("progress side connection failed for job %s", job_id)
            close_side_connection()
        # The job row is not visible there (created in this same open transaction): fall back,
        # and keep to this connection for the job (it now holds the row until commit).
        _side.same_connection = same | {str(job_id)}
    Job.objects.filter(pk=job_id).update(**fields)


def reporter(job_id):
    """A ``progress(stage, done=None, total=None)`` callable for the services."""

    def progress(stage: str, done: int | None = None, total: int | None = None) -> None:
        fields = {"stage": stage}
        if total is not None:
            fields["total"] = total
        if done is not None:
            fields["done"] = done if total is None else min(done, total)
        _write(job_id, **fields)

    return progress


def job_finish(job_id, *, result: dict) -> None:
    _write(job_id, status=JobStatus.DONE, stage="完成", result=result)
    close_side_connection()


def job_fail(job_id, *, errors: list[dict], result: dict | None = None) -> None:
    _write(job_id, status=JobStatus.FAILED, stage="失败", errors=errors, result=result or {})
    close_side_connection()


def run_job(*, job_id, month: str, actor=None) -> None:
    """The monthly run with progress (衢政办发〔2020〕20号 六: 按月测算)."""
    from django.urls import reverse

    from . import services

    try:
        run = services.run_compute(month=month, actor=actor, progress=reporter(job_id))
    except (rules.BadMonth, services.SubsidyError, AuthorityError) as exc:
        job_fail(job_id, errors=[{"line": None, "column": "", "message": str(exc)}])
        return
    except Exception:
        log.exception("subsidy run job %s failed", job_id)
        job_fail(job_id, errors=[{"line": None, "column": "", "message": "计算出现内部错误,请联系管理员"}])
        return
    summary = (f"{run}:补贴涨幅{run.rate}%,{run.persons}人,{run.amount:.2f}元" if run.triggered
               else f"{run}:未启动(SCPI {run.scpi}%,CPI食品 {run.cpi_food}%)")
    job_finish(job_id, result={
        "summary": summary, "month": rules.month_label(run.month), "sequence": run.sequence,
        "triggered": run.triggered, "persons": run.persons, "amount": f"{run.amount:.2f}",
        "url": reverse("subsidies-run-page", args=[rules.month_label(run.month)])})


def import_job(*, job_id, kind: str, token: str, filename: str, from_month: str | None = None,
               actor=None, remove: bool = True) -> None:
    """A file import with progress: rows validated in chunks, then the write (issue 3 §4).

    The file is the upload ``token`` in ``IMPORT_DIR``, readable only by the user who
    uploaded it (issue 9 §7); it is removed when the import ends, whatever the outcome."""
    try:
        data = uploads.read_upload(token, user=actor)
        result = imports.import_file(kind=kind, data=data, filename=filename,
                                     actor=actor, from_month=from_month or None,
                                     progress=reporter(job_id))
    except ImportRejected as exc:
        job_fail(job_id, errors=[{"line": e.line, "column": e.column, "message": e.message}
                                 for e in exc.errors], result={"summary": str(exc)})
        return
    except (rules.BadMonth, FileNotFoundError, AuthorityError) as exc:
        message = "上传的文件已过期,请重新上传" if isinstance(exc, FileNotFoundError) else str(exc)
        job_fail(job_id, errors=[{"line": None, "column": "", "message": message}])
        return
    except Exception:
        log.exception("subsidy import job %s failed", job_id)
        job_fail(job_id, errors=[{"line": None, "column": "", "message": "导入出现内部错误,请联系管理员"}])
        return
    finally:
        if remove:
            uploads.discard_upload(token)
    job_finish(job_id, result={"summary": str(result), "messages": result.messages,
                               "rows": result.rows, "created": result.created,
                               "updated": result.updated, "unchanged": result.unchanged})


def check_job(*, job_id, kind: str, token: str, filename: str, from_month: str | None = None,
              actor=None, preview_url: str = "") -> None:
    """A large file's whole-file validation (the preview's dry run) in the worker, with
    progress (issue 11 §3). The upload stays for the confirm; the outcome (counts, messages or
    the bad rows) is kept on the job and shown by the same preview/confirm screen
    (``preview_url``) as a small file's."""
    check = reporter(job_id)

    def progress(stage: str, done=None, total=None) -> None:
        check(stage.replace("正在写入", "生成预览"), done, total)

    link = {"url": preview_url, "link_label": "查看预览并确认导入"} if preview_url else {}
    preview = {"kind": kind, "token": token, "file_name": filename,
               "from_month": from_month or ""}
    try:
        data = uploads.read_upload(token, user=actor)
        outcome = imports.import_file(kind=kind, data=data, filename=filename, dry_run=True,
                                      actor=actor, from_month=from_month or None,
                                      progress=progress)
    except ImportRejected as exc:
        uploads.discard_upload(token)
        job_fail(job_id, errors=[{"line": e.line, "column": e.column, "message": e.message}
                                 for e in exc.errors],
                 result={"summary": str(exc), "preview": preview,
                         **({**link, "link_label": "查看错误清单"} if link else {})})
        return
    except (rules.BadMonth, FileNotFoundError, AuthorityError) as exc:
        uploads.discard_upload(token)
        message = "上传的文件已过期,请重新上传" if isinstance(exc, FileNotFoundError) else str(exc)
        job_fail(job_id, errors=[{"line": None, "column": "", "message": message}],
                 result={"summary": f"未导入任何数据:{message}"})
        return
    except Exception:
        uploads.discard_upload(token)
        log.exception("subsidy import check %s failed", job_id)
        job_fail(job_id, errors=[{"line": None, "column": "", "message": "校验出现内部错误,请联系管理员"}])
        return
    job_finish(job_id, result={"summary": str(outcome), "messages": outcome.messages,
                               "rows": outcome.rows, "created": outcome.created,
                               "updated": outcome.updated, "unchanged": outcome.unchanged,
                               "preview": preview, **link})


def job_state(job: Job) -> dict:
    """The JSON the page polls."""
    return {"id": str(job.id), "kind": job.kind, "label": job.label, "status": job.status,
            "status_label": job.get_status_display(), "stage": job.stage, "done": job.done,
            "total": job.total, "percent": job.percent, "result": job.result,
            "errors": job.errors, "finished": job.status != JobStatus.RUNNING}
