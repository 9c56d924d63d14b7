"""One migrated SQLite test database per pytest-xdist run, copied into every worker (issue 14 §9).

Without this, each xdist worker migrates its own in-memory test database (about a minute of
CPU each on this project's migrations, almost all of it Django rendering model states). Here
the controller starts one builder process when the session starts: it creates the test
database exactly as Django does (``create_test_db``: ``migrate --run-syncdb``, post_migrate
handlers such as the role permissions) and writes it to a file with SQLite's backup API.
Meanwhile the workers start and run the tests that need no database (ordered first); when a
worker first needs its database, Django's ``create_test_db`` is replaced by a copy of that
file into the worker's own in-memory database (the same backup API Django uses to clone
SQLite test databases for its parallel runner). Each worker still has its own database.

Only for SQLite in memory (the default) under xdist with migrations on; PostgreSQL, a file
test database (``SQLITE_TEST_NAME``), ``--nomigrations`` and runs without ``-n`` keep Django's
own path. If the builder fails, the workers say so and migrate their databases themselves.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = "QZGOV_TEST_DB_TEMPLATE"
WAIT_SECONDS = 900


def _applies(config) -> bool:
    from django.conf import settings

    if not settings.configured:
        return False
    db = settings.DATABASES["default"]
    return (
        db["ENGINE"] == "django.db.backends.sqlite3"
        and not (db.get("TEST") or {}).get("NAME")
        and (db.get("TEST") or {}).get("MIGRATE", True) is not False
        and not getattr(config.option, "nomigrations", False)
        and set(settings.DATABASES) == {"default"}
    )


def start(config) -> None:
    """Controller, at session start: run the builder in the background when xdist is on."""
    if os.environ.get("PYTEST_XDIST_WORKER") or not getattr(config.option, "numprocesses", None):
        return
    if os.environ.get(ENV) or not _applies(config):
        return
    folder = Path(tempfile.mkdtemp(prefix="qzgov-testdb-"))
    target = folder / "migrated.sqlite3"
    log = open(folder / "builder.log", "w")  # noqa: SIM115 - closed in finish()
    root = Path(__file__).resolve().parent.parent
    builder = subprocess.Popen(
        [sys.executable, "-m", "tests.dbtemplate", str(target)],
        cwd=root, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))},
    )
    os.environ[ENV] = str(target)  # inherited by the workers xdist starts after this hook
    config._qzgov_template = (builder, folder, log)


def finish(config) -> None:
    """Controller, at session end: stop the builder if it still runs, remove its folder."""
    state = getattr(config, "_qzgov_template", None)
    if not state:
        return
    builder, folder, log = state
    if builder.poll() is None:
        builder.terminate()
        builder.wait(timeout=30)
    log.close()
    shutil.rmtree(folder, ignore_errors=True)
    os.environ.pop(ENV, None)


def _wait_for(target: Path) -> bool:
    failed = target.with_suffix(".failed")
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if target.exists():
            return True
        if failed.exists():
            return False
        time.sleep(0.2)
    return False


def install(config) -> None:
    """Worker, at configure time: create the test database from the builder's file."""
    target = os.environ.get(ENV)
    if not target or not os.environ.get("PYTEST_XDIST_WORKER") or not _applies(config):
        return
    from django.db.backends.sqlite3.creation import DatabaseCreation

    original = DatabaseCreation.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        path = Path(target)
        if self.connection.alias != "default" or not _wait_for(path):
            log = path.parent / "builder.log"
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            sys.stderr.write(f"qzgov: no migrated template database, migrating here\n{detail}\n")
            return original(self, verbosity, autoclobber, serialize, keepdb)
        from django.conf import settings

        name = self._get_test_db_name()
        self._create_test_db(verbosity, autoclobber, keepdb)
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(self.connection.connection)
        finally:
            source.close()
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        return name

    DatabaseCreation.create_test_db = create_test_db


def build(target: Path) -> None:
    """The builder process: Django's own test database creation, then a copy to ``target``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qzgov.settings")
    os.environ.pop("PYTEST_XDIST_WORKER", None)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    started = time.process_time()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    part = target.with_suffix(".part")
    copy = sqlite3.connect(part)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    os.replace(part, target)
    print(f"migrated in {time.process_time() - started:.1f} s of CPU", flush=True)


if __name__ == "__main__":
    try:
        build(Path(sys.argv[1]))
    except BaseException:
        # The workers stop waiting and migrate their own databases (their log shows why).
        Path(sys.argv[1]).with_suffix(".failed").touch()
        raise
