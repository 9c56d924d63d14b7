"""Background jobs: the monthly run and file imports, claimed, heartbeaten and fenced.

Issue 3 §7 (progress), issue 13 §4 (faults), issue 12 §8 (progress on the embedded default).

* A ``Job`` row is committed before its task is sent, so every delivery of the task — the
  first, a retry, a redelivery after a dead worker (acks late, reject on worker lost) —
  names the same row.
* A delivery **claims** the row with a conditional UPDATE (a fresh claim token, attempts
  + 1). It may only claim a queued job, one whose heartbeat is stale (its worker died) or
  one the reaper marked interrupted; a second delivery while the first is alive is refused
  and does nothing.
* While the work runs, a thread touches the heartbeat (database and progress cache) every
  ``JOB_HEARTBEAT_SECONDS``; ``reap_lost`` marks a job silent for ``JOB_STALE_SECONDS`` as
  failed/interrupted, which staff see at once; the broker's redelivery then takes it over.
* The job's outcome is written **in the work's own transaction**, conditional on the claim
  token (a fence): the outcome recorded is exactly what was committed, and a delivery that
  lost its claim rolls its work back.
* Progress (stage, rows done) goes through the shared ``progress`` cache
  (``apps.core.progress``), readable by every process while the work's transaction is open.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from apps.core import progress as live
from apps.core import uploads
from apps.core.authority import AuthorityError
from apps.core.tabular import ImportRejected

from . import imports, rules, services
from .models import Job, JobStatus

log = logging.getLogger("qzgov.subsidies")

QUEUED = "排队等待"
# Outcomes of one delivery (``run_job`` / ``import_job``): BUSY = another delivery holds the
# job and is alive (check again later: it may still die), SKIPPED = nothing left to do.
DONE, FAILED, SKIPPED, RETRY, LOST, BUSY = "done", "failed", "skipped", "retry", "lost", "busy"


def job_start(*, kind: str, label: str, user=None, total: int = 0,
              month: dt.date | None = None) -> Job:
    """A new job record (committed at once outside a transaction, before the task is sent)."""
    return Job.objects.create(
        id=uuid.uuid4(), kind=kind, label=label, total=total, stage=QUEUED, month=month,
        started_by=user if getattr(user, "is_authenticated", False) else None)


def _stale_seconds() -> int:
    return settings.JOB_STALE_SECONDS


def _error(message: str) -> list[dict]:
    return [{"line": None, "column": "", "message": message}]


# --- progress --------------------------------------------------------------------------


def reporter(job_id):
    """A ``progress(stage, done=None, total=None)`` callable for the services: the stage goes
    to the shared cache at once (and to the job row when no transaction is open)."""
    key = str(job_id)

    def progress(stage: str, done: int | None = None, total: int | None = None) -> None:
        state = live.read(key) or {}
        state.pop("at", None)
        state["stage"] = stage
        if total is not None:
            state["total"] = total
        if done is not None:
            state["done"] = done if state.get("total") is None else min(done, state["total"])
        live.report(key, **state)
        if not connection.in_atomic_block:
            fields = {k: state[k] for k in ("stage", "done", "total") if k in state}
            Job.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)

    return progress


# --- claims ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    job_id: str
    token: str
    attempt: int


def _last_beat(job: Job) -> dt.datetime | None:
    """The later of the database heartbeat and the progress cache's (SQLite: cache only)."""
    beats = [job.heartbeat_at] if job.heartbeat_at else []
    state = live.read(str(job.pk))
    if state and state.get("at"):
        beats.append(dt.datetime.fromtimestamp(state["at"], tz=dt.UTC))
    return max(beats) if beats else None


