"""Faults on the real stack (issue 13 §4): real Celery workers on a private Redis, PostgreSQL.

Each test holds the work at a known point — a table lock taken by the test, which the
worker's transaction waits on, with its roll lines already written but not committed — and
then breaks something: SIGKILL the worker, restart Redis, cut the database connection, let
the visibility timeout pass, start a second run. Money is never paid twice and nothing is
half-written; the job record says what happened.

The killed-worker test generates ``QZGOV_FAULT_PERSONS`` persons (default 200,000, the
issue's figure) with set-based SQL; the others use 2,000. Worker marker: run outside any
parallel runner (each test starts its own Redis server and workers on a private port).
Timing knobs are shortened through the workers' environment: visibility timeout 4–10 s,
stale heartbeat 5 s, heartbeat 1 s.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, connections

from apps.core import jobs, resident_id, uploads
from apps.core.models import AuditEvent, Region
from apps.subsidies import services
from apps.subsidies.models import (
    Beneficiary,
    Enrolment,
    Job,
    JobStatus,
    MonthlyIndex,
    RollLine,
    RunEvent,
    SubsidyRun,
)

from .conftest import JUNE

JULY = dt.date(2020, 7, 1)
PERSONS = int(os.environ.get("QZGOV_FAULT_PERSONS", "200000"))

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres")
                       or shutil.which("redis-server") is None,
                       reason="needs a PostgreSQL DATABASE_URL and redis-server (run by .ci/run)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


class PrivateRedis:
    """A Redis server of this test's own (append-only file, so a restart keeps the queue)."""

    def __init__(self, directory):
        self.port, self.directory = _free_port(), directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.directory), "--appendonly", "yes", "--appendfsync", "always",
             "--save", ""], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def up():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        _wait(up, 30, "redis-server")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def restart(self):
        self.stop()
        self.start()


