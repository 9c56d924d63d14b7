"""Nightly job: confirm transitions whose date has come; lapse 需修改 past its deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.schedules import crontab

from apps.core.models import AuditEvent
from apps.regulations import tasks
from apps.regulations.models import NormativeDocument, Status, StatusEvent
from apps.regulations.services import transitions_apply
from qzgov.celery import collect_beat_schedule


def test_job_is_in_the_beat_schedule():
    from qzgov.celery import app

    entry = collect_beat_schedule()["regulations.apply_transitions"]
    # the beat entry names a task the worker actually has, and it is this module's task
    assert app.tasks[entry["task"]].run.__module__ == tasks.__name__
    assert entry["schedule"] == crontab(hour=1, minute=10)


def test_before_the_deadline_nothing_lapses(registry):
    counts = transitions_apply(today=dt.date(2021, 6, 30))
    assert counts["lapsed"] == 0
    assert not StatusEvent.objects.filter(cause=StatusEvent.Cause.LAPSE).exists()
    # Campaign events effective by then are confirmed, later ones are not.
    assert not StatusEvent.objects.filter(effective_date__lte=dt.date(2021, 6, 30),
                                          applied_at__isnull=True).exists()


def test_day_after_deadline_writes_three_lapse_rows_once(registry):
    counts = tasks.apply_transitions.delay("2021-07-01").get()
    assert counts["lapsed"] == 3
    lapses = StatusEvent.objects.filter(cause=StatusEvent.Cause.LAPSE)
    assert {e.document.number for e in lapses} == {
        "衢环发〔2013〕93号", "衢环函〔2018〕92号", "衢环发〔2018〕153号"}
    assert {(e.status, e.effective_date) for e in lapses} == {(Status.INVALID, dt.date(2021, 7, 1))}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.BULK,
                                     note__contains="规范性文件夜间状态处理").count() == 1
    again = transitions_apply(today=dt.date(2021, 7, 2))
    assert again == {"applied": 0, "lapsed": 0}
    assert lapses.count() == 3


def test_written_lapse_gives_same_answer_as_derived(registry, status_of):
    before = status_of("衢环发〔2018〕153号", "2021-07-01")
    transitions_apply(today=dt.date(2021, 7, 1))
    assert before == status_of("衢环发〔2018〕153号", "2021-07-01") == Status.INVALID
    assert status_of("衢环发〔2018〕153号", "2021-06-30") == Status.TO_REVISE


@pytest.mark.worker
def test_real_worker_applies_transitions(transactional_db, celery_worker, only_regulation_parsers,
                                        gazette_text):
    from apps.gazette.services import import_gazette

    import_gazette(text=gazette_text, source_name="seed")
    counts = celery_worker.run(tasks.apply_transitions, "2021-07-01")
    assert counts["lapsed"] == 3
    doc = NormativeDocument.objects.get(number="衢环发〔2013〕93号")
    assert doc.events.filter(cause=StatusEvent.Cause.LAPSE).count() == 1


def test_command_runs_the_same_service(registry):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("regulations_apply_transitions", "--date", "2021-07-01", stdout=out)
    assert "期满失效 3 件" in out.getvalue()
    out = io.StringIO()
    call_command("regulations_apply_transitions", "--date", "2021-07-01", stdout=out)
    assert "确认生效 0 条,期满失效 0 件" in out.getvalue()
