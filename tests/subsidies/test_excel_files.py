"""Issue 12 §4 and issue 11 §6: the roll and the upward report open in Excel as staff expect —
Chinese file and sheet names, header in row 1 (frozen), amounts as numbers with two decimals,
a 合计 row holding a number; CSVs stay header + rows; names by RFC 6266.

Amounts (衢政办发〔2020〕20号, June 2020 at 3.6 %, see test_api_and_exports): 张三 低保 55.80,
李四 失业保险金 58.32 (人社, 柯城区), 王五 低保边缘 25.20 (江山市); total 139.32."""

import csv
import io
import re
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from apps.subsidies.models import SubsidyRun

from .test_api_and_exports import june_run  # noqa: F401  (fixture)


def download_name(response) -> str:
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    match = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    assert match and re.search(r'filename="[\x20-\x7e]+"', header), header
    return unquote(match.group(1))


def rows_of(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_roll_xlsx_by_department_and_region_sums_in_excel(client, june_run, make_staff):  # noqa: F811
    client.force_login(make_staff("mz", "民政"))
    response = client.get("/subsidies/runs/2020-06/roll.xlsx?department=minzheng&region=330802")
    assert response.status_code == 200
    assert download_name(response) == "2020-06价格临时补贴发放名单-民政部门-柯城区.xlsx"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "发放名单" and sheet.freeze_panes == "A2"
    rows = rows_of(sheet)
    assert rows[0] == ["公民身份号码", "姓名", "区划代码", "类别", "发放部门", "金额", "备注"]
    assert [r[1] for r in rows[1:-1]] == ["张三"] and rows[1][5] == 55.80
    assert rows[-1][0] == "合计" and rows[-1][5] == 55.80
    assert sheet["F2"].data_type == "n" and sheet["F2"].number_format == "#,##0.00"
    assert sheet.column_dimensions["A"].width >= 18  # the ID column fits


def test_whole_roll_xlsx_total_is_the_runs_total(client, june_run, fagaiwei_user):  # noqa: F811
    client.force_login(fagaiwei_user)
    response = client.get("/subsidies/runs/2020-06/roll.xlsx")
    assert download_name(response) == "2020-06价格临时补贴发放名单-全部发放部门-全部区划.xlsx"
    rows = rows_of(load_workbook(io.BytesIO(response.content)).active)
    amounts = [r[5] for r in rows[1:-1]]
    assert sorted(amounts) == [25.20, 55.80, 58.32]
    assert rows[-1][5] == pytest.approx(139.32) == pytest.approx(sum(amounts))


def test_roll_csv_stays_header_and_rows_with_a_chinese_name(client, june_run, fagaiwei_user):  # noqa: F811
    client.force_login(fagaiwei_user)
    response = client.get("/subsidies/runs/2020-06/roll.csv?department=renshe")
    assert download_name(response) == "2020-06价格临时补贴发放名单-人社部门-全部区划.csv"
    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines()))
    assert len(rows) == 2 and rows[1][1] == "李四" and rows[1][5] == "58.32"


def test_upward_report_sheets_end_in_totals(client, june_run, fagaiwei_user):  # noqa: F811
    client.force_login(fagaiwei_user)
    response = client.get("/subsidies/runs/2020-06/report.xlsx")
    assert download_name(response) == "2020-06价格临时补贴上报表.xlsx"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "按类别", "按区划", "按发放部门", "高校伙食补贴"]
    by_region = rows_of(book["按区划"])
    assert by_region[0] == ["区划", "人数", "金额(元)"]
    assert by_region[1:] == [["330802", 2, 114.12], ["330881", 1, 25.20], ["合计", 3, 139.32]]
    assert book["按区划"]["C2"].number_format == "#,##0.00" and book["按区划"].freeze_panes == "A2"


def test_admin_roll_export_in_chinese_for_excel(client, june_run, make_staff, regions):  # noqa: F811
    client.force_login(make_staff("mz2", "民政"))
    run = SubsidyRun.objects.get()
    query = f"?run__id__exact={run.pk}&department__exact=minzheng&region__id__exact={regions['330802'].pk}"
    page = client.get("/admin/subsidies/rollline/export/" + query).content.decode()
    for english in ("Tablib", "Resource", "Department Label", "Select all", ">csv<", ">xlsx<"):
        assert english not in page, english
    assert "CSV 文件" in page and "Excel (XLSX)" in page and "发放部门" in page
    chosen = {f"rolllineresource_{f}": "on" for f in ["resident", "name", "region_code",
                                                       "category_label", "department_label",
                                                       "amount", "note"]}
    response = client.post("/admin/subsidies/rollline/export/" + query,
                           {"format": "1", "resource": "0", **chosen})
    assert response.status_code == 200
    assert download_name(response) == "2020-06价格临时补贴发放名单-民政部门-柯城区.xlsx"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = rows_of(sheet)
    assert sheet.title == "发放名单" and rows[0][5] == "金额" and sheet.freeze_panes == "A2"
    assert rows[1][1] == "张三" and rows[1][5] == 55.80 and rows[-1][:1] == ["合计"]
    assert rows[-1][5] == 55.80
    csv_response = client.post("/admin/subsidies/rollline/export/" + query,
                               {"format": "0", "resource": "0", **chosen})
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and download_name(csv_response).endswith("柯城区.csv")
