"""Subsidy jobs: the monthly run (started after an index is entered) and the nightly warning.

Tasks act as 系统, or as the user whose id they are given (issue 9 §1): the services check
that user like any other write."""

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

from apps.core import authority

from . import jobs, rules, services
from .models import Job, JobStatus

RETRY_SECONDS = 2


def _actor(actor_id):
    from django.contrib.auth import get_user_model

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
        _deliver(self, lambda: jobs.run_job(job_id=job_id, month=month, actor=actor),
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
    """The monthly run of ``Job`` ``job_id`` (claimed, heartbeaten; see ``jobs``)."""
    actor = _actor(actor_id)
    with authority.acting_as(actor, origin="" if actor else "任务 subsidies.job_run"):
        _deliver(self, lambda: jobs.run_job(job_id=job_id, month=month, actor=actor))
    return job_id


@shared_task(name="subsidies.job_import", bind=True)
def import_job_task(self, job_id: str, kind: str, token: str, filename: str,
                    from_month: str | None = None, actor_id: int | None = None) -> str:
    """A confirmed import of ``Job`` ``job_id`` (claimed, heartbeaten; see ``jobs``).

    ``token`` names the upload in ``IMPORT_DIR`` (``apps.core.uploads``), bound to the user."""
    actor = _actor(actor_id)
    with authority.acting_as(actor, origin="" if actor else "任务 subsidies.job_import"):
        _deliver(self, lambda: jobs.import_job(job_id=job_id, kind=kind, token=token,
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
    from . import jobs

    actor = _actor(actor_id)
    with authority.acting_as(actor, origin="" if actor else "任务 subsidies.job_check"):
        jobs.check_job(job_id=job_id, kind=kind, token=token, filename=filename,
                       from_month=from_month, actor=actor, preview_url=preview_url)
    return job_id


@shared_task(name="subsidies.warn_overdue")
def warn_overdue_task() -> int:
    with authority.acting_as(None, origin="任务 subsidies.warn_overdue"):
        return services.warn_overdue_runs()


@shared_task(name="subsidies.recompute_stale")
def recompute_stale_task() -> list[str]:
    """Nightly: every draft whose inputs changed after it was computed is recomputed."""
    with authority.acting_as(None, origin="任务 subsidies.recompute_stale"):
        return [str(run) for run in services.recompute_stale_drafts()]


BEAT_SCHEDULE = {
    "subsidies.recompute_stale": {"task": "subsidies.recompute_stale",
                                  "schedule": crontab(hour=1, minute=0)},
    "subsidies.warn_overdue": {"task": "subsidies.warn_overdue",
                               "schedule": crontab(hour=1, minute=30)},
    "subsidies.reap_jobs": {"task": "subsidies.reap_jobs", "schedule": crontab(minute="*")},
}
