"""Shared fixtures: personas for each role, regions, the imported seed gazette."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from apps.core.models import Region, StaffProfile
from tests import dbtemplate

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


# The seed gazette is imported once per test session (per xdist worker: each has its own
# test database) and committed in the test database (issue 14 §9), instead of once per module.
# Tests that ask for it (``gazette``, ``seed_gazette``, ``imported_gazette``) run after every
# other non-transactional test, so the others still start from the migrated database alone;
# each test still rolls its own changes back in its transaction. pytest-django runs the
# transactional tests (``transaction=True``, ``live_server``, real workers) last; before the
# first of them the seed is flushed away again, so they start, as before, from the migrated
# database and import the seed themselves (``imported_gazette``) when they need it.
SEED_FIXTURES = {"gazette", "seed_gazette", "imported_gazette"}
# Plain database tests of a minute or more: first among the plain ones, so that xdist never
# leaves one of them running alone at the end while the other worker idles.
HEAVY = {"test_every_page_each_role_reaches_is_chinese"}
_SEED: dict = {"report": None, "present": False, "blocker": None}


def _is_transactional(item: pytest.Item) -> bool:
    """pytest-django's own ordering rule: a transactional test flushes the database."""
    from django.test import TestCase, TransactionTestCase
    from pytest_django.plugin import validate_django_db

    cls = getattr(item, "cls", None)
    if cls and issubclass(cls, TransactionTestCase):
        return not issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    transactional = False
    if marker:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        transactional = transaction or reset_sequences
    fixtures = getattr(item, "fixturenames", ())
    return bool(transactional or "transactional_db" in fixtures or "live_server" in fixtures)


def _wants_seed(item: pytest.Item) -> bool:
    return not _is_transactional(item) and bool(SEED_FIXTURES & set(getattr(item, "fixturenames", ())))


def _uses_db(item: pytest.Item) -> bool:
    """pytest-django's own rule for a test that needs the test database."""
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    return bool((cls and issubclass(cls, TransactionTestCase)) or item.get_closest_marker("django_db")
                or "db" in getattr(item, "fixturenames", ()) or _is_transactional(item))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (plain database tests, then transactional, then the rest):
    the tests that need no database move to the front (they run while the test database is
    still being built, tests/dbtemplate.py), then the HEAVY ones, and the plain tests that use
    the seed (a HEAVY one first) to the end of the plain ones. The sort is stable, and every
    xdist worker runs its share in this order."""
    from django.conf import settings as django_settings

    if not django_settings.configured:
        return
    rank = {}
    seen_transactional = False
    for item in items:
        seen_transactional = seen_transactional or _is_transactional(item)
        if not _uses_db(item):
            rank[item] = -1
        elif getattr(item, "originalname", None) in HEAVY:
            # First among the seed's tests if it uses the seed (the tests before them run
            # without it), else first among the plain ones.
            rank[item] = 0.5 if _wants_seed(item) else -0.5
        elif seen_transactional:
            rank[item] = 2
        else:
            rank[item] = 1 if _wants_seed(item) else 0
    items.sort(key=lambda item: rank[item])
    for item in items:
        if rank[item] in (0.5, 1):
            # First, so that the session import runs before the test's transaction opens.
            item.fixturenames.insert(0, "_session_seed")


@pytest.fixture(scope="session")
def _session_seed(django_db_setup, django_db_blocker):
    """Imports the seed into the test database, committed, the first time a test asks."""
    from apps.gazette.services import import_gazette

    _SEED["blocker"] = django_db_blocker
    with django_db_blocker.unblock():
        _SEED["report"] = import_gazette(
            text=settings.GAZETTE_PATH.read_text(encoding="utf-8"), source_name="seed")
    _SEED["present"] = True
    return _SEED["report"]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the first transactional test: remove the seed (flush, then restore the migrated
    rows Django serialized when it created the test database), as their flushes would anyway."""
    if not (_SEED["present"] and _is_transactional(item)):
        return
    from django.core.management import call_command
    from django.db import connections

    with _SEED["blocker"].unblock():
        for connection in connections.all():
            # As TransactionTestCase's own flush: sequences are not reset, so the restored
            # rows (their original ids) never collide with the next insert on PostgreSQL.
            call_command("flush", verbosity=0, interactive=False, database=connection.alias,
                         reset_sequences=False, inhibit_post_migrate=True)
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
    _SEED["present"] = False


@pytest.fixture
def imported_gazette(db, gazette_text):
    """The seed gazette imported through the real command path (all registered parsers): in a
    plain test, the report of the session's one import (the seed is in the database); in a
    transactional test, imported by the test itself."""
    if _SEED["present"]:
        return _SEED["report"]
    from apps.gazette.services import import_gazette

    return import_gazette(text=gazette_text, source_name="seed")


@pytest.fixture
def only_parsers(monkeypatch):
    """only_parsers("awards.decisions", …): the test's own gazette imports run just these
    registered parsers (the others' work is not what the test checks); restored afterwards."""
    from apps.gazette import registry

    def keep(*names: str) -> None:
        monkeypatch.setattr(registry, "_parsers", {name: registry._parsers[name] for name in names})

    return keep


@pytest.fixture
def seed_gazette(imported_gazette):
    """The seed as imported once per session; kept under its old name."""
    return imported_gazette


@pytest.fixture
def gazette(imported_gazette):
    """The seed as imported once per session; changes made by a test are rolled back."""
    return imported_gazette


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
    # Under pytest-xdist each worker has its own test database, so job numbers repeat across
    # workers: each keeps its job progress apart too (its own key prefix on Redis, its own
    # directory for the file cache), as if on its own Redis database. Through the environment
    # as well, so that a process a test starts (a worker, a reader) looks in the same place.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    progress = django_settings.CACHES.get("progress")
    if worker and progress:
        if progress["BACKEND"].endswith("FileBasedCache"):
            folder = os.path.join(progress["LOCATION"], worker)
            progress["LOCATION"] = os.environ["PROGRESS_CACHE_DIR"] = folder
        else:
            prefix = f"{progress.get('KEY_PREFIX', 'qzgov-progress')}-{worker}"
            progress["KEY_PREFIX"] = os.environ["PROGRESS_KEY_PREFIX"] = prefix
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    dbtemplate.install(config)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Under xdist on SQLite: one process migrates the test database for all workers. The
    collector tuned as the production server's (apps/core/gc_tuning.py): a test process holds
    Django, the seed and every collected test, which the default thresholds walk again and again."""
    from apps.core import gc_tuning

    gc_tuning.tune()
    dbtemplate.start(session.config)


def pytest_sessionfinish(session):
    dbtemplate.finish(session.config)


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
