"""Subsidy jobs: the monthly run (started after an index is entered) and the nightly warning.

Tasks act as 系统, or as the user whose id they are given (issue 9 §1): the services check
that user like any other write."""

from celery import shared_task
from celery.schedules import crontab

from apps.core import authority

from . import rules, services


@shared_task(name="subsidies.run")
def subsidy_run_task(month: str, actor_id: int | None = None) -> dict:
    """Compute ``month`` (YYYY-MM); a locked month is reported, not retried."""
    actor = _actor(actor_id)
    try:
        with authority.acting_as(actor, origin="" if actor else "任务 subsidies.run"):
            run = services.run_compute(month=month, actor=actor)
    except (rules.BadMonth, services.SubsidyError, authority.AuthorityError) as exc:
        services.log.warning("subsidy run %s not computed: %s", month, exc)
        return {"month": month, "error": str(exc)}
    return {"month": month, "run": run.pk, "sequence": run.sequence,
            "triggered": run.triggered, "persons": run.persons, "amount": str(run.amount)}


def _actor(actor_id):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=actor_id).first() if actor_id else None


@shared_task(name="subsidies.job_run")
def run_job_task(job_id: str, month: str, actor_id: int | None = None) -> str:
    """The run started from the run page; progress goes to ``Job`` ``job_id``."""
    from . import jobs

    actor = _actor(actor_id)
    with authority.acting_as(actor, origin="" if actor else "任务 subsidies.job_run"):
        jobs.run_job(job_id=job_id, month=month, actor=actor)
    return job_id


@shared_task(name="subsidies.job_import")
def import_job_task(job_id: str, kind: str, token: str, filename: str,
                    from_month: str | None = None, actor_id: int | None = None) -> str:
    """A confirmed import started from the admin; progress goes to ``Job`` ``job_id``.

    ``token`` names the upload in ``IMPORT_DIR`` (``apps.core.uploads``), bound to the user."""
    from . import jobs

    actor = _actor(actor_id)
    with authority.acting_as(actor, origin="" if actor else "任务 subsidies.job_import"):
        jobs.import_job(job_id=job_id, kind=kind, token=token, filename=filename,
                        from_month=from_month, actor=actor)
    return job_id


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
}
