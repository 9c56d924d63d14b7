"""The Celery app. Broker is Redis (REDIS_URL); without it tasks run eagerly.

The beat schedule is code: each app's ``tasks.py`` may define ``BEAT_SCHEDULE`` and it
is merged here, so a job and its timing live next to each other.
"""

import importlib
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qzgov.settings")

app = Celery("qzgov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def collect_beat_schedule() -> dict:
    """Merge ``BEAT_SCHEDULE`` from every local app's tasks module."""
    from django.apps import apps as django_apps

    schedule: dict = {}
    for config in django_apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tasks":
                raise
            continue
        for name, entry in getattr(module, "BEAT_SCHEDULE", {}).items():
            if name in schedule:
                raise ValueError(f"beat job {name!r} defined twice")
            schedule[name] = entry
    return schedule


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    sender.conf.beat_schedule = collect_beat_schedule()
