"""subsidy_run command, the Celery task, and the run starting after an index is entered."""

import os
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from apps.subsidies import services, tasks
from apps.subsidies.models import SubsidyRun

from .conftest import JUNE


def test_command_computes_a_month(standards, set_index, person, capsys):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    call_command("subsidy_run", "2020-06")
    out = capsys.readouterr().out
    assert "补贴涨幅 3.60%" in out and "1人" in out and "55.80元" in out


def test_command_reports_a_month_not_triggered(standards, set_index, capsys):
    set_index(JUNE, "2.9", "5.9")
    call_command("subsidy_run", "2020-06")
    assert "未启动" in capsys.readouterr().out


def test_command_rejects_a_bad_month(db):
    with pytest.raises(CommandError, match="格式不正确"):
        call_command("subsidy_run", "2020-13")


def test_command_fails_without_index(db):
    with pytest.raises(CommandError, match="尚未录入"):
        call_command("subsidy_run", "2020-06")


def test_task_runs_the_service(standards, set_index, person):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    result = tasks.subsidy_run_task.delay("2020-06").get()
    assert result["persons"] == 1 and result["amount"] == "55.80"


def test_entering_an_index_starts_the_draft_run_after_commit(
        standards, person, django_capture_on_commit_callbacks, settings):
    settings.ROLL_FILES_WARM = False  # on with Redis: the run would queue its roll files too
    person("330802", "urban", "dibao")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.index_enter(month=JUNE, scpi=Decimal("3.6"), cpi_food=Decimal("11.1"))
        assert not SubsidyRun.objects.exists()  # nothing before commit
    assert len(callbacks) == 1
    run = SubsidyRun.objects.get(month=JUNE)
    assert run.status == "draft" and run.persons == 1


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL")
                    or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="needs REDIS_URL and a PostgreSQL DATABASE_URL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_computes_the_month(celery_worker, standards, set_index, person):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    result = celery_worker.run(tasks.subsidy_run_task, "2020-06")
    assert result["persons"] == 1
    assert SubsidyRun.objects.get(month=JUNE).amount == Decimal("55.80")


def test_task_reports_a_locked_or_unknown_month_without_raising(db):
    assert "尚未录入" in tasks.subsidy_run_task.delay("2020-06").get()["error"]
    assert "格式不正确" in tasks.subsidy_run_task.delay("2020-13").get()["error"]
