"""Progress for long runs and imports (issue 3 §7): a job record the page polls as JSON."""

import datetime as dt
import json
import os
import subprocess
import sys
import uuid

import pytest
from django.db import transaction

from apps.core import jobs, resident_id
from apps.subsidies import imports, services, tasks
from apps.subsidies.models import Job, JobStatus, SubsidyRun

from .conftest import JUNE


@pytest.fixture
def june(standards, set_index, person):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    person("330802", "urban", "edge")


def test_the_run_reports_its_five_stages_in_order(june):
    calls = []
    services.run_compute(month=JUNE, progress=lambda *args: calls.append(args))
    assert [(done, total) for _, done, total in calls] == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5)]
    assert calls[2][0] == "写入发放名单(按人就高取一类)"


def test_import_validation_reports_rows_in_chunks(regions, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_CHUNK", 2)
    lines = ["姓名,公民身份号码,区划代码,城乡,类别"] + [
        f"对象{i},{resident_id.compose('330802', dt.date(1960, 1, i), i)},330802,城镇,低保"
        for i in range(1, 6)]
    calls = []
    imports.import_file(kind="beneficiaries", data="\n".join(lines).encode(), filename="b.csv",
                        from_month=JUNE, progress=lambda *args: calls.append(args))
    assert calls == [("读取文件", 0), ("校验中:0/5行", 0, 5), ("校验中:2/5行", 2, 5),
                     ("校验中:4/5行", 4, 5), ("已校验5行,正在写入", 5, 5)]


def test_job_states_running_then_done(june, minzheng_user):
    job = jobs.job_start(kind=Job.Kind.RUN, label="2020-06价格补贴", user=minzheng_user, total=5)
    assert (job.status, job.stage, job.percent) == (JobStatus.RUNNING, "排队等待", 0)
    with transaction.atomic():  # inside the work's transaction: through the shared cache
        jobs.reporter(job.pk)("写入发放名单", 2, 5)
        state = jobs.job_state(Job.objects.get(pk=job.pk))
    assert (state["stage"], state["done"], state["percent"]) == ("写入发放名单", 2, 40)
    assert tasks.run_job(job_id=job.pk, month="2020-06", actor=minzheng_user) == jobs.DONE
    job.refresh_from_db()
    assert (job.status, job.percent, job.attempts) == (JobStatus.DONE, 100, 1)
    assert job.result["summary"] == "2020-06 正常发放:补贴涨幅3.60%,2人,83.70元"
    assert job.result["url"] == "/subsidies/runs/2020-06/"


def test_job_fails_with_the_chinese_reason(standards, minzheng_user):
    job = jobs.job_start(kind=Job.Kind.RUN, label="2020-07价格补贴", user=minzheng_user)
    tasks.run_job(job_id=job.pk, month="2020-07")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [{"line": None, "column": "", "message": "2020-07尚未录入SCPI和CPI食品价格指数"}]


def test_start_run_redirects_to_the_progress_page_and_the_api_reports_done(client, june,
                                                                        minzheng_user):
    client.force_login(minzheng_user)
    response = client.post("/subsidies/jobs/run/", {"month": "2020-06"})
    job = Job.objects.get()
    assert response["Location"] == f"/subsidies/jobs/{job.pk}/"
    state = client.get(f"/api/subsidies/jobs/{job.pk}").json()
    assert state["status"] == "done" and state["finished"] is True and state["percent"] == 100
    assert state["result"]["persons"] == 2 and state["result"]["amount"] == "83.70"
    html = client.get(f"/subsidies/jobs/{job.pk}/").content.decode()
    assert '<progress class="qz-progress" id="job-bar" max="100" value="100">' in html
    assert "补贴涨幅3.60%,2人,83.70元" in html
    assert SubsidyRun.objects.get(month=JUNE).prepared_by == minzheng_user


def test_admin_compute_button_goes_through_the_job(client, june, fagaiwei_user):
    client.force_login(fagaiwei_user)
    response = client.post("/admin/subsidies/subsidyrun/compute/", {"month": "2020-06"})
    assert response["Location"].startswith("/subsidies/jobs/")
    assert Job.objects.get().status == JobStatus.DONE


def test_failed_run_shows_the_error_list(client, standards, minzheng_user):
    client.force_login(minzheng_user)
    client.post("/subsidies/jobs/run/", {"month": "2020-07"})
    job = Job.objects.get()
    assert client.get(f"/api/subsidies/jobs/{job.pk}").json()["errors"][0]["message"] == \
        "2020-07尚未录入SCPI和CPI食品价格指数"
    assert "2020-07尚未录入SCPI和CPI食品价格指数" in client.get(f"/subsidies/jobs/{job.pk}/").content.decode()


def test_api_refuses_others_anonymous_and_unknown(client, minzheng_user, make_staff, yibao_user):
    job = jobs.job_start(kind=Job.Kind.RUN, label="x", user=minzheng_user)
    assert client.get(f"/api/subsidies/jobs/{job.pk}").status_code == 401
    client.force_login(make_staff("other", "民政"))
    assert client.get(f"/api/subsidies/jobs/{job.pk}").json() == {"error": "没有这个后台任务"}
    client.force_login(yibao_user)  # follows its own doctors uploads only (issue 11 §3)
    assert client.get(f"/api/subsidies/jobs/{job.pk}").json() == {"error": "没有这个后台任务"}
    client.force_login(make_staff("sc", "市场监管"))
    assert client.get(f"/api/subsidies/jobs/{job.pk}").status_code == 403
    assert client.get(f"/subsidies/jobs/{job.pk}/").status_code == 403
    client.force_login(minzheng_user)
    assert client.get(f"/api/subsidies/jobs/{uuid.uuid4()}").status_code == 404


def test_bad_month_is_refused_before_a_job_starts(client, minzheng_user):
    client.force_login(minzheng_user)
    client.post("/subsidies/jobs/run/", {"month": "2020-13"})
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_is_visible_to_another_process_while_the_work_transaction_is_open(regions):
    """Issue 12 §8 / 14 §3: the stage goes through the shared cache (files on the embedded
    default, Redis otherwise), so a second process — another web worker polling the page —
    reads it while the work's transaction is still open; the job row is not touched."""
    job = jobs.job_start(kind=Job.Kind.IMPORT, label="x")
    with transaction.atomic():
        jobs.reporter(job.pk)("校验中:5000/100000行", 5000, 100000)
        read = subprocess.run(
            [sys.executable, "-c", (
                "import django, json; django.setup();"
                "from apps.core import progress;"
                f"s = progress.read('{job.pk}'); print(json.dumps([s['stage'], s['done'], s['total']]))")],
            capture_output=True, text=True, timeout=120, check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "qzgov.settings"})
        assert json.loads(read.stdout.strip().splitlines()[-1]) == ["校验中:5000/100000行", 5000,
                                                                   100000]
    job.refresh_from_db()
    assert (job.stage, job.done) == ("排队等待", 0)  # the row is the record, not the progress


