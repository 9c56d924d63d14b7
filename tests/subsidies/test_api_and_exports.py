"""GET /api/subsidies/runs/YYYY-MM/summary and the roll exports (衢政办发〔2020〕20号 六、八)."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from apps.core.models import ApiToken
from apps.core.services import organisation_resolve
from apps.subsidies import services
from apps.subsidies.models import University

from .conftest import JUNE


@pytest.fixture
def june_run(standards, set_index, person, regions):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao", name="张三")
    person("330802", "urban", "dibao", "unemployment", name="李四")
    person("330881", "rural", "edge", name="王五")
    University.objects.create(organisation=organisation_resolve("衢州学院"),
                              region=regions["330802"], students=100)
    return services.run_compute(month=JUNE)


def test_summary_api_exact_shape(client, june_run, fagaiwei_user):
    client.force_login(fagaiwei_user)
    body = client.get("/api/subsidies/runs/2020-06/summary").json()
    figures = {
        "month": "2020-06", "triggered": True, "rate": "3.60", "status": "draft",
        "persons": 3, "amount": "139.32",
        "by_category": [{"key": "低保", "persons": 1, "amount": "55.80"},
                        {"key": "低保边缘", "persons": 1, "amount": "25.20"},
                        {"key": "失业保险金", "persons": 1, "amount": "58.32"}],
        "by_region": [{"key": "330802", "name": "柯城区", "persons": 2, "amount": "114.12"},
                      {"key": "330881", "name": "江山市", "persons": 1, "amount": "25.20"}],
        "universities": [{"school": "衢州学院", "students": 100, "amount": "2790.00"}],
        "runs": [{"sequence": 0, "kind": "正常发放", "status": "draft", "status_label": "草稿",
                  "persons": 3, "amount": "139.32", "university_amount": "2790.00",
                  "stale": False}],
        "net_amount": "139.32", "net_university_amount": "2790.00", "stale": False,
    }
    # 发改委 sees the whole run: no scope, ``whole`` is the same figures. The chart: 张三 低保
    # 55.80 and 王五 低保边缘 25.20 paid by 民政, 李四 失业保险金 58.32 by 人社 (一 职责分工);
    # the trend's eleven months before June have no run.
    assert body == {**figures, "scope": None, "whole": figures, "chart": {
        "month": {"regions": ["柯城区", "江山市"], "region_codes": ["330802", "330881"],
                  "series": [{"key": "minzheng", "label": "民政部门", "amounts": ["55.80", "25.20"]},
                             {"key": "renshe", "label": "人社部门", "amounts": ["58.32", "0.00"]}]},
        "trend": {"months": ["2019-07", "2019-08", "2019-09", "2019-10", "2019-11", "2019-12",
                             "2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06"],
                  "whole": ["0.00"] * 11 + ["139.32"], "own": None}}}


def test_summary_api_with_token_and_county_scope(client, june_run, jiangshan_user):
    _, key = ApiToken.issue(user=jiangshan_user, name="test")
    body = client.get("/api/subsidies/runs/2020-06/summary",
                      HTTP_AUTHORIZATION=f"Token {key}").json()
    assert body["persons"] == 1 and body["by_region"] == [
        {"key": "330881", "name": "江山市", "persons": 1, "amount": "25.20"}]


def test_summary_api_errors(client, june_run, fagaiwei_user, yibao_user):
    assert client.get("/api/subsidies/runs/2020-06/summary").status_code == 401
    client.force_login(yibao_user)
    assert client.get("/api/subsidies/runs/2020-06/summary").status_code == 403
    client.force_login(fagaiwei_user)
    assert client.get("/api/subsidies/runs/2020-13/summary").status_code == 400
    response = client.get("/api/subsidies/runs/2020-08/summary")
    assert response.status_code == 404 and "尚未测算" in response.json()["error"]


def test_summary_of_a_month_not_triggered(client, standards, set_index, fagaiwei_user):
    set_index(JUNE, "2.9", "5.9")
    services.run_compute(month=JUNE)
    client.force_login(fagaiwei_user)
    body = client.get("/api/subsidies/runs/2020-06/summary").json()
    assert (body["triggered"], body["rate"], body["persons"], body["amount"]) == (False, None, 0, "0.00")


def test_export_command_csv_one_line_per_paid_person(june_run, tmp_path):
    path = tmp_path / "roll.csv"
    call_command("subsidy_export", "2020-06", str(path))
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["公民身份号码", "姓名", "区划代码", "类别", "发放部门", "金额", "备注"]
    by_name = {r[1]: r for r in rows[1:]}
    assert len(by_name) == 3
    assert by_name["李四"][2:] == ["330802", "失业保险金", "人社部门", "58.32", "价格临时补贴"]
    assert len(by_name["张三"][0]) == 18 and "*" not in by_name["张三"][0]


def test_export_command_xlsx_and_report(june_run, tmp_path):
    path = tmp_path / "roll.xlsx"
    call_command("subsidy_export", "2020-06", str(path))
    sheet = load_workbook(path).active
    # Header, three persons, then the 合计 row holding a number (issue 12 §4).
    assert sheet.max_row == 5 and sheet["G2"].value == "价格临时补贴"
    amounts = [row[5] for row in sheet.iter_rows(min_row=2, max_row=4, values_only=True)]
    assert sheet["A5"].value == "合计" and sheet["F5"].value == pytest.approx(sum(amounts))
    assert sheet["F5"].data_type == "n" and sheet["F2"].number_format == "#,##0.00"
    report = tmp_path / "report.xlsx"
    call_command("subsidy_export", "2020-06", str(report), "--report")
    book = load_workbook(report)
    # Amounts are numbers Excel can sum (issue 11 §2).
    assert book["汇总"]["E2"].value == 3 and book["汇总"]["F2"].value == 139.32
    assert book["高校伙食补贴"]["A2"].value == "衢州学院"


def test_export_command_errors(june_run, tmp_path):
    with pytest.raises(CommandError, match="没有序号"):
        call_command("subsidy_export", "2020-07", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="不支持"):
        call_command("subsidy_export", "2020-06", str(tmp_path / "x.pdf"))


def test_roll_per_department_and_region_from_the_page(client, june_run, make_staff):
    client.force_login(make_staff("rs", "人社"))
    response = client.get("/subsidies/runs/2020-06/roll.csv?department=renshe&region=330802")
    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines()))
    assert [r[1] for r in rows[1:]] == ["李四"]


def test_roll_masks_ids_for_roles_without_full_id(client, june_run, fagaiwei_user):
    client.force_login(fagaiwei_user)
    rows = list(csv.reader(client.get("/subsidies/runs/2020-06/roll.csv").content
                           .decode("utf-8-sig").splitlines()))
    assert all("********" in r[0] for r in rows[1:])


def test_run_page_shows_totals_and_chart(client, june_run, fagaiwei_user):
    client.force_login(fagaiwei_user)
    html = client.get("/subsidies/runs/2020-06/").content.decode()
    assert "补贴涨幅 3.60%,全部 <strong class=\"whole-persons\">3</strong> 人,金额 " \
        "<strong class=\"whole-amount\">¥139.32</strong>" in html
    assert "衢州学院" in html and "2020-06" in html and "提交审核" in html


def test_run_report_download(client, june_run, fagaiwei_user):
    client.force_login(fagaiwei_user)
    response = client.get("/subsidies/runs/2020-06/report.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_adjustment_export_by_sequence(june_run, make_staff, person, tmp_path):
    services.run_submit(run=june_run, by=make_staff("p", "民政"))
    services.run_approve(run=june_run, by=make_staff("a", "发改委"))
    person("330803", "urban", "youfu", name="赵六", from_month=dt.date(2020, 6, 1))
    adjustment = services.run_compute(month=JUNE)
    assert adjustment.amount == Decimal("55.80")
    path = tmp_path / "adj.csv"
    call_command("subsidy_export", "2020-06", str(path), "--sequence", "1")
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert [r[1] for r in rows[1:]] == ["赵六"] and rows[1][4] == "退役军人事务部门"


def test_paying_department_sees_its_own_roll(client, june_run, renshe_user):
    """一: 人社部门负责领取失业保险金人员的补贴发放 — its staff see the unemployment lines."""
    client.force_login(renshe_user)
    body = client.get("/api/subsidies/runs/2020-06/summary").json()
    assert body["by_category"] == [{"key": "失业保险金", "persons": 1, "amount": "58.32"}]
    html = client.get("/admin/subsidies/rollline/").content.decode()
    assert "李四" in html and "张三" not in html


def test_exports_are_data_never_formulas(client, june_run, person, make_staff, tmp_path):
    """Issue 11 §2 (OWASP CSV injection): a name that looks like a formula is written as text in
    the roll CSV, the roll XLSX and the page download; amounts stay numbers, negatives too."""
    services.run_submit(run=june_run, by=make_staff("p2", "民政"))
    services.run_approve(run=june_run, by=make_staff("a2", "发改委"))
    person("330802", "urban", "dibao", name="=HYPERLINK(\"http://x\",\"点我\")")
    person("330802", "urban", "dibao", name="@SUM(A1)", to_month=dt.date(2020, 5, 1))
    from apps.subsidies.models import Beneficiary, Enrolment

    zhang = Beneficiary.objects.get(name="张三")
    Enrolment.objects.filter(beneficiary=zhang).update(to_month=dt.date(2020, 5, 1))
    adjustment = services.run_compute(month=JUNE)
    path = tmp_path / "adj.xlsx"
    call_command("subsidy_export", "2020-06", str(path), "--sequence", str(adjustment.sequence))
    sheet = load_workbook(path).active
    values = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=6).value
              for r in range(2, sheet.max_row + 1)}
    assert values["'=HYPERLINK(\"http://x\",\"点我\")"] == 55.8
    assert values["张三"] == -55.8  # the reversal is a negative number, not text
    csv_path = tmp_path / "adj.csv"
    call_command("subsidy_export", "2020-06", str(csv_path), "--sequence", str(adjustment.sequence))
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",-55.80," in text
    client.force_login(make_staff("mz_city", "民政"))
    page = client.get(f"/subsidies/runs/2020-06/roll.csv?sequence={adjustment.sequence}")
    assert "'=HYPERLINK" in page.content.decode("utf-8-sig")
