"""Issue 11 §3: a large file's validation runs in the worker, not the upload request. The
admin import screen stores the upload, starts a check job and answers with its progress page;
the job ends in the same preview/confirm screen (counts, or every bad row), and the confirm
imports the kept upload. Small files are still checked inline."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core import resident_id
from apps.subsidies import imports, tasks
from apps.subsidies.models import Beneficiary, Job, JobStatus

NUMBER = resident_id.compose("330802", dt.date(1960, 1, 1), 5)
OTHER = resident_id.compose("330802", dt.date(1961, 2, 3), 7)
HEADER = "姓名,公民身份号码,区划代码,城乡,类别\n"
GOOD = HEADER + f"张三,{NUMBER},330802,城镇,低保\n张三,{NUMBER},330802,城镇,重点优抚\n李四,{OTHER},330802,农村,低保\n"
BAD = HEADER + f"张三,{NUMBER},330802,城镇,低保\n李四,x,999999,郊区,贫困户\n王五,{OTHER},330802,城镇,低保\n"


@pytest.fixture
def queued(monkeypatch):
    """The broker: tasks are queued, not run, so the upload request does no validation."""
    sent = []
    monkeypatch.setattr(tasks.check_job_task, "delay", lambda *args: sent.append(args))
    return sent


@pytest.fixture
def no_inline_check(monkeypatch):
    real = imports.import_file
    calls = []

    def spy(**kwargs):
        calls.append(kwargs.get("dry_run"))
        return real(**kwargs)

    monkeypatch.setattr(imports, "import_file", spy)
    return calls


def upload(client, data, name="b.csv", **extra):
    return client.post("/admin/subsidies/beneficiary/import/", {
        "format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, data.encode()),
        **extra})


def confirm(client, page):
    values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    fields = {k: values.get(k, "") for k in
              ["import_file_name", "original_file_name", "format", "resource", "from_month"]}
    return client.post("/admin/subsidies/beneficiary/process_import/", fields)


def test_a_large_file_is_checked_in_the_worker_then_previewed_and_confirmed(
        client, regions, minzheng_user, settings, queued, no_inline_check):
    settings.IMPORT_INLINE_MAX_ROWS = 3  # GOOD has 4 lines
    client.force_login(minzheng_user)
    response = upload(client, GOOD, from_month="2020-06")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/jobs/{job.pk}/"
    assert no_inline_check == [] and len(queued) == 1  # nothing validated in the request
    assert job.status == JobStatus.RUNNING and job.label.startswith("校验补贴对象")
    tasks.check_job_task(*queued[0])  # the worker
    job.refresh_from_db()
    # the count comes back on the job's result (live progress is in the shared cache)
    assert job.status == JobStatus.DONE and job.result["rows"] == 3
    assert no_inline_check == [True] and not Beneficiary.objects.exists()
    page = client.get(f"/subsidies/jobs/{job.pk}/").content.decode()
    preview_url = f"/admin/subsidies/beneficiary/import/checked/{job.pk}/"
    assert f'href="{preview_url}">查看预览并确认导入' in page
    preview = client.get(preview_url).content.decode()
    assert "补贴对象校验通过(未写入):3行,新增2" in preview
    assert 'name="import_file_name"' in preview and 'name="from_month" value="2020-06"' in preview
    done = confirm(client, preview)
    assert done.status_code == 302
    imported = Job.objects.exclude(pk=job.pk).get()
    assert done["Location"] == f"/subsidies/jobs/{imported.pk}/"
    imported.refresh_from_db()  # eager Celery for the import itself
    assert imported.status == JobStatus.DONE, imported.errors
    assert Beneficiary.objects.count() == 2


def test_a_large_bad_file_ends_in_the_error_list_without_a_confirm(
        client, regions, minzheng_user, settings, queued):
    settings.IMPORT_INLINE_MAX_BYTES = 50
    client.force_login(minzheng_user)
    upload(client, BAD)
    job = Job.objects.get()
    tasks.check_job_task(*queued[0])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    preview = client.get(f"/admin/subsidies/beneficiary/import/checked/{job.pk}/").content.decode()
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", preview)
    assert ("3", "区划代码", "未知的区划代码“999999”") in rows
    assert "未导入任何数据" in preview and 'name="import_file_name"' not in preview
    assert not Beneficiary.objects.exists()


def test_a_small_file_is_still_checked_inline(client, regions, minzheng_user, no_inline_check):
    client.force_login(minzheng_user)
    page = upload(client, GOOD).content.decode()
    assert "补贴对象校验通过(未写入):3行,新增2" in page and no_inline_check == [True]
    assert not Job.objects.exists()


def test_only_the_uploader_sees_the_checked_preview(client, regions, minzheng_user, make_staff,
                                                    settings, queued):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    client.force_login(minzheng_user)
    upload(client, GOOD)
    job = Job.objects.get()
    tasks.check_job_task(*queued[0])
    client.force_login(make_staff("mz-other", "民政"))
    assert client.get(f"/admin/subsidies/beneficiary/import/checked/{job.pk}/").status_code == 404
