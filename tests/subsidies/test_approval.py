"""Run status steps are rows; preparer ≠ approver; overdue runs warn 发改委 (衢政办发〔2020〕20号 六)."""

import datetime as dt

import pytest

from apps.core.models import Notice
from apps.subsidies import services
from apps.subsidies.models import RunEvent, RunStatus

from .conftest import JUNE


@pytest.fixture
def run(standards, set_index, person):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    return services.run_compute(month=JUNE)


def test_draft_submitted_approved_paid_each_step_is_an_event(run, make_staff):
    preparer, approver = make_staff("p", "民政"), make_staff("a", "发改委")
    services.run_submit(run=run, by=preparer)
    services.run_approve(run=run, by=approver)
    run = services.run_mark_paid(run=run, by=preparer)
    assert run.status == RunStatus.PAID
    assert list(RunEvent.objects.filter(run=run).values_list("status", flat=True)) == [
        "draft", "submitted", "approved", "paid"]
    assert run.prepared_by == preparer


def test_preparer_cannot_approve_own_roll(run, make_staff):
    preparer = make_staff("p", "民政")
    services.run_submit(run=run, by=preparer)
    with pytest.raises(services.SubsidyError, match="编制人不能审核"):
        services.run_approve(run=run, by=preparer)
    run.refresh_from_db()
    assert run.status == RunStatus.SUBMITTED


def test_steps_cannot_be_skipped_or_repeated(run, make_staff):
    approver = make_staff("a", "发改委")
    with pytest.raises(services.SubsidyError, match="草稿"):
        services.run_approve(run=run, by=approver)
    with pytest.raises(services.SubsidyError):
        services.run_mark_paid(run=run, by=approver)
    services.run_submit(run=run, by=make_staff("p", "民政"))
    with pytest.raises(services.SubsidyError, match="已提交"):
        services.run_submit(run=run, by=approver)


def test_overdue_run_warns_fagaiwei_once(run):
    # June must be paid by 2020-07-31; on 2020-07-31 it is not yet late.
    assert services.warn_overdue_runs(today=dt.date(2020, 7, 31)) == 0
    assert services.warn_overdue_runs(today=dt.date(2020, 8, 1)) == 1
    assert services.warn_overdue_runs(today=dt.date(2020, 8, 2)) == 0  # once, not nightly
    notice = Notice.objects.get(topic="subsidies")
    assert notice.recipient == "市发改委" and "2020-07-31" in notice.body


def test_approved_run_is_warned_until_marked_paid(run, make_staff):
    """六: 确保于每月月底前将上个月的价格补贴发放到位 — approval is not payment."""
    services.run_submit(run=run, by=make_staff("p", "民政"))
    services.run_approve(run=run, by=make_staff("a", "发改委"))
    assert services.warn_overdue_runs(today=dt.date(2020, 9, 1)) == 1
    assert Notice.objects.filter(topic="subsidies").count() == 1
    services.run_mark_paid(run=run, by=make_staff("pay", "民政"))
    Notice.objects.all().delete()
    assert services.warn_overdue_runs(today=dt.date(2020, 9, 2)) == 0


def test_nightly_warning_is_in_the_beat_schedule():
    from qzgov.celery import collect_beat_schedule

    assert collect_beat_schedule()["subsidies.warn_overdue"]["task"] == "subsidies.warn_overdue"
