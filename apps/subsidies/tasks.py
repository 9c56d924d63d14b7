"""Subsidy jobs: the monthly run (started after an index is entered) and the nightly warning."""

from celery import shared_task
from celery.schedules import crontab

from . import rules, services


@shared_task(name="subsidies.run")
def subsidy_run_task(month: str) -> dict:
    """Compute ``month`` (YYYY-MM); a locked month is reported, not retried."""
    try:
        run = services.run_compute(month=month)
    except (rules.BadMonth, services.SubsidyError) as exc:
        services.log.warning("subsidy run %s not computed: %s", month, exc)
        return {"month": month, "error": str(exc)}
    return {"month": month, "run": run.pk, "sequence": run.sequence,
            "triggered": run.triggered, "persons": run.persons, "amount": str(run.amount)}


@shared_task(name="subsidies.warn_overdue")
def warn_overdue_task() -> int:
    return services.warn_overdue_runs()


BEAT_SCHEDULE = {
    "subsidies.warn_overdue": {"task": "subsidies.warn_overdue",
                               "schedule": crontab(hour=1, minute=30)},
}
