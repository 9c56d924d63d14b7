"""Nightly job: apply status transitions whose date has come (DOMAIN §3)."""

from celery import shared_task
from celery.schedules import crontab

from . import services


@shared_task(name="regulations.apply_transitions")
def apply_transitions(today: str | None = None) -> dict:
    """Thin: parse the optional ISO date and call ``services.transitions_apply``."""
    import datetime as dt

    return services.transitions_apply(today=dt.date.fromisoformat(today) if today else None)


BEAT_SCHEDULE = {
    "regulations.apply_transitions": {
        "task": "regulations.apply_transitions",
        "schedule": crontab(hour=1, minute=10),
    },
}