class Workers:
    """Celery workers (solo pool, own process group) on the private Redis and the test DB."""

    def __init__(self, redis: PrivateRedis, log_dir):
        self.redis, self.log_dir = redis, log_dir
        self.queue = f"faults-{uuid.uuid4().hex[:8]}"
        test_db = connection.settings_dict["NAME"]
        self.database_url = urlsplit(os.environ["DATABASE_URL"])._replace(
            path="/" + test_db).geturl()
        self.processes: dict[str, subprocess.Popen] = {}
        from celery import Celery

        self.sender = Celery("faults-sender", broker=redis.url, set_as_current=False)

    def start(self, name: str, **knobs: str) -> subprocess.Popen:
        env = {**os.environ, "DATABASE_URL": self.database_url, "REDIS_URL": self.redis.url,
               "IMPORT_DIR": str(settings.IMPORT_DIR), "CELERY_VISIBILITY_TIMEOUT": "10",
               "CELERY_RESTORE_INTERVAL": "1", "JOB_STALE_SECONDS": "5",
               "JOB_HEARTBEAT_SECONDS": "1", **knobs}
        log = self.log_dir / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "qzgov", "worker", "-Q", self.queue,
             "-P", "solo", "--without-gossip", "--without-mingle", "--loglevel=INFO",
             "-n", f"{name}-{self.queue}@%h"],
            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        _wait(lambda: " ready." in log.read_text() or process.poll() is not None, 90,
              f"worker {name}")
        if process.poll() is not None:
            pytest.fail(f"worker {name} exited:\n{log.read_text()[-3000:]}")
        return process

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text()

    def send(self, task: str, *args) -> str:
        return self.sender.send_task(task, args=list(args), queue=self.queue).id

    def kill(self, name: str) -> None:
        """SIGKILL the whole worker (its process group): no shutdown, no ack, no rollback
        sent by the worker."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.sender.close()


@pytest.fixture
def workers(django_db_serialized_rollback, transactional_db, tmp_path):
    redis = PrivateRedis(tmp_path)
    pool = Workers(redis, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()
        redis.stop()
        connections.close_all()


class TableLock:
    """Hold ``table`` in EXCLUSIVE mode from a side connection: reads go on, writes wait."""

    def __init__(self, table: str):
        self.table = table
        self.wrapper = connections.create_connection("default")
        self.wrapper.ensure_connection()
        self.raw = self.wrapper.connection
        self.raw.autocommit = False
        self.raw.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")

    def waiting(self) -> int | None:
        """The backend waiting on the lock (the worker's, mid-work), if any."""
        with connection.cursor() as cursor:
            cursor.execute("""SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                              AND wait_event_type = 'Lock' AND query ILIKE %s""",
                           [f"%{self.table}%"])
            row = cursor.fetchone()
        return row[0] if row else None

    def release(self) -> None:
        if self.raw is not None:
            self.raw.rollback()
            self.wrapper.close()
            self.raw = None


def _backend_gone(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 0


def _generate(standards, persons: int) -> None:
    """``persons`` beneficiaries over the six counties, set-based: every fifth 城镇, one
    category each by id (低保/边缘/特困/优抚/失业), every seventh also 失业保险金 (就高不就低)."""
    region_ids = [standards[code].region_id for code in sorted(standards)]
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO subsidies_beneficiary (name, resident_id, resident_id_digest, region_id,
                                               residence)
            SELECT '对象' || g, 'fault-' || g, md5('fault-' || g), (%s::int[])[1 + g %% 6],
                   CASE WHEN g %% 5 < 2 THEN 'urban' ELSE 'rural' END
            FROM generate_series(1, %s) g
        """, [region_ids, persons])
        cursor.execute("""
            INSERT INTO subsidies_beneficiaryfact (beneficiary_id, from_month, region_id, residence)
            SELECT id, DATE '1900-01-01', region_id, residence FROM subsidies_beneficiary
        """)
        cursor.execute("""
            INSERT INTO subsidies_enrolment (beneficiary_id, category, from_month, to_month,
                                             department)
            SELECT id, c, DATE '2020-01-01', NULL,
                   CASE c WHEN 'youfu' THEN 'tuiyi' WHEN 'unemployment' THEN 'renshe'
                          ELSE 'minzheng' END
            FROM (SELECT id, (ARRAY['dibao', 'edge', 'tekun', 'youfu', 'unemployment'])[1 + id %% 5] AS c
                  FROM subsidies_beneficiary) x
        """, [])
        cursor.execute("""
            INSERT INTO subsidies_enrolment (beneficiary_id, category, from_month, to_month,
                                             department)
            SELECT id, 'unemployment', DATE '2020-01-01', NULL, 'renshe'
            FROM subsidies_beneficiary WHERE id %% 7 = 0 AND id %% 5 <> 4
        """, [])
        cursor.execute("ANALYZE")
    for month in (JUNE, JULY):
        MonthlyIndex.objects.create(month=month, scpi=Decimal("3.6"), cpi_food=Decimal("11.1"))


def _job(month: dt.date, user=None) -> Job:
    return jobs.job_start(kind=Job.Kind.RUN, label=f"{month:%Y-%m}价格补贴", user=user,
                          total=services.RUN_STAGES, month=month)


def _finished(job: Job) -> Job | None:
    job.refresh_from_db()
    return job if job.status != JobStatus.RUNNING else None


def _run_audits(run: SubsidyRun) -> int:
    return AuditEvent.objects.filter(note__endswith=f"价格补贴测算 {run}").count()


def test_a_killed_worker_is_redelivered_and_the_run_completes_once(workers, standards):
    """SIGKILL the worker in the middle of a 200,000-person run (lines written, not
    committed): the task comes back (acks late, reject on worker lost, visibility timeout),
    the stale claim is taken over, and the run completes — one line per person, the totals
    of an uninterrupted run, one run-level audit entry (the killed attempt's was rolled back
    with its transaction)."""
    _generate(standards, PERSONS)
    workers.start("w1")
    lock = TableLock("subsidies_runevent")
    try:
        job = _job(JUNE)
        workers.send("subsidies.job_run", str(job.pk), "2020-06", None)
        pid = _wait(lock.waiting, 600, "the run to reach its last write")
        workers.kill("w1")
    finally:
        lock.release()
    _wait(lambda: _backend_gone(pid), 60, "PostgreSQL to end the killed worker's session")
    assert not SubsidyRun.objects.exists()  # nothing half-written
    workers.start("w2")
    _wait(lambda: _finished(job), 600, "the redelivered run")
    assert (job.status, job.attempts) == (JobStatus.DONE, 2), job.errors
    june = SubsidyRun.objects.get(month=JUNE)
    lines = RollLine.objects.filter(run=june)
    assert lines.count() == lines.values("beneficiary").distinct().count() == PERSONS
    assert june.persons == PERSONS and RunEvent.objects.filter(run=june).count() == 1
    assert _run_audits(june) == 1
    # The same inputs for July, uninterrupted: the same totals.
    july_job = _job(JULY)
    workers.send("subsidies.job_run", str(july_job.pk), "2020-07", None)
    _wait(lambda: _finished(july_job), 600, "the uninterrupted run")
    july = SubsidyRun.objects.get(month=JULY)
    assert (july_job.status, july_job.attempts) == (JobStatus.DONE, 1)
    assert (june.persons, june.amount) == (july.persons, july.amount)
    assert june.amount > 0


def test_a_task_longer_than_the_visibility_timeout_is_not_executed_twice(workers, standards):
    """The broker hands the still-running task to the second worker after 4 s; the
    database claim (fresh heartbeat) refuses it (that delivery only looks again later), and
    the run is done exactly once."""
    _generate(standards, 2000)
    knobs = {"CELERY_VISIBILITY_TIMEOUT": "4", "JOB_STALE_SECONDS": "60"}
    workers.start("w1", **knobs)
    workers.start("w2", **knobs)
    lock = TableLock("subsidies_runevent")
    try:
        job = _job(JUNE)
        task_id = workers.send("subsidies.job_run", str(job.pk), "2020-06", None)
        _wait(lock.waiting, 120, "the run to reach its last write")
        received = f"Task subsidies.job_run[{task_id}] received"
        _wait(lambda: (workers.log("w1") + workers.log("w2")).count(received) >= 2, 60,
              "the second delivery")
        _wait(lambda: f"Task subsidies.job_run[{task_id}] retry" in
              workers.log("w1") + workers.log("w2"), 30, "the refused delivery")
        job.refresh_from_db()
        assert (job.status, job.attempts) == (JobStatus.RUNNING, 1)
    finally:
        lock.release()
    _wait(lambda: _finished(job), 120, "the run")
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    june = SubsidyRun.objects.get(month=JUNE)
    assert RunEvent.objects.filter(run=june).count() == 1 and _run_audits(june) == 1
    assert RollLine.objects.filter(run=june).count() == 2000


def test_two_runs_of_one_month_from_two_workers_make_one_roll(workers, standards):
    """Two starts of a new month at once: one roll; the second is told in Chinese."""
    _generate(standards, 2000)
    workers.start("w1")
    workers.start("w2")
    lock = TableLock("subsidies_runevent")
    try:
        first, second = _job(JUNE), _job(JUNE)
        workers.send("subsidies.job_run", str(first.pk), "2020-06", None)
        _wait(lock.waiting, 120, "the first run to hold the month")
        workers.send("subsidies.job_run", str(second.pk), "2020-06", None)
        _wait(lambda: _finished(second), 120, "the second run")
    finally:
        lock.release()
    _wait(lambda: _finished(first), 120, "the first run")
    assert first.status == JobStatus.DONE
    assert second.status == JobStatus.FAILED
    assert second.errors[0]["message"] == "2020-06本月测算已在进行中,请稍后在测算页面查看结果"
    assert SubsidyRun.objects.filter(month=JUNE).count() == 1
    assert RollLine.objects.count() == RollLine.objects.values("beneficiary").distinct().count() == 2000


def test_redis_restarted_mid_run_the_run_completes_once(workers, standards):
    """Redis goes away while the run's transaction is open and the run commits while it is
    down: the job says done (the outcome recorded is what was committed, in the same
    transaction), the redelivery after Redis is back is refused by the claim, and the
    worker carries on with the next task."""
    _generate(standards, 2000)
    workers.start("w1", CELERY_VISIBILITY_TIMEOUT="6", JOB_STALE_SECONDS="60")
    lock = TableLock("subsidies_runevent")
    try:
        job = _job(JUNE)
        workers.send("subsidies.job_run", str(job.pk), "2020-06", None)
        _wait(lock.waiting, 120, "the run to reach its last write")
        workers.redis.stop()
    finally:
        lock.release()
    _wait(lambda: _finished(job), 120, "the run committing while Redis is down")
    assert (job.status, job.attempts) == (JobStatus.DONE, 1), job.errors
    workers.redis.start()
    time.sleep(12)  # past the visibility timeout: the unacked message has come back by now
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    june = SubsidyRun.objects.get(month=JUNE)
    assert RunEvent.objects.filter(run=june).count() == 1 and _run_audits(june) == 1
    assert RollLine.objects.filter(run=june).count() == 2000
    july_job = _job(JULY)
    workers.send("subsidies.job_run", str(july_job.pk), "2020-07", None)
    _wait(lambda: _finished(july_job), 120, "the next run after the restart")
    assert july_job.status == JobStatus.DONE


def test_a_database_connection_cut_mid_import_is_retried_and_imports_once(
        workers, regions, minzheng_user):
    """pg_terminate_backend on the import's session while it writes: nothing is written,
    the job says so in Chinese and retries, and the retry imports every row once."""
    rows = ["姓名,公民身份号码,区划代码,城乡,类别"] + [
        f"对象{i},{resident_id.compose('330802', dt.date(1960, 1, 1) + dt.timedelta(days=i), i)},"
        f"330802,城镇,低保" for i in range(1, 51)]
    token = uploads.store_upload("\n".join(rows).encode(), user=minzheng_user)
    job = jobs.job_start(kind=Job.Kind.IMPORT, label="补贴对象 b.csv", user=minzheng_user)
    workers.start("w1")
    lock = TableLock("subsidies_enrolment")
    try:
        workers.send("subsidies.job_import", str(job.pk), "beneficiaries", token, "b.csv",
                     "2020-06", minzheng_user.pk)
        pid = _wait(lock.waiting, 120, "the import to write its enrolments")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        _wait(lambda: Job.objects.filter(pk=job.pk, stage__startswith="数据库连接中断").exists()
              or Job.objects.filter(pk=job.pk, attempts=2).exists(), 60, "the retry")
        assert not Beneficiary.objects.exists()  # never half-written
    finally:
        lock.release()
    _wait(lambda: _finished(job), 120, "the retried import")
    assert (job.status, job.attempts) == (JobStatus.DONE, 2), job.errors
    assert Beneficiary.objects.count() == Enrolment.objects.count() == 50
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1
    assert Region.objects.exists()
