"""Subsidy jobs: the monthly run (started after an index is entered), file imports and their
checks, and the nightly warning. The task bodies live here (issue 14 §3); the claim,
heartbeat and progress machinery is ``apps.core.jobs``.

Tasks act as 系统, or as the user whose id they are given (issue 9 §1): the services check
that user like any other write."""

import logging

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.core import authority, import_jobs, jobs, uploads
from apps.core.authority import AuthorityError
from apps.core.tabular import ImportRejected

from . import imports, rules, services
from .models import Job, JobStatus

log = logging.getLogger("qzgov.subsidies")
RETRY_SECONDS = 2


def _actor(actor_id):
    return get_user_model().objects.filter(pk=actor_id).first() if actor_id else None


def _month_or_none(month: str):
    try:
        return rules.parse_month(month)
    except rules.BadMonth:
        return None


def start_run_job(month: str, user=None, *, actor_id: int | None = None) -> Job:
    """Record a run job for ``month`` (YYYY-MM) and send its task: the record is committed
    before the message, so every delivery names it (issue 13 §4). Used by the run page and
    by an index entry (the automatic path), whose failures thus show on the run page."""
    job = jobs.job_start(kind=Job.Kind.RUN, label=f"{month}价格补贴", user=user,
                         total=services.RUN_STAGES, month=_month_or_none(month))
    if actor_id is None and getattr(user, "is_authenticated", False):
        actor_id = user.pk
    run_job_task.delay(str(job.pk), month, actor_id)
    return job