def test_finished_jobs_say_so_plainly_and_no_bar_waits_at_zero(client, standards, minzheng_user):
    """Issue 12 §8: with Celery eager the work is complete when the request returns; the page
    says it has finished (done: full bar; failed: the reason, no bar at 0 %)."""
    client.force_login(minzheng_user)
    client.post("/subsidies/jobs/run/", {"month": "2020-07"})
    job = Job.objects.get()
    html = client.get(f"/subsidies/jobs/{job.pk}/").content.decode()
    assert '<p id="job-progress" hidden>' in html
    assert "后台任务未完成:2020-07尚未录入SCPI和CPI食品价格指数" in html


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL")
                    or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="needs REDIS_URL and a PostgreSQL DATABASE_URL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_runs_the_job(celery_worker, standards, set_index, person, minzheng_user):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    job = jobs.job_start(kind=Job.Kind.RUN, label="2020-06价格补贴", user=minzheng_user)
    celery_worker.run(tasks.run_job_task, str(job.pk), "2020-06", minzheng_user.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["persons"] == 1


def test_run_page_button_starts_the_job(client, june, minzheng_user):
    client.force_login(minzheng_user)
    html = client.get("/subsidies/runs/2020-06/").content.decode()
    assert 'action="/subsidies/jobs/run/"' in html and 'name="month" value="2020-06"' in html
    response = client.post("/subsidies/jobs/run/", {"month": "2020-06"})
    assert response.status_code == 302 and SubsidyRun.objects.get(month=JUNE).persons == 2
