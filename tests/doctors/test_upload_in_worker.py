"""Issue 11 §3: a large doctors upload is validated in the worker, not in the upload request;
the clerk follows it on the job page, which lists every bad row. On the import screen it is
previewed there and imported after the confirm (issue 14 §4, as for subsidies); the one-step
``upload/`` imports it in the worker at once. Small uploads stay inline."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core import resident_id
from apps.doctors import imports, tasks
from apps.doctors.models import Doctor
from apps.subsidies.models import Job, JobStatus

pytestmark = pytest.mark.django_db
HEADER = "姓名,公民身份号码,执业证书编码,资格类别,机构编码,机构名称,区划代码,协议起始,协议终止\n"
NUMBER = resident_id.compose("330802", dt.date(1979, 1, 2), 5)
GOOD = HEADER + f"王五,{NUMBER},C1,执业医师,H9,柯城区人民医院,330802,2020-01-01,2020-12-31\n"
BAD = GOOD.replace("执业医师", "牙医")


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.doctors_import_job, "delay", lambda *args: sent.append(args))
    return sent


@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = imports.import_file
    monkeypatch.setattr(imports, "import_file", lambda **kw: calls.append(kw["kind"]) or real(**kw))
    return calls


def upload(client, text):
    return client.post("/admin/doctors/doctor/upload/", {
        "kind": "doctors", "file": SimpleUploadedFile("d.csv", text.encode())})


def test_a_large_upload_runs_in_the_worker_with_a_job_page(client, yibao_user, regions, settings,
                                                           queued, spy):
    settings.IMPORT_INLINE_MAX_BYTES = 100
    client.force_login(yibao_user)
    response = upload(client, GOOD)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/jobs/{job.pk}/"
    assert spy == [] and not Doctor.objects.exists()  # nothing checked in the request
    tasks.doctors_import_job(*queued[0])  # the worker
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["summary"].startswith("导入完成:医师 1")
    assert Doctor.objects.get().name == "王五"
    page = client.get(f"/subsidies/jobs/{job.pk}/").content.decode()
    assert "导入完成:医师 1" in page and "返回医保医师列表" in page
    assert client.get(f"/api/subsidies/jobs/{job.pk}").json()["status"] == "done"


def test_a_large_bad_upload_lists_every_bad_row_on_the_job_page(client, yibao_user, regions,
                                                                settings):
    settings.IMPORT_INLINE_MAX_BYTES = 100
    client.force_login(yibao_user)
    response = upload(client, BAD)  # eager Celery: the task has run
    job = Job.objects.get()
    assert response["Location"] == f"/subsidies/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [{"line": 2, "column": "资格类别", "message": job.errors[0]["message"]}]
    assert "第2行" not in job.errors[0]["message"] and not Doctor.objects.exists()
    page = client.get(f"/subsidies/jobs/{job.pk}/").content.decode()
    assert "<td>2</td><td>资格类别</td>" in page


def test_a_small_upload_stays_inline(client, yibao_user, regions, spy):
    client.force_login(yibao_user)
    assert upload(client, GOOD).status_code == 302 and spy == ["doctors"]
    assert not Job.objects.exists() and Doctor.objects.count() == 1


@pytest.fixture
def checks(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.doctors_check_job, "delay", lambda *args: sent.append(args))
    return sent


def stored(settings) -> list:
    return sorted(p.name for p in settings.IMPORT_DIR.glob("*.bin")) if settings.IMPORT_DIR.exists() else []


def import_screen(client, text, resource="0"):
    return client.post("/admin/doctors/doctor/import/", {
        "format": "0", "resource": resource, "import_file": SimpleUploadedFile("d.csv", text.encode())})


def confirm(client, page, **tampered):
    values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    fields = {k: values.get(k, "") for k in ["import_file_name", "original_file_name", "format", "resource"]}
    return client.post("/admin/doctors/doctor/process_import/", {**fields, **tampered})


def test_a_large_file_on_the_import_screen_is_previewed_in_the_worker_then_confirmed(
        client, yibao_user, regions, settings, tmp_path, queued, checks, spy):
    """Issue 14 §4 (review): a large doctors file is previewed (dry run) in the worker, as for
    subsidies, and imported only after the confirm; the upload is stored once."""
    settings.IMPORT_INLINE_MAX_BYTES = 100
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(yibao_user)
    response = import_screen(client, GOOD)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/jobs/{job.pk}/"
    assert spy == [] and not Doctor.objects.exists()  # nothing checked in the request
    assert len(stored(settings)) == 1  # kept once, for the check and the confirm
    tasks.doctors_check_job(*checks[0])  # the worker: the dry run
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["summary"] == "校验通过(未写入):医师 1,机构 1,服务协议 1,未变 0"
    assert spy == ["doctors"] and not Doctor.objects.exists() and queued == []
    preview_url = f"/admin/doctors/doctor/import/checked/{job.pk}/"
    assert f'href="{preview_url}">查看预览并确认导入' in client.get(f"/subsidies/jobs/{job.pk}/").content.decode()
    preview = client.get(preview_url).content.decode()
    assert "校验通过(未写入):医师 1" in preview and 'name="import_file_name"' in preview
    done = confirm(client, preview)  # the confirm: a large file is imported in the worker
    imported = Job.objects.exclude(pk=job.pk).get()
    assert done.status_code == 302 and done["Location"] == f"/subsidies/jobs/{imported.pk}/"
    tasks.doctors_import_job(*queued[0])
    imported.refresh_from_db()
    assert imported.status == JobStatus.DONE and Doctor.objects.get().name == "王五"
    assert stored(settings) == []  # claimed at the confirm, removed after the import


def test_a_large_bad_file_on_the_import_screen_lists_its_rows_and_offers_no_confirm(
        client, yibao_user, regions, settings, tmp_path, checks):
    settings.IMPORT_INLINE_MAX_BYTES = 100
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(yibao_user)
    import_screen(client, BAD)
    job = Job.objects.get()
    tasks.doctors_check_job(*checks[0])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.errors[0]["line"] == 2
    preview = client.get(f"/admin/doctors/doctor/import/checked/{job.pk}/").content.decode()
    assert "<td>2</td><td>资格类别</td>" in preview and 'name="import_file_name"' not in preview
    assert stored(settings) == [] and not Doctor.objects.exists()


def test_a_refused_small_file_is_never_stored(client, yibao_user, regions, settings, tmp_path):
    """Issue 14 §4 (review): the upload is kept only when a confirm will need it."""
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(yibao_user)
    page = import_screen(client, BAD).content.decode()
    assert "<td>2</td><td>资格类别</td>" in page and stored(settings) == []
    assert 'name="import_file_name"' in import_screen(client, GOOD).content.decode()
    assert len(stored(settings)) == 1


def test_a_tampered_confirm_imports_what_was_previewed(client, yibao_user, regions):
    """The kind and the file name are bound to the stored upload: a confirm naming another
    resource (扣分记录) or file still imports the previewed doctors file."""
    client.force_login(yibao_user)
    page = import_screen(client, GOOD).content.decode()
    response = confirm(client, page, resource="1", original_file_name="x.xlsx")
    assert response.status_code == 302 and Doctor.objects.get().name == "王五"


def test_a_small_file_on_the_import_export_screen_keeps_its_preview(client, yibao_user, regions):
    client.force_login(yibao_user)
    response = client.post("/admin/doctors/doctor/import/", {
        "format": "0", "resource": "0", "import_file": SimpleUploadedFile("d.csv", GOOD.encode())})
    assert response.status_code == 200 and not Job.objects.exists()
    assert 'name="import_file_name"' in response.content.decode()  # the confirm step
    assert not Doctor.objects.exists()
