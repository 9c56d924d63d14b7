"""Jobs under faults, in process (issue 13 §4): claims, lost workers, no-change recomputes,
the loser of a concurrent start and failures on the automatic path.

The same faults on the real stack (a killed worker, Redis restarted, a cut database
connection) are in ``test_faults_worker.py``."""

import datetime as dt
import os
import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone

from apps.core import jobs, progress
from apps.core.models import AuditEvent, Notice
from apps.subsidies import services, tasks
from apps.subsidies.models import Job, JobStatus, RollLine, RunEvent, RunStatus, SubsidyRun

from .conftest import JUNE


@pytest.fixture
def june(standards, set_index, person):
    """Two 柯城区 urban persons, June 2020 triggered at 3.6 %: 低保 55.80 + 边缘 27.90
    (衢政办发〔2020〕20号 三, the figures of test_progress)."""
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    person("330802", "urban", "edge")


def _run_job(user=None) -> Job:
    return jobs.job_start(kind=Job.Kind.RUN, label="2020-06价格补贴", user=user,
                          total=services.RUN_STAGES, month=JUNE)


def _age(job: Job, seconds: int) -> None:
    """Make ``job``'s worker look silent for ``seconds`` (database and cache heartbeat)."""
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(seconds=seconds))
    progress.forget(str(job.pk))


def test_a_second_delivery_is_refused_while_the_first_is_alive(june, settings):
    job = _run_job()
    first = jobs.claim(job.pk)
    assert first is not None and first.attempt == 1
    assert jobs.claim(job.pk) is None  # fresh heartbeat: the database claim stops it
    assert tasks.run_job(job_id=job.pk, month="2020-06") == jobs.BUSY
    assert not SubsidyRun.objects.exists()


def test_a_stale_claim_is_taken_over_and_the_old_delivery_is_fenced_off(june, settings):
    """The worker died (no heartbeat for JOB_STALE_SECONDS): the redelivery claims the job
    (attempt 2); the old claim can no longer record an outcome."""
    job = _run_job()
    first = jobs.claim(job.pk)
    _age(job, settings.JOB_STALE_SECONDS + 5)
    assert tasks.run_job(job_id=job.pk, month="2020-06") == jobs.DONE
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result["persons"]) == (JobStatus.DONE, 2, 2)
    assert not jobs._settle(first, status=JobStatus.FAILED, stage="失败")
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE


def test_a_finished_job_is_never_run_again(june):
    job = _run_job()
    assert tasks.run_job(job_id=job.pk, month="2020-06") == jobs.DONE
    assert tasks.run_job(job_id=job.pk, month="2020-06") == jobs.SKIPPED
    assert RunEvent.objects.count() == 1
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_a_job_whose_worker_died_is_marked_and_shown_never_running_forever(
        june, client, minzheng_user, settings):
    job = _run_job(minzheng_user)
    jobs.claim(job.pk)
    assert jobs.reap_lost() == 0  # alive
    _age(job, settings.JOB_STALE_SECONDS + 5)
    client.force_login(minzheng_user)
    state = client.get(f"/api/subsidies/jobs/{job.pk}").json()  # the page detects it too
    assert state["finished"] is True and state["status"] == "failed" and state["interrupted"]
    assert state["errors"][0]["message"].startswith(
        f"处理该任务的后台进程已中断(超过{settings.JOB_STALE_SECONDS}秒没有心跳)")
    # The broker's redelivery takes the interrupted job over and completes it.
    assert tasks.run_job(job_id=job.pk, month="2020-06", actor=minzheng_user) == jobs.DONE
    job.refresh_from_db()
    assert (job.status, job.attempts, job.interrupted_at) == (JobStatus.DONE, 2, None)


def test_the_reaper_task_marks_only_silent_jobs(june, settings):
    alive, silent, queued = _run_job(), _run_job(), _run_job()
    jobs.claim(alive.pk)
    jobs.claim(silent.pk)
    _age(silent, settings.JOB_STALE_SECONDS + 1)
    assert tasks.reap_jobs_task.delay().get() == 1
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {alive.pk: "running", silent.pk: "failed", queued.pk: "running"}


def test_after_the_last_attempt_the_job_stays_failed(june, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = _run_job()
    for _ in range(2):
        jobs.claim(job.pk)
        _age(job, settings.JOB_STALE_SECONDS + 1)
        jobs.reap_lost()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 2)
    assert "已执行2次仍未完成" in job.errors[0]["message"]
    assert tasks.run_job(job_id=job.pk, month="2020-06") == jobs.SKIPPED


def _approve_june(fagaiwei_user, make_staff):
    run = services.run_compute(month=JUNE, actor=fagaiwei_user)
    services.run_submit(run=run, by=fagaiwei_user)
    return services.run_approve(run=run, by=make_staff("reviewer", "发改委"))


