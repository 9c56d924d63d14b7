"""Issue 11 §3: a large doctors upload is validated (and, when every row is good, imported)
in the worker, not in the upload request; the clerk follows it on the job page, which lists
every bad row. Small uploads stay inline."""

import datetime as dt

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


def test_a_large_file_on_the_import_export_screen_goes_to_the_worker_too(
        client, yibao_user, regions, settings, queued, spy):
    """The other import screen (导入, django-import-export) follows the same rule: a large
    deductions/doctors file never runs its dry run inside the upload request."""
    settings.IMPORT_INLINE_MAX_BYTES = 100
    client.force_login(yibao_user)
    response = client.post("/admin/doctors/doctor/import/", {
        "format": "0", "resource": "0", "import_file": SimpleUploadedFile("d.csv", GOOD.encode())})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/jobs/{job.pk}/"
    assert spy == [] and not Doctor.objects.exists()  # nothing checked in the request
    tasks.doctors_import_job(*queued[0])  # the worker
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Doctor.objects.get().name == "王五"


def test_a_small_file_on_the_import_export_screen_keeps_its_preview(client, yibao_user, regions):
    client.force_login(yibao_user)
    response = client.post("/admin/doctors/doctor/import/", {
        "format": "0", "resource": "0", "import_file": SimpleUploadedFile("d.csv", GOOD.encode())})
    assert response.status_code == 200 and not Job.objects.exists()
    assert 'name="import_file_name"' in response.content.decode()  # the confirm step
    assert not Doctor.objects.exists()
