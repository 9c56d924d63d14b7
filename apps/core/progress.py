"""Progress and heartbeats of background work, through a cache every process can read.

Issue 14 §3 / issue 12 §8: job records (status, result, Chinese errors) stay in the
database; the stage and rows done of running work go through the ``progress`` cache (Redis,
or files on the embedded default) — never through the work's own transaction, which no
other process can see until it commits. Progress is advisory: a cache that is down (a Redis
restart, issue 13 §4) loses a few updates, never the work.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.core.cache import caches
from django.db import connections

log = logging.getLogger("qzgov.progress")
TTL = 24 * 3600


def _cache():
    return caches["progress"]


def _key(key: str) -> str:
    return f"job:{key}"


def report(key: str, **state) -> None:
    """Store ``state`` (stage, done, total …) for ``key`` with the time it was reported."""
    try:
        _cache().set(_key(key), {**state, "at": time.time()}, TTL)
    except Exception as exc:  # progress never breaks the work
        log.warning("progress for %s not stored: %s", key, exc)


def read(key: str) -> dict | None:
    """The last state reported for ``key``, or ``None`` (never reported, expired, cache down)."""
    try:
        return _cache().get(_key(key))
    except Exception as exc:
        log.warning("progress for %s not read: %s", key, exc)
        return None


def touch(key: str) -> None:
    """A heartbeat: the last state again, with the time now."""
    state = read(key) or {}
    state.pop("at", None)
    report(key, **state)


def forget(key: str) -> None:
    try:
        _cache().delete(_key(key))
    except Exception as exc:
        log.warning("progress for %s not removed: %s", key, exc)


class Heartbeat:
    """Call ``beat()`` every ``interval`` seconds in a thread while the work runs.

    The thread has its own database connection (Django's are per thread), closed when it
    stops; errors are logged and the beating goes on. A killed worker stops beating, which
    is how its job is found to be lost."""

    def __init__(self, beat: Callable[[], None], interval: float):
        self.beat, self.interval = beat, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="qzgov-heartbeat", daemon=True)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.beat()
                except Exception as exc:
                    log.warning("heartbeat failed: %s", exc)
        finally:
            connections.close_all()

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join(timeout=max(self.interval, 1) + 30)

    def __exit__(self, *exc) -> None:
        self.stop()