def claim(job_id) -> Claim | None:
    """Claim ``job_id`` for this delivery, or ``None`` when it must not run: finished, failed,
    or held by a delivery whose heartbeat is fresh (issue 13 §4: a database claim stops the
    second delivery)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    now = timezone.now()
    stale = now - dt.timedelta(seconds=_stale_seconds())
    if job.status == JobStatus.RUNNING and job.claim:
        beat = _last_beat(job)
        if beat is not None and beat >= stale:
            return None
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    free = (Q(status=JobStatus.RUNNING) & (Q(claim="") | Q(heartbeat_at__isnull=True)
                                            | Q(heartbeat_at__lt=stale))
            | Q(status=JobStatus.FAILED, interrupted_at__isnull=False))
    attempt = job.attempts + 1
    stage = "开始执行" if attempt == 1 else f"重新执行(第{attempt}次)"
    claimed = (Job.objects.filter(free, pk=job_id, attempts=job.attempts,
                                  attempts__lt=settings.JOB_MAX_ATTEMPTS)
               .update(status=JobStatus.RUNNING, claim=token, heartbeat_at=now,
                       attempts=F("attempts") + 1, interrupted_at=None, errors=[],
                       stage=stage, updated_at=now))
    if not claimed:
        return None
    live.report(str(job_id), stage=stage, done=0, total=job.total)
    return Claim(str(job_id), token, attempt)


def _refused(job_id) -> str:
    """Why a claim was refused: ``BUSY`` while a live delivery holds the job, else
    ``SKIPPED`` (finished, failed for good, out of attempts, unknown)."""
    job = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).exclude(claim="").first()
    if job is None:
        return SKIPPED
    beat = _last_beat(job)
    fresh = beat is not None and beat >= timezone.now() - dt.timedelta(seconds=_stale_seconds())
    return BUSY if fresh else SKIPPED


def _beat(claimed: Claim) -> None:
    live.touch(claimed.job_id)
    if connections["default"].vendor != "sqlite":  # SQLite: one writer; the cache beats
        Job.objects.filter(pk=claimed.job_id, claim=claimed.token,
                           status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())


def heartbeat(claimed: Claim) -> live.Heartbeat:
    return live.Heartbeat(lambda: _beat(claimed), settings.JOB_HEARTBEAT_SECONDS)


def _settle(claimed: Claim, *, status: str, stage: str, result: dict | None = None,
            errors: list[dict] | None = None) -> bool:
    """Record the outcome if this delivery still holds the claim (the fence)."""
    fields = {"status": status, "stage": stage, "result": result or {}, "errors": errors or [],
              "heartbeat_at": timezone.now(), "updated_at": timezone.now()}
    reached = live.read(claimed.job_id) or {}  # the last progress becomes the record's
    if reached.get("total"):
        fields["total"] = reached["total"]
        fields["done"] = reached["total"] if status == JobStatus.DONE else min(
            reached.get("done") or 0, reached["total"])
    elif status == JobStatus.DONE:
        fields["done"] = F("total")
    settled = Job.objects.filter(pk=claimed.job_id, claim=claimed.token,
                                 status=JobStatus.RUNNING).update(**fields)
    return bool(settled)


def _release(claimed: Claim, stage: str) -> None:
    """Give the claim back so the retry can take it (status stays running, queued)."""
    Job.objects.filter(pk=claimed.job_id, claim=claimed.token).update(
        claim="", heartbeat_at=None, stage=stage, updated_at=timezone.now())
    live.report(claimed.job_id, stage=stage)


class ClaimLost(Exception):
    """This delivery's claim was taken over (its heartbeat went stale): roll the work back."""


def _connection_lost(exc: BaseException) -> bool:
    """A database error that is not about the data: the connection broke or was cut (no
    server answer, SQLSTATE class 08, 57P: pg_terminate_backend, a server restart) or the
    server rolled the transaction back (class 40: deadlock, serialization). The work's
    transaction is gone as a whole, so trying again is safe."""
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return False
    state = getattr(exc.__cause__, "sqlstate", None)
    return state is None or state.startswith(("08", "57P", "40"))


def _on_database_error(claimed: Claim, what: str) -> str:
    """The database connection was cut mid-work (issue 13 §4, pg_terminate_backend): the
    transaction is gone, nothing was written. Retry while attempts remain, else fail."""
    connection.close()  # the next query opens a new connection
    if claimed.attempt < settings.JOB_MAX_ATTEMPTS:
        _release(claimed, f"数据库连接中断,未写入任何数据,稍后自动重试(第{claimed.attempt + 1}次)")
        return RETRY
    _settle(claimed, status=JobStatus.FAILED, stage="失败", errors=_error(
        f"数据库连接中断,{what}已重试{claimed.attempt}次仍未完成,未写入任何数据;请稍后重新发起"))
    return FAILED


