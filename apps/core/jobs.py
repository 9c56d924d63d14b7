"""Background jobs: a record committed before the task is sent, claimed, heartbeaten, fenced.

Issue 3 §7 (progress), issue 13 §4 (faults), issue 12 §8 (progress on the embedded default),
issue 14 §3 (one job machinery in core; the task bodies live in each app's ``tasks.py``).

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
* Job records (status, result, Chinese errors) stay in the database; progress (stage, rows
  done) goes only through the shared ``progress`` cache (``apps.core.progress``), readable
  by every process while the work's transaction is open.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import progress as live
from .models import Job, JobStatus

log = logging.getLogger("qzgov.jobs")

QUEUED = "排队等待"
# Outcomes of one delivery (``run_claimed``): BUSY = another delivery holds the job and is
# alive (check again later: it may still die), SKIPPED = nothing left to do.
DONE, FAILED, SKIPPED, RETRY, LOST, BUSY = "done", "failed", "skipped", "retry", "lost", "busy"

Progress = Callable[..., None]


def job_start(*, kind: str, label: str, user=None, total: int = 0,
              month: dt.date | None = None) -> Job:
    """A new job record (committed at once outside a transaction, before the task is sent)."""
    return Job.objects.create(
        id=uuid.uuid4(), kind=kind, label=label, total=total, stage=QUEUED, month=month,
        started_by=user if getattr(user, "is_authenticated", False) else None)


def _stale_seconds() -> int:
    return settings.JOB_STALE_SECONDS


def error(message: str) -> list[dict]:
    """One error without a line, as the job page lists errors."""
    return [{"line": None, "column": "", "message": message}]


def row_errors(errors) -> list[dict]:
    """The bad rows of a whole-file rejection (``ImportRejected.errors``) as the job keeps them."""
    return [{"line": e.line, "column": e.column, "message": e.message} for e in errors]


# --- progress --------------------------------------------------------------------------


def reporter(job_id) -> Progress:
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
    _settle(claimed, status=JobStatus.FAILED, stage="失败", errors=error(
        f"数据库连接中断,{what}已重试{claimed.attempt}次仍未完成,未写入任何数据;请稍后重新发起"))
    return FAILED


# --- one claimed delivery ----------------------------------------------------------------


@dataclass(frozen=True)
class Ended:
    """How a known exception ends a job: ``status`` done (nothing to do) or failed, with the
    result and the Chinese errors the page shows."""

    status: str
    result: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)


def run_claimed(job_id, work: Callable[[Progress], dict], *, what: str,
                known: Callable[[Exception], Ended | None] = lambda exc: None,
                internal: str = "") -> str:
    """Run ``work(progress) -> result`` as one claimed delivery of ``job_id`` (issue 13 §4):
    in one transaction with the heartbeat beating, the outcome settled inside it behind the
    claim fence. ``known(exc)`` turns an expected exception into its outcome; a cut database
    connection is retried; anything else fails with ``internal`` (a Chinese message).
    Returns ``DONE``, ``FAILED``, ``SKIPPED``, ``BUSY``, ``RETRY`` or ``LOST``."""
    claimed = claim(job_id)
    if claimed is None:
        return _refused(job_id)
    outcome = FAILED
    try:
        with heartbeat(claimed) as beating, transaction.atomic():
            result = work(reporter(job_id))
            beating.stop()
            if not _settle(claimed, status=JobStatus.DONE, stage="完成", result=result):
                raise ClaimLost
        outcome = DONE
    except ClaimLost:
        outcome = LOST
    except Exception as exc:
        ended = known(exc)
        if ended is not None:
            done = ended.status == JobStatus.DONE
            _settle(claimed, status=ended.status, stage="完成" if done else "失败",
                    result=ended.result, errors=ended.errors)
            outcome = DONE if done else FAILED
        elif _connection_lost(exc):
            log.warning("%s job %s: database connection lost: %s", what, job_id, exc)
            outcome = _on_database_error(claimed, what)
        else:
            log.exception("%s job %s failed", what, job_id)
            _settle(claimed, status=JobStatus.FAILED, stage="失败",
                    errors=error(internal or f"{what}出现内部错误,请联系管理员"))
    finally:
        if outcome in (DONE, FAILED) and not connection.in_atomic_block:
            live.forget(claimed.job_id)
    return outcome


def job_finish(job_id, *, result: dict) -> None:
    """Mark a job done outside the claim protocol (unclaimed work: a preview's dry run)."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, stage="完成", result=result,
                                         updated_at=timezone.now())
    live.forget(str(job_id))


def job_fail(job_id, *, errors: list[dict], result: dict | None = None) -> None:
    """Mark a job failed outside the claim protocol (unclaimed work: a preview's dry run)."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, stage="失败", errors=errors,
                                         result=result or {}, updated_at=timezone.now())
    live.forget(str(job_id))


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
                                              errors=error(lost_message(lost)), updated_at=now)
    if marked:
        log.warning("%s background job(s) lost their worker", marked)
    return marked


# --- what the page polls -----------------------------------------------------------------


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
