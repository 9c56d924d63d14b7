"""Core jobs: the outbox sender, the calendar check, and a ping proving a worker is alive."""

import datetime as dt
import logging

from celery import shared_task
from celery.schedules import crontab

from . import authority, notices, retention, services, uploads

log = logging.getLogger(__name__)


@shared_task(name="core.ping")
def ping(value: str = "pong") -> str:
    return value


@shared_task(name="core.send_notices")
def send_notices() -> int:
    return notices.send_queued()


@shared_task(name="core.calendar_check")
def calendar_check(day: str | None = None) -> int:
    """From 1 November: remind 市府办 while next year's holiday schedule is missing; returns
    and logs the reminders it created (0 on a rerun the same day), issue 14 §7."""
    _notice, created = services.calendar_remind(today=dt.date.fromisoformat(day) if day else None)
    log.info("calendar check: %d reminder(s) created", int(created))
    return int(created)


@shared_task(name="core.purge_uploads")
def purge_uploads() -> int:
    """Nightly: uploaded import files older than 24 h are removed (issue 9 §7)."""
    return uploads.purge_uploads()


@shared_task(name="core.retention")
def retention_nightly() -> dict:
    """Nightly: archive audit rows older than the retention period (verified checksum
    first) and clear expired sessions (issue 11 §7)."""
    with authority.acting_as(None, origin="定时任务 core.retention"):
        return retention.nightly()


BEAT_SCHEDULE = {
    "core.retention": {"task": "core.retention", "schedule": crontab(hour=2, minute=45)},
    "core.purge_uploads": {"task": "core.purge_uploads", "schedule": crontab(hour=2, minute=15)},
    "core.send_notices": {"task": "core.send_notices", "schedule": crontab(minute="*/10")},
    "core.calendar_check": {"task": "core.calendar_check", "schedule": crontab(minute=15, hour=1)},
}