# --- the two kinds of work -------------------------------------------------------------


def job_finish(job_id, *, result: dict) -> None:
    """Mark a job done outside the claim protocol (kept for callers and tests)."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, stage="完成", result=result,
                                         updated_at=timezone.now())
    live.forget(str(job_id))


def job_fail(job_id, *, errors: list[dict], result: dict | None = None) -> None:
    """Mark a job failed outside the claim protocol (kept for callers and tests)."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, stage="失败", errors=errors,
                                         result=result or {}, updated_at=timezone.now())
    live.forget(str(job_id))


def run_result(run) -> dict:
    if run.triggered:
        summary = f"{run}:补贴涨幅{run.rate}%,{run.persons}人,{run.amount:.2f}元"
    else:
        summary = f"{run}:未启动(SCPI {run.scpi}%,CPI食品 {run.cpi_food}%)"
    return {"summary": summary, "month": rules.month_label(run.month), "run": run.pk,
            "sequence": run.sequence, "triggered": run.triggered, "persons": run.persons,
            "amount": f"{run.amount:.2f}",
            "url": reverse("subsidies-run-page", args=[rules.month_label(run.month)])}


def run_job(*, job_id, month: str, actor=None) -> str:
    """The monthly run as a claimed job (衢政办发〔2020〕20号 六: 按月测算); returns the
    outcome of this delivery (``DONE``, ``FAILED``, ``SKIPPED``, ``RETRY``, ``LOST``)."""
    claimed = claim(job_id)
    if claimed is None:
        return _refused(job_id)
    outcome = FAILED
    try:
        with heartbeat(claimed) as beating, transaction.atomic():
            run = services.run_compute(month=month, actor=actor, progress=reporter(job_id))
            beating.stop()
            if not _settle(claimed, status=JobStatus.DONE, stage="完成", result=run_result(run)):
                raise ClaimLost
        outcome = DONE
    except ClaimLost:
        outcome = LOST
    except services.NoChange as exc:
        url = reverse("subsidies-run-page", args=[rules.month_label(rules.parse_month(month))])
        _settle(claimed, status=JobStatus.DONE, stage="完成",
                result={"summary": str(exc), "month": month, "unchanged": True, "url": url})
        outcome = DONE
    except (rules.BadMonth, services.SubsidyError, AuthorityError) as exc:
        _settle(claimed, status=JobStatus.FAILED, stage="失败", errors=_error(str(exc)))
    except Exception as exc:
        if _connection_lost(exc):
            log.warning("subsidy run job %s: database connection lost: %s", job_id, exc)
            outcome = _on_database_error(claimed, "测算")
        else:
            log.exception("subsidy run job %s failed", job_id)
            _settle(claimed, status=JobStatus.FAILED, stage="失败",
                    errors=_error("计算出现内部错误,请联系管理员"))
    finally:
        if outcome in (DONE, FAILED) and not connection.in_atomic_block:
            live.forget(claimed.job_id)
    return outcome


def import_job(*, job_id, kind: str, token: str, filename: str, from_month: str | None = None,
               actor=None, remove: bool = True) -> str:
    """A file import as a claimed job: rows validated in chunks, then the write (issue 3 §4).

    The file is the upload ``token`` in ``IMPORT_DIR``, readable only by the user who
    uploaded it (issue 9 §7). It is removed once the import is done or has failed for good;
    a retry or a redelivery still finds it."""
    claimed = claim(job_id)
    if claimed is None:
        return _refused(job_id)
    outcome = FAILED
    try:
        data = uploads.read_upload(token, user=actor)
        with heartbeat(claimed) as beating, transaction.atomic():
            result = imports.import_file(kind=kind, data=data, filename=filename, actor=actor,
                                         from_month=from_month or None,
                                         progress=reporter(job_id))
            beating.stop()
            if not _settle(claimed, status=JobStatus.DONE, stage="完成", result={
                    "summary": str(result), "messages": result.messages, "rows": result.rows,
                    "created": result.created, "updated": result.updated,
                    "unchanged": result.unchanged}):
                raise ClaimLost
        outcome = DONE
    except ClaimLost:
        outcome = LOST
    except ImportRejected as exc:
        _settle(claimed, status=JobStatus.FAILED, stage="失败",
                errors=[{"line": e.line, "column": e.column, "message": e.message}
                        for e in exc.errors], result={"summary": str(exc)})
    except (rules.BadMonth, FileNotFoundError, AuthorityError) as exc:
        message = "上传的文件已过期,请重新上传" if isinstance(exc, FileNotFoundError) else str(exc)
        _settle(claimed, status=JobStatus.FAILED, stage="失败", errors=_error(message))
    except Exception as exc:
        if _connection_lost(exc):
            log.warning("subsidy import job %s: database connection lost: %s", job_id, exc)
            outcome = _on_database_error(claimed, "导入")
        else:
            log.exception("subsidy import job %s failed", job_id)
            _settle(claimed, status=JobStatus.FAILED, stage="失败",
                    errors=_error("导入出现内部错误,请联系管理员"))
    finally:
        if outcome in (DONE, FAILED):
            if remove:
                uploads.discard_upload(token)
            if not connection.in_atomic_block:
                live.forget(claimed.job_id)
    return outcome


