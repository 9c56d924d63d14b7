"""The four imports in django-import-export's admin screen: the preview is the whole-file
service's dry run (every bad row listed, nothing written); confirm imports with progress."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from apps.core import resident_id
from apps.subsidies.models import Beneficiary, Job, JobStatus, LocalStandard, MonthlyIndex

JUNE = dt.date(2020, 6, 1)
NUMBER = resident_id.compose("330802", dt.date(1960, 1, 1), 5)
GOOD = f"姓名,公民身份号码,区划代码,城乡,类别\n张三,{NUMBER},330802,城镇,低保\n张三,{NUMBER},330802,城镇,重点优抚\n"


def upload(client, model, data, name="b.csv", **extra):
    return client.post(f"/admin/subsidies/{model}/import/", {
        "format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, data), **extra})


def confirm(client, model, page):
    values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    fields = {k: values.get(k, "") for k in
              ["import_file_name", "original_file_name", "format", "resource", "from_month"]}
    return client.post(f"/admin/subsidies/{model}/process_import/", fields)


@pytest.mark.parametrize("model", ["monthlyindex", "localstandard", "beneficiary", "university"])
def test_each_import_screen_opens_and_names_the_exact_headers(client, minzheng_user, model):
    client.force_login(minzheng_user)
    html = client.get(f"/admin/subsidies/{model}/import/").content.decode()
    assert "CSV(UTF-8/GBK)或XLSX" in html
    from django.contrib import admin as django_admin

    from apps.subsidies import imports

    model_admin = next(a for m, a in django_admin.site._registry.items()
                       if m._meta.app_label == "subsidies" and m._meta.model_name == model)
    headers = list(imports.HEADERS[model_admin.import_kind])
    # every expected header, in the file's order (issue 12 §4: the exact headers)
    positions = [html.find(h) for h in headers]
    assert -1 not in positions, [h for h, at in zip(headers, positions, strict=True) if at == -1]
    assert positions == sorted(positions)


def test_preview_then_confirm_imports_through_the_service(client, regions, minzheng_user):
    client.force_login(minzheng_user)
    page = upload(client, "beneficiary", GOOD.encode(), from_month="2020-06").content.decode()
    assert "补贴对象校验通过(未写入):2行,新增1" in page
    assert 'name="from_month" value="2020-06"' in page
    assert 'name="import_file_name"' in page and not Beneficiary.objects.exists()
    response = confirm(client, "beneficiary", page)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/jobs/{job.pk}/"
    job.refresh_from_db()  # eager Celery: the task has run
    assert job.status == JobStatus.DONE and job.done == job.total == 2
    assert job.result["summary"] == "补贴对象已导入:2行,新增1,更新0,未变0"
    assert job.result["messages"] == ["新增补贴资格2条(自2020-06起)"]
    person = Beneficiary.objects.get(resident_id_digest=resident_id.digest(NUMBER))
    assert sorted(person.enrolments.values_list("category", "from_month")) == [
        ("dibao", JUNE), ("youfu", JUNE)]


def test_a_tampered_confirm_imports_what_was_previewed(client, regions, minzheng_user):
    """Issue 14 §4 (review): the options (from_month) and the file name are bound to the stored
    upload at the preview; the confirm's hidden fields cannot change them."""
    client.force_login(minzheng_user)
    page = upload(client, "beneficiary", GOOD.encode(), name="june.csv",
                  from_month="2020-06").content.decode()
    values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    response = client.post("/admin/subsidies/beneficiary/process_import/", {
        "import_file_name": values["import_file_name"], "format": "0", "resource": "0",
        "original_file_name": "other.xlsx", "from_month": "2020-01"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.label.endswith("june.csv")
    person = Beneficiary.objects.get(resident_id_digest=resident_id.digest(NUMBER))
    assert set(person.enrolments.values_list("from_month", flat=True)) == {JUNE}


def test_preview_lists_every_bad_row_with_line_column_and_message(client, regions, minzheng_user):
    data = ("姓名,公民身份号码,区划代码,城乡,类别\n张三,330802196001010001,330802,城镇,低保\n"
            "李四,x,999999,郊区,贫困户\n").encode()
    client.force_login(minzheng_user)
    page = upload(client, "beneficiary", data).content.decode()
    assert "未导入任何数据" in page
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert ("2", "公民身份号码", "公民身份号码校验码错误") in [(a, b, c[:11]) for a, b, c in rows]
    assert ("3", "区划代码", "未知的区划代码“999999”") in rows
    assert {(line, column) for line, column, _ in rows} >= {("3", "城乡"), ("3", "类别"),
                                                              ("3", "公民身份号码")}
    assert 'name="import_file_name"' not in page  # no confirm button
    assert not Beneficiary.objects.exists()


def test_standards_screen_in_gbk_rejects_a_negative_standard(client, regions, minzheng_user):
    data = ("区划代码,起始月份,城市低保标准,农村低保标准,失业保险金标准\n"
            "330802,2020-07,810,810,1620\n330803,2020-07,-1,810,1620\n").encode("gbk")
    client.force_login(minzheng_user)
    page = upload(client, "localstandard", data).content.decode()
    assert "<tr><td>3</td><td>城市低保标准</td><td>不能为负数(“-1”)</td></tr>" in page
    assert not LocalStandard.objects.exists()


def test_indices_screen_accepts_xlsx(client, fagaiwei_user, django_capture_on_commit_callbacks):
    book = Workbook()
    book.active.append(["月份", "SCPI同比涨幅", "CPI食品同比涨幅"])
    book.active.append(["2020-06", 3.6, 11.1])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(fagaiwei_user)
    page = upload(client, "monthlyindex", buffer.getvalue(), name="i.xlsx").content.decode()
    assert "月度价格指数校验通过(未写入):1行,新增1" in page
    with django_capture_on_commit_callbacks(execute=False):
        confirm(client, "monthlyindex", page)
    index = MonthlyIndex.objects.get(month=JUNE)
    assert (str(index.scpi), str(index.cpi_food)) == ("3.60", "11.10")


def test_confirm_of_a_file_that_went_bad_reports_the_errors_in_the_job(client, regions,
                                                                       minzheng_user, import_dir):
    client.force_login(minzheng_user)
    page = upload(client, "beneficiary", GOOD.encode()).content.decode()
    stored = re.search(r'name="import_file_name" value="([^"]*)"', page).group(1)
    (Path(import_dir) / f"{stored}.bin").write_bytes("姓名,x\n".encode())  # headers now wrong
    confirm(client, "beneficiary", page)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.errors[0]["line"] == 1
    assert not Beneficiary.objects.exists()


def test_import_needs_the_add_permission(client, regions, auditor_user):
    client.force_login(auditor_user)
    assert client.get("/admin/subsidies/beneficiary/import/").status_code == 403
