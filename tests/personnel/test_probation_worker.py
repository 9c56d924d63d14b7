"""The nightly probation job on a real Celery worker (PostgreSQL + Redis only)."""

import pytest

from apps.personnel import tasks


@pytest.mark.worker
def test_flag_job_runs_on_a_real_worker(celery_worker, gazette_text):
    from apps.gazette.services import import_gazette

    import_gazette(text=gazette_text, source_name="seed")
    assert celery_worker.run(tasks.flag_probations, "2021-06-20") == 4