# --- lost workers ------------------------------------------------------------------------


def lost_message(job: Job) -> str:
    if job.attempts >= settings.JOB_MAX_ATTEMPTS:
        return (f"处理该任务的后台进程已中断(超过{_stale_seconds()}秒没有心跳),已执行"
                f"{job.attempts}次仍未完成,未写入任何数据;请联系管理员后重新发起")
    return (f"处理该任务的后台进程已中断(超过{_stale_seconds()}秒没有心跳),未完成的部分"
            "未写入;系统将自动重新执行,如长时间未恢复请重新发起")


def reap_lost(*, job: Job | None = None) -> int:
    """Mark running jobs whose worker stopped beating as failed (interrupted), so staff see
    them within minutes (issue 13 §4); a redelivery of the task may still take them over.
    Returns the jobs marked."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=_stale_seconds())
    candidates = Job.objects.filter(status=JobStatus.RUNNING).exclude(claim="").filter(
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale))
    if job is not None:
        candidates = candidates.filter(pk=job.pk)
    marked = 0
    for lost in candidates:
        beat = _last_beat(lost)
        if beat is not None and beat >= stale:
            continue
        marked += Job.objects.filter(pk=lost.pk, claim=lost.claim, status=JobStatus.RUNNING,
                                     ).update(status=JobStatus.FAILED, interrupted_at=now,
                                              claim="", stage="中断",
                                              errors=_error(lost_message(lost)), updated_at=now)
    if marked:
        log.warning("%s background job(s) lost their worker", marked)
    return marked


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
    """The JSON the page polls: the job row, with the live stage from the shared cache while
    it runs; a job whose worker died is marked here too (never "running" forever)."""
    if job.status == JobStatus.RUNNING and job.claim and reap_lost(job=job):
        job.refresh_from_db()
    stage, done, total = job.stage, job.done, job.total
    if job.status == JobStatus.RUNNING:
        state = live.read(str(job.pk)) or {}
        stage = state.get("stage", stage)
        done, total = state.get("done", done) or 0, state.get("total", total) or 0
    if job.status == JobStatus.DONE:
        percent = 100
    else:
        percent = int(done * 100 / total) if total else 0
    finished = job.status != JobStatus.RUNNING
    return {"id": str(job.id), "kind": job.kind, "label": job.label, "status": job.status,
            "status_label": job.get_status_display(), "stage": stage, "done": done,
            "total": total, "percent": percent, "result": job.result, "errors": job.errors,
            "finished": finished, "attempts": job.attempts,
            "queued": job.status == JobStatus.RUNNING and not job.claim,
            "interrupted": job.interrupted_at is not None,
            "message": finished_message(job) if finished else ""}


def finished_message(job: Job) -> str:
    """A plain sentence for a finished job (issue 12 §8: never a bar stuck at 0 %)."""
    if job.status == JobStatus.DONE:
        return "后台任务已完成。" + (job.result.get("summary", "") if job.result else "")
    first = job.errors[0]["message"] if job.errors else ""
    return f"后台任务未完成:{first}" if first else "后台任务未完成。"