def test_a_recompute_that_changes_nothing_creates_no_run_and_says_so(
        june, fagaiwei_user, make_staff, django_capture_on_commit_callbacks):
    """Issue 13 §4: re-entering the same index of an approved month (the automatic path)
    finds nothing to correct: no adjustment roll, nothing for the overdue warning, 无变化."""
    _approve_june(fagaiwei_user, make_staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.index_enter(month=JUNE, scpi=Decimal("3.6"), cpi_food=Decimal("11.1"),
                             actor=fagaiwei_user)
    assert list(SubsidyRun.objects.values_list("sequence", flat=True)) == [0]
    job = Job.objects.get(month=JUNE)
    assert job.status == JobStatus.DONE and job.result["unchanged"] is True
    assert job.result["summary"] == "2020-06无变化:与已审核的名单一致,未生成调整名单"
    assert services.warn_overdue_runs(today=dt.date(2020, 9, 1)) == 1  # the regular roll only
    assert Notice.objects.count() == 1
    with pytest.raises(services.NoChange):
        services.run_compute(month=JUNE, actor=fagaiwei_user)
    assert tasks.subsidy_run_task.delay("2020-06").get()["unchanged"] is True


def test_a_recompute_that_changes_something_still_adjusts(june, person, fagaiwei_user,
                                                           make_staff):
    _approve_june(fagaiwei_user, make_staff)
    person("330802", "urban", "dibao")
    adjustment = services.run_compute(month=JUNE, actor=fagaiwei_user)
    assert (adjustment.sequence, adjustment.persons, adjustment.amount) == (1, 1, Decimal("55.80"))


def test_a_failure_on_the_automatic_path_is_shown_on_the_run_page(
        standards, client, fagaiwei_user, django_capture_on_commit_callbacks):
    """An index entered for a month no policy covers: the run started by the entry fails,
    and the run page says why (issue 13 §4: never silently)."""
    with django_capture_on_commit_callbacks(execute=True):
        services.index_enter(month=dt.date(2019, 6, 1), scpi=Decimal("3.6"),
                             cpi_food=Decimal("11.1"), actor=fagaiwei_user)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.month == dt.date(2019, 6, 1)
    client.force_login(fagaiwei_user)
    html = client.get("/subsidies/runs/2019-06/").content.decode()
    assert 'class="error run-job-failed"' in html
    assert "2019-06不在任何价格补贴政策的执行期内" in html


def test_a_later_successful_run_clears_the_failure_from_the_run_page(june, client,
                                                                     fagaiwei_user):
    from apps.subsidies import selectors

    failed = _run_job(fagaiwei_user)
    jobs.claim(failed.pk)
    jobs._settle(jobs.Claim(str(failed.pk), Job.objects.get(pk=failed.pk).claim, 1),
                 status=JobStatus.FAILED, stage="失败", errors=jobs.error("测试失败"))
    assert [j.pk for j in selectors.failed_run_jobs(JUNE)] == [failed.pk]
    services.run_compute(month=JUNE, actor=fagaiwei_user)
    assert selectors.failed_run_jobs(JUNE) == []


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="row locks: PostgreSQL (SQLite serialises writers anyway)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_loser_of_a_concurrent_start_is_told_in_chinese(standards, set_index, person):
    """Two runs of one new month at once: one roll; the second is told 本月测算已在进行中
    while the first still holds the month (no IntegrityError, no 内部错误)."""
    set_index(JUNE, "3.6", "11.1")
    people = [person("330802", "urban", "dibao") for _ in range(30)]
    holding, release = threading.Event(), threading.Event()

    def hold(stage, done=None, total=None):
        if done == 2:  # the run row exists, the month is locked, lines not yet written
            holding.set()
            release.wait(30)

    def first():
        try:
            services.run_compute(month=JUNE, progress=hold)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert holding.wait(30)
        job = _run_job()
        assert tasks.run_job(job_id=job.pk, month="2020-06") == jobs.FAILED
    finally:
        release.set()
        thread.join()
    job.refresh_from_db()
    assert job.errors[0]["message"] == "2020-06本月测算已在进行中,请稍后在测算页面查看结果"
    assert SubsidyRun.objects.filter(month=JUNE).count() == 1
    assert RollLine.objects.count() == len(people)
    assert SubsidyRun.objects.get().status == RunStatus.DRAFT
    assert AuditEvent.objects.filter(action=AuditEvent.Action.STEP).count() == 1


def test_a_run_started_by_the_system_is_visible_to_run_viewers_only(
        june, client, fagaiwei_user, yibao_user):
    """An index entered by 系统 (a command, a task) starts a run nobody started: whoever may
    view runs sees its job page and its admin line; others do not."""
    job = _run_job()
    assert tasks.run_job(job_id=job.pk, month="2020-06") == jobs.DONE
    client.force_login(fagaiwei_user)
    assert client.get(f"/api/subsidies/jobs/{job.pk}").json()["status"] == "done"
    assert "2020-06价格补贴" in client.get("/admin/subsidies/job/").content.decode()
    client.force_login(yibao_user)
    assert client.get(f"/subsidies/jobs/{job.pk}/").status_code in (403, 404)
