"""Beyond one machine (issue 13 §7): two web processes (gunicorn, each its own port, as two
hosts would be) and two Celery workers on one PostgreSQL and one Redis — nothing assumes a
single host.

- An upload made through web A is kept where every node reads it (``IMPORT_DIR``, shared
  storage), its check runs as a job on one worker, the confirm is made through web B and the
  import job runs on the *other* worker, reading the same upload.
- Progress of a job started on web A is read from web B (job records in the database,
  progress in the Redis cache); logins hold on both (sessions in the database).
- The month's run started from both web processes at the same instant is computed once (one
  roll, one line per person), and a scheduled job delivered twice (a second beat by
  mistake, or a redelivery) has its effect once.

Worker marker: needs a PostgreSQL ``DATABASE_URL``, ``redis-server`` and gunicorn; run
outside any parallel test runner.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from apps.core import resident_id
from apps.core.models import Notice, StaffProfile
from apps.subsidies.models import Beneficiary, Job, JobStatus, MonthlyIndex, RollLine, SubsidyRun

from .conftest import JUNE
from .test_faults_worker import PrivateRedis, Workers, _free_port, _wait

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="needs a PostgreSQL DATABASE_URL and redis-server"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "two-hosts-pw-for-tests-only"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Web:
    """One gunicorn (one process, its own port) on the test database and the private Redis."""

    def __init__(self, name: str, env: dict, log_dir: Path):
        self.name, self.port = name, _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"web-{name}.log"
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "qzgov.wsgi:application", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "120"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log.open("w"),
            start_new_session=True)

        def up():
            if self.process.poll() is not None:
                pytest.fail(f"web {name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                return urllib.request.urlopen(f"{self.base}/admin/login/", timeout=5).status == 200
            except OSError:
                return False

        _wait(up, 90, f"web {name}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Browser:
    """A clerk's cookies against any of the web processes (one session for both)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, url: str) -> tuple[int, str, str]:
        with self.opener.open(url, timeout=120) as response:
            return response.status, response.geturl(), response.read().decode()

    def post(self, url: str, fields: dict, files: dict | None = None) -> tuple[int, str, str]:
        headers = {"Referer": url, "X-CSRFToken": self.csrf()}
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for key, value in fields.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"'
                             f"\r\n\r\n{value}\r\n".encode())
            for key, (filename, data) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                             f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                             + data + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with self.opener.open(request, timeout=120) as response:
            return response.status, response.geturl(), response.read().decode()

    def login(self, web: Web, username: str) -> None:
        _, _, page = self.get(f"{web.base}/admin/login/")
        token = CSRF.search(page).group(1)
        _, where, answer = self.post(f"{web.base}/admin/login/?next=/admin/", {
            "csrfmiddlewaretoken": token, "username": username, "password": PASSWORD,
            "next": "/admin/"})
        errors = re.findall(r'class="errornote"[^>]*>(.*?)</|class="errorlist[^"]*"><li>(.*?)</li>',
                            answer, re.S)
        assert "/admin/login/" not in where, f"login on web {web.name} failed: {errors}"


def _job_state(browser: Browser, web: Web, job_id: str) -> dict:
    _, _, body = browser.get(f"{web.base}/api/subsidies/jobs/{job_id}")
    return json.loads(body)


def _job_id(url: str) -> str:
    return re.search(r"/jobs/([0-9a-f-]{36})/", url).group(1)


def _ran_on(workers: Workers, job_id: str) -> set[str]:
    """The workers whose log shows a task of ``job_id`` done (job tasks return the job id,
    which Celery logs with "succeeded")."""
    return {name for name in workers.processes if job_id in workers.log(name)}


def _stop(workers: Workers, name: str) -> None:
    """A warm shutdown of one worker (it finishes nothing: it is idle)."""
    process = workers.processes[name]
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


@pytest.fixture
def stack(django_db_serialized_rollback, transactional_db, tmp_path, standards):
    redis = PrivateRedis(tmp_path)
    workers = Workers(redis, tmp_path)
    workers.queue = "celery"  # the private Redis is this test's: the web's default queue
    shared = tmp_path / "shared-imports"  # what every node mounts (NFS, a shared volume)
    shared.mkdir()
    workers.shared = str(shared)
    env = {**os.environ, "DATABASE_URL": workers.database_url, "REDIS_URL": redis.url,
           "IMPORT_DIR": str(shared), "DEBUG": "1", "OTP_REQUIRED": "0", "LOCKOUT_ENABLED": "0",
           "SECRET_KEY": "two-hosts-test-secret-key-" + "s" * 40,
           "RESIDENT_ID_KEY": settings.RESIDENT_ID_KEY, "IMPORT_INLINE_MAX_ROWS": "0",
           "LOG_LEVEL": "WARNING"}
    webs = []
    try:
        for name in ("w1", "w2"):
            _start(workers, name)
        webs = [Web("a", env, tmp_path), Web("b", env, tmp_path)]
        yield webs[0], webs[1], workers
    finally:
        for web in webs:
            web.stop()
        workers.stop_all()
        redis.stop()


