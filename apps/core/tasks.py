"""Core jobs: the outbox sender, and a ping used to prove a worker is alive."""

from celery import shared_task
from celery.schedules import crontab

from . import notices, uploads


@shared_task(name="core.ping")
def ping(value: str = "pong") -> str:
    return value


@shared_task(name="core.send_notices")
def send_notices() -> int:
    return notices.send_queued()


@shared_task(name="core.purge_uploads")
def purge_uploads() -> int:
    """Nightly: uploaded import files older than 24 h are removed (issue 9 §7)."""
    return uploads.purge_uploads()


BEAT_SCHEDULE = {
    "core.purge_uploads": {"task": "core.purge_uploads", "schedule": crontab(hour=2, minute=15)},
    "core.send_notices": {"task": "core.send_notices", "schedule": crontab(minute="*/10")},
}
