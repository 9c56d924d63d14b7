"""Shared fixtures: personas for each role, regions, the imported seed gazette."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from apps.core.models import Region, StaffProfile

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def regions(db) -> dict[str, Region]:
    """Regions by code (330800 city, 330802 柯城区 … 330881 江山市)."""
    return {r.code: r for r in Region.objects.exclude(code=None)}


@pytest.fixture
def make_staff(db):
    """make_staff("mz", "民政", region_code="330802") → a staff user in that role and scope."""

    def make(username: str, group: str | None = None, *, region_code: str | None = None,
             password: str = "pw-for-tests-only", superuser: bool = False):
        user = get_user_model().objects.create_user(
            username=username, password=password, is_staff=True, is_superuser=superuser)
        if group:
            user.groups.add(Group.objects.get(name=group))
        region = Region.objects.get(code=region_code) if region_code else None
        StaffProfile.objects.create(user=user, region=region)
        return user

    return make


@pytest.fixture
def shifuban_user(make_staff):
    return make_staff("shifuban", "市府办")


@pytest.fixture
def minzheng_user(make_staff):
    return make_staff("minzheng", "民政")


@pytest.fixture
def renshe_user(make_staff):
    return make_staff("renshe", "人社")


@pytest.fixture
def fagaiwei_user(make_staff):
    return make_staff("fagaiwei", "发改委")


@pytest.fixture
def yibao_user(make_staff):
    return make_staff("yibao", "医保")


@pytest.fixture
def auditor_user(make_staff):
    return make_staff("shenji", "审计")


@pytest.fixture
def kecheng_user(make_staff):
    """A 柯城区 民政 staff member: sees 柯城区 records only."""
    return make_staff("kecheng", "民政", region_code="330802")


@pytest.fixture
def jiangshan_user(make_staff):
    return make_staff("jiangshan", "民政", region_code="330881")


@pytest.fixture
def gazette_text() -> str:
    return settings.GAZETTE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def imported_gazette(db, gazette_text):
    """The seed gazette imported through the real command path (all registered parsers)."""
    from apps.gazette.services import import_gazette

    return import_gazette(text=gazette_text, source_name="seed")


@pytest.fixture(scope="module")
def seed_gazette(django_db_setup, django_db_blocker):
    """The seed gazette imported once per test module (each test still runs in its own
    savepoint): importing the seed takes seconds (every row is audited), so read-mostly
    modules share one import, in a transaction rolled back when the module ends. Browser and
    real-worker tests (transactional) use ``imported_gazette``."""
    from django.db import transaction

    from apps.gazette.services import import_gazette

    text = settings.GAZETTE_PATH.read_text(encoding="utf-8")
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            report = import_gazette(text=text, source_name="seed")
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield report
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def gazette(seed_gazette, db):
    """The seed as imported (shared by the module); changes made by a test are rolled back."""
    return seed_gazette


@pytest.fixture
def browser():
    """Debian chromium driven by Playwright (no browser download).

    Function-scoped on purpose: Playwright's sync API runs an event loop that hides the
    test database's serialized contents from Django, so it must start after the database
    fixture (``serialized_rollback=True`` restores migration data for browser tests).
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        # Connections the test opened while Playwright's loop ran live in that context's
        # storage; close them here or PostgreSQL keeps a session on the test database.
        from django.db import connections

        connections.close_all()
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def admin_login(page, live_server):
    """admin_login(user) logs ``user`` into the admin in the browser; returns the page."""

    def login(user, password: str = "pw-for-tests-only"):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", user.get_username())
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    return login


def which(name: str) -> str | None:
    return shutil.which(name)


def pytest_configure(config):
    """Tests run tasks eagerly unless a test asks for a real worker (``celery_worker``)."""
    from django.conf import settings as django_settings

    from qzgov.celery import app

    # Tests create many users; the production hasher is deliberately slow.
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


class RealWorker:
    def __init__(self, queue: str):
        self.queue = queue

    def run(self, task, *args, timeout: float = 120, **kwargs):
        """Send ``task`` to the real worker and wait for its result."""
        return task.apply_async(args=args, kwargs=kwargs, queue=self.queue).get(timeout=timeout)


@pytest.fixture
def celery_worker(django_db_serialized_rollback, transactional_db):
    """A real ``celery worker`` process on Redis, sharing this test's PostgreSQL database.

    Needs REDIS_URL and a PostgreSQL DATABASE_URL (CI has both); skipped otherwise.
    Use ``celery_worker.run(task, *args)``; the test's data must be committed, hence
    ``transactional_db``.
    """
    import subprocess
    import sys
    import time
    import uuid
    from urllib.parse import urlsplit

    from django.db import connection

    from qzgov.celery import app

    redis_url = os.environ.get("REDIS_URL")
    database_url = os.environ.get("DATABASE_URL", "")
    if not redis_url or not database_url.startswith(("postgres", "postgresql")):
        pytest.skip("needs REDIS_URL and a PostgreSQL DATABASE_URL (run by .ci/run)")
    test_db = connection.settings_dict["NAME"]
    env = dict(os.environ)
    env["DATABASE_URL"] = urlsplit(database_url)._replace(path="/" + test_db).geturl()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "qzgov", "worker", "-Q", queue, "-P", "solo",
         "--without-gossip", "--without-mingle", "--loglevel=INFO", "-n", f"{queue}@%h"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    app.conf.task_always_eager = False
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1)
            if replies:
                break
            if worker.poll() is not None:
                pytest.fail("celery worker exited:\n" + (worker.stdout.read() if worker.stdout else ""))
        else:
            pytest.fail("celery worker did not start within 60 s")
        yield RealWorker(queue)
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        if worker.stdout:
            worker.stdout.close()