def _start(workers: Workers, name: str):
    return workers.start(name, IMPORT_DIR=workers.shared,
                         RESIDENT_ID_KEY=settings.RESIDENT_ID_KEY, JOB_STALE_SECONDS="60",
                         CELERY_VISIBILITY_TIMEOUT="300")


def _clerk():
    user = get_user_model().objects.create_user("twohosts", password=PASSWORD, is_staff=True,
                                                is_superuser=True)
    # The web processes hash as production does (the tests' settings use MD5 for speed).
    hasher = PBKDF2PasswordHasher()
    get_user_model().objects.filter(pk=user.pk).update(
        password=hasher.encode(PASSWORD, hasher.salt()))
    StaffProfile.objects.create(user=user, region=None)
    return user


def test_two_web_processes_and_two_workers_share_one_database_and_one_redis(stack, regions):
    web_a, web_b, workers = stack
    _clerk()
    browser = Browser()
    browser.login(web_a, "twohosts")
    assert browser.get(f"{web_b.base}/admin/")[1].endswith("/admin/")  # one session, both hosts

    # 1. Upload through web A: the check runs as a job on a worker, reading the shared upload.
    _stop(workers, "w2")  # only w1 may take the check
    rows = "".join(f"两地{n},{resident_id.compose('330802', dt.date(1960, 1, 1), n)},330802,城镇,低保\n"
                   for n in range(3))
    csv = ("姓名,公民身份号码,区划代码,城乡,类别\n" + rows).encode()
    _, page, _ = browser.post(f"{web_a.base}/admin/subsidies/beneficiary/import/",
                              {"format": "0", "resource": "0", "from_month": "2020-01"},
                              {"import_file": ("two-hosts.csv", csv)})
    check = _job_id(page)
    # 2. Its progress is read from web B.
    state = _wait(lambda: (s := _job_state(browser, web_b, check))["finished"] and s, 180,
                  "the check job, seen from web B")
    assert state["status"] == "done", state
    assert _ran_on(workers, check) == {"w1"}
    # 3. Confirm through web B: the import job runs on the other worker, same upload.
    _start(workers, "w2")
    _stop(workers, "w1")
    status, _, page = browser.get(f"{web_b.base}/admin/subsidies/beneficiary/import/checked/{check}/")
    assert status == 200 and "process_import" in page
    preview = Job.objects.get(pk=check).result["preview"]
    _, page, _ = browser.post(f"{web_b.base}/admin/subsidies/beneficiary/process_import/", {
        "csrfmiddlewaretoken": browser.csrf(), "import_file_name": preview["token"],
        "original_file_name": preview["file_name"], "format": "0", "resource": "0",
        "from_month": preview.get("from_month", "")})
    imported = _job_id(page)
    state = _wait(lambda: (s := _job_state(browser, web_a, imported))["finished"] and s, 180,
                  "the import job, seen from web A")
    assert state["status"] == "done", state
    assert _ran_on(workers, imported) == {"w2"}
    assert Beneficiary.objects.filter(name__startswith="两地").count() == 3

    # 4. The month's run started from both web processes at once: one roll.
    _start(workers, "w1")
    MonthlyIndex.objects.update_or_create(month=JUNE, defaults={"scpi": Decimal("3.6"),
                                                                "cpi_food": Decimal("11.1")})
    pages: dict[str, str] = {}

    def start(web: Web):
        pages[web.name] = browser.post(f"{web.base}/subsidies/jobs/run/",
                                       {"csrfmiddlewaretoken": browser.csrf(), "month": "2020-06"})[1]

    threads = [threading.Thread(target=start, args=(web,)) for web in (web_a, web_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_jobs = [_job_id(pages["a"]), _job_id(pages["b"])]
    for job_id, seen_from in zip(run_jobs, (web_b, web_a), strict=True):
        _wait(lambda j=job_id, w=seen_from: _job_state(browser, w, j)["finished"], 300,
              "both run jobs")
    assert SubsidyRun.objects.filter(month=JUNE).count() == 1
    june = SubsidyRun.objects.get(month=JUNE)
    persons = RollLine.objects.filter(run=june).values("beneficiary").distinct().count()
    assert june.persons == persons == RollLine.objects.filter(run=june).count() > 0
    outcomes = sorted(Job.objects.get(pk=j).status for j in run_jobs)
    assert JobStatus.DONE in outcomes and JobStatus.RUNNING not in outcomes

    # 5. A scheduled job delivered twice at once (two beats by mistake): its effect once.
    for _ in range(2):
        workers.send("subsidies.warn_overdue")
    _wait(lambda: Notice.objects.filter(source=f"run-overdue:{june.pk}").exists(), 120,
          "the overdue warning")
    time.sleep(3)
    assert Notice.objects.filter(source=f"run-overdue:{june.pk}").count() == 1
