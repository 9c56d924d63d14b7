"""Core jobs: the outbox sender, and a ping used to prove a worker is alive."""

from celery import shared_task
from celery.schedules import crontab

from . import notices


@shared_task(name="core.ping")
def ping(value: str = "pong") -> str:
    return value


@shared_task(name="core.send_notices")
def send_notices() -> int:
    return notices.send_queued()


BEAT_SCHEDULE = {
    "core.send_notices": {"task": "core.send_notices", "schedule": crontab(minute="*/10")},
}