def _busy_countdown(task) -> int:
    """When to look again at a job another delivery holds: once its heartbeat could have
    gone stale, and well inside the visibility timeout (a held message is not restored)."""
    timeout = task.app.conf.broker_transport_options.get("visibility_timeout", 3600)
    return max(1, min(settings.JOB_STALE_SECONDS, timeout // 2))


def _deliver(task, work, **retry) -> str:
    """Run one delivery. A database connection cut mid-work is retried (the claim was given
    back): by the broker after a pause, or at once when tasks run eagerly. A delivery that
    finds the job held by a live delivery (a redelivery after the visibility timeout, or
    one that came before a dead worker's heartbeat went stale) looks again later, and takes
    the job over if that worker has died meanwhile (issue 13 §4)."""
    while True:
        outcome = work()
        if outcome not in (jobs.RETRY, jobs.BUSY):
            return outcome
        if task.request.is_eager:
            if outcome == jobs.BUSY:
                return outcome
            continue
        countdown = RETRY_SECONDS if outcome == jobs.RETRY else _busy_countdown(task)
        raise task.retry(countdown=countdown, max_retries=None, **retry)


@shared_task(name="subsidies.run", bind=True)
def subsidy_run_task(self, month: str, actor_id: int | None = None,
                     job_id: str | None = None) -> dict:
    """Compute ``month`` (YYYY-MM) as a job; a locked, unknown or unchanged month is
    reported in the result (and on the job), not retried."""
    if job_id is None:
        job_id = str(jobs.job_start(kind=Job.Kind.RUN, label=f"{month}价格补贴",
                                    user=_actor(actor_id), total=services.RUN_STAGES,
                                    month=_month_or_none(month)).pk)
    actor = _actor(actor_id)
    with authority.acting_as(actor, origin="" if actor else "任务 subsidies.run"):
        _deliver(self, lambda: run_job(job_id=job_id, month=month, actor=actor),
                 args=(month, actor_id), kwargs={"job_id": job_id})
    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.DONE:
        keys = ("run", "sequence", "triggered", "persons", "amount", "unchanged", "summary")
        return {"month": month, "job": job_id,
                **{k: job.result[k] for k in keys if k in job.result}}
    error = job.errors[0]["message"] if job.errors else job.stage
    services.log.warning("subsidy run %s not computed: %s", month, error)
    return {"month": month, "job": job_id, "error": error}


@shared_task(name="subsidies.job_run", bind=True)
def run_job_task(self, job_id: str, month: str, actor_id: int | None = None) -> str:
    """The monthly run of ``Job`` ``job_id`` (claimed, heartbeaten; see ``apps.core.jobs``)."""
    actor = _actor(actor_id)
    with authority.acting_as(actor, origin="" if actor else "任务 subsidies.job_run"):
        _deliver(self, lambda: run_job(job_id=job_id, month=month, actor=actor))
    return job_id


@shared_task(name="subsidies.job_import", bind=True)
def import_job_task(self, job_id: str, kind: str, token: str, filename: str,
                    from_month: str | None = None, actor_id: int | None = None) -> str:
    """A confirmed import of ``Job`` ``job_id`` (claimed, heartbeaten; see ``apps.core.jobs``).

    ``token`` names the upload in ``IMPORT_DIR`` (``apps.core.uploads``), bound to the user."""
    actor = _actor(actor_id)
    with authority.acting_as(actor, origin="" if actor else "任务 subsidies.job_import"):
        _deliver(self, lambda: import_job(job_id=job_id, kind=kind, token=token,
                                               filename=filename, from_month=from_month,
                                               actor=actor))
    return job_id


@shared_task(name="subsidies.reap_jobs")
def reap_jobs_task() -> int:
    """Every minute: jobs whose worker stopped beating are marked interrupted (shown to
    staff); the broker's redelivery takes them over (issue 13 §4)."""
    return jobs.reap_lost()


@shared_task(name="subsidies.job_check")
def check_job_task(job_id: str, kind: str, token: str, filename: str,
                   from_month: str | None = None, actor_id: int | None = None,
                   preview_url: str = "") -> str:
    """A large upload's validation (the preview's dry run) started from the admin import
    screen (issue 11 §3); progress goes to ``Job`` ``job_id``, the upload stays for the
    confirm."""
    actor = _actor(actor_id)
    with authority.acting_as(actor, origin="" if actor else "任务 subsidies.job_check"):
        check_job(job_id=job_id, kind=kind, token=token, filename=filename,
                       from_month=from_month, actor=actor, preview_url=preview_url)
    return job_id


@shared_task(name="subsidies.warm_rolls")
def warm_rolls_task(run_id: int) -> int:
    """Build a computed or approved run's county × department roll files (issue 13 §3)."""
    from . import rollfiles
    from .models import SubsidyRun

    run = SubsidyRun.objects.filter(pk=run_id).first()
    return rollfiles.warm(run) if run is not None and run.computed_at else 0


@shared_task(name="subsidies.prune_roll_files")
def prune_roll_files_task() -> int:
    """Nightly: stored roll files that no download can read again are deleted (issue 13 §3)."""
    from . import rollfiles

    with authority.acting_as(None, origin="任务 subsidies.prune_roll_files"):
        return rollfiles.prune_stale()


@shared_task(name="subsidies.warn_overdue")
def warn_overdue_task() -> int:
    with authority.acting_as(None, origin="任务 subsidies.warn_overdue"):
        return services.warn_overdue_runs()


@shared_task(name="subsidies.recompute_stale")
def recompute_stale_task() -> list[str]:
    """Nightly: every draft whose inputs changed after it was computed is recomputed."""
    with authority.acting_as(None, origin="任务 subsidies.recompute_stale"):
        return [str(run) for run in services.recompute_stale_drafts()]


# --- the task bodies ---------------------------------------------------------------------


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
    outcome of this delivery (``jobs.DONE``, ``FAILED``, ``SKIPPED``, ``RETRY``, ``LOST``)."""

    def known(exc: Exception) -> jobs.Ended | None:
        if isinstance(exc, services.NoChange):
            url = reverse("subsidies-run-page",
                          args=[rules.month_label(rules.parse_month(month))])
            return jobs.Ended(JobStatus.DONE, result={
                "summary": str(exc), "month": month, "unchanged": True, "url": url})
        if isinstance(exc, (rules.BadMonth, services.SubsidyError, AuthorityError)):
            return jobs.Ended(JobStatus.FAILED, errors=jobs.error(str(exc)))
        return None

    return jobs.run_claimed(
        job_id, lambda progress: run_result(services.run_compute(
            month=month, actor=actor, progress=progress)),
        what="测算", known=known, internal="计算出现内部错误,请联系管理员")


def _upload_failure(exc: Exception) -> str | None:
    """The message of a failure that is about the request, not the code (or ``None``)."""
    if isinstance(exc, FileNotFoundError):
        return "上传的文件已过期,请重新上传"
    if isinstance(exc, (rules.BadMonth, AuthorityError)):
        return str(exc)
    return None


def import_job(*, job_id, kind: str, token: str, filename: str, from_month: str | None = None,
               actor=None, remove: bool = True) -> str:
    """A file import as a claimed job: rows validated in chunks, then the write (issue 3 §4).

    The file is the upload ``token`` in ``IMPORT_DIR``, readable only by the user who
    uploaded it (issue 9 §7). It is removed once the import is done or has failed for good;
    a retry or a redelivery still finds it."""

    def work(progress) -> dict:
        data = uploads.read_upload(token, user=actor)
        result = imports.import_file(kind=kind, data=data, filename=filename, actor=actor,
                                     from_month=from_month or None, progress=progress)
        return {"summary": str(result), "messages": result.messages, "rows": result.rows,
                "created": result.created, "updated": result.updated,
                "unchanged": result.unchanged}

    def known(exc: Exception) -> jobs.Ended | None:
        if isinstance(exc, ImportRejected):
            return jobs.Ended(JobStatus.FAILED, result={"summary": str(exc)},
                              errors=jobs.row_errors(exc.errors))
        message = _upload_failure(exc)
        return None if message is None else jobs.Ended(JobStatus.FAILED,
                                                       errors=jobs.error(message))

    outcome = jobs.run_claimed(job_id, work, what="导入", known=known)
    if outcome in (jobs.DONE, jobs.FAILED) and remove:
        uploads.discard_upload(token)
    return outcome


def check_job(*, job_id, kind: str, token: str, filename: str, from_month: str | None = None,
              actor=None, preview_url: str = "") -> None:
    """A large file's whole-file validation (the preview's dry run) in the worker, with
    progress (issue 11 §3): ``apps.core.import_jobs.check_upload`` over ``imports.import_file``
    with ``dry_run``; the same preview/confirm screen (``preview_url``) shows the outcome."""

    def check(data, progress) -> dict:
        outcome = imports.import_file(kind=kind, data=data, filename=filename, dry_run=True,
                                      actor=actor, from_month=from_month or None,
                                      progress=progress)
        return {"summary": str(outcome), "messages": outcome.messages, "rows": outcome.rows,
                "created": outcome.created, "updated": outcome.updated,
                "unchanged": outcome.unchanged}

    import_jobs.check_upload(job_id, token=token, actor=actor, check=check,
                             preview={"kind": kind, "token": token, "file_name": filename,
                                      "from_month": from_month or ""},
                             preview_url=preview_url, failure=_upload_failure)


def start_check_job(*, kind: str, token: str, filename: str, from_month=None, user=None,
                    preview_view: str = "") -> Job:
    """Validate a large upload (already stored under ``token`` for the confirm) in the worker;
    the job's page links to ``preview_view`` (the admin's checked-preview URL name)."""
    job = jobs.job_start(kind=Job.Kind.IMPORT,
                         label=f"校验{imports.KIND_LABELS[kind]} {filename}", user=user)
    url = reverse(preview_view, args=[job.pk]) if preview_view else ""
    check_job_task.delay(str(job.pk), kind, token, filename,
                         str(from_month) if from_month else None, getattr(user, "pk", None), url)
    return job


def start_import_job(*, kind: str, data: bytes, filename: str, from_month=None, user=None) -> Job:
    """Keep the file for the worker (``IMPORT_DIR``, random name, bound to ``user``), record
    the job, start the task; the task removes the file when the import ends."""
    token = uploads.store_upload(data, user=user)
    job = jobs.job_start(kind=Job.Kind.IMPORT, label=f"{imports.KIND_LABELS[kind]} {filename}",
                         user=user)
    import_job_task.delay(str(job.pk), kind, token, filename,
                          str(from_month) if from_month else None,
                          getattr(user, "pk", None))
    return job


BEAT_SCHEDULE = {
    "subsidies.recompute_stale": {"task": "subsidies.recompute_stale",
                                  "schedule": crontab(hour=1, minute=0)},
    "subsidies.warn_overdue": {"task": "subsidies.warn_overdue",
                               "schedule": crontab(hour=1, minute=30)},
    "subsidies.reap_jobs": {"task": "subsidies.reap_jobs", "schedule": crontab(minute="*")},
    "subsidies.prune_roll_files": {"task": "subsidies.prune_roll_files",
                                   "schedule": crontab(hour=2, minute=30)},
}
