import pytest

from qzgov.celery import app, collect_beat_schedule


def test_reliability_settings():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    # Short (issue 13 §4): a killed worker's task comes back within minutes; the database
    # claim (apps.core.jobs) refuses a redelivery while the first delivery still runs,
    # which a heartbeat older than JOB_STALE_SECONDS would no longer prove.
    from django.conf import settings

    timeout = conf.broker_transport_options["visibility_timeout"]
    assert settings.JOB_STALE_SECONDS < timeout <= 3600
    assert settings.JOB_HEARTBEAT_SECONDS * 3 <= settings.JOB_STALE_SECONDS
    assert conf.broker_transport_options["unacked_restore_interval"] <= 60


def test_beat_schedule_is_collected_from_the_apps():
    schedule = collect_beat_schedule()
    assert schedule["core.send_notices"]["task"] == "core.send_notices"
    registered = set(app.tasks)
    for name, entry in schedule.items():
        assert entry["task"] in registered, f"{name} schedules unknown task {entry['task']}"


def test_ping_runs_eagerly_without_redis():
    from apps.core.tasks import ping

    assert ping.delay("你好").get(timeout=5) == "你好"


@pytest.mark.worker
def test_a_real_worker_runs_a_task_to_completion(celery_worker):
    from apps.core.tasks import ping

    assert celery_worker.run(ping, "衢州") == "衢州"


@pytest.mark.worker
def test_a_real_worker_sees_the_test_database(celery_worker):
    """The worker shares the test's PostgreSQL database: it sends a queued notice."""
    from apps.core.models import Notice
    from apps.core.notices import queue_notice
    from apps.core.tasks import send_notices

    notice = queue_notice(channel=Notice.Channel.SMS, recipient="13800000000", subject="测试",
                          body="测试通知", topic="test", source="worker:1")
    assert celery_worker.run(send_notices) == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
