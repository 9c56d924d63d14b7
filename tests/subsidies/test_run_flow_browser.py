"""Browser (issue 12 §11): a 民政 clerk imports the beneficiaries through the admin import
screen (a bad file is refused naming row and field, nothing saved; the good XLSX is previewed,
then confirmed and followed on the job page), computes the month with the run page's button,
sees the whole run and 本部门 beside it, submits; a 发改委 officer approves and downloads the
roll XLSX, whose amounts sum to the page's total and end in a numeric totals row — every page
inside the admin frame.

June 2020 (衢政办发〔2020〕20号, 补贴涨幅 3.6 %): 张三 柯城区 城镇低保 775 × 3.6 % × 2 = 55.80 and
王五 江山市 农村低保边缘 700 × 3.6 % = 25.20 (民政, 81.00); 李四 柯城区 低保 + 失业保险金 takes the
higher one only (一、补贴对象的重叠): 1620 × 3.6 % = 58.32 (人社); the whole run 3 persons, ¥139.32.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from apps.core import resident_id
from apps.subsidies.models import Beneficiary, Enrolment, RunStatus, SubsidyRun

from .conftest import JUNE

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = ["姓名", "公民身份号码", "区划代码", "城乡", "类别"]
ZHANG = resident_id.compose("330802", dt.date(1950, 3, 1), 11)
LI = resident_id.compose("330802", dt.date(1962, 7, 9), 12)
WANG = resident_id.compose("330881", dt.date(1948, 11, 20), 13)


def in_frame(page) -> None:
    assert page.inner_text("#site-name") == "衢州市人民政府 业务管理后台"
    assert page.locator("#logout-form button").is_visible()
    assert page.locator("#nav-sidebar #staff-pages-nav").count() == 1
    assert page.locator("h1").count() == 1


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roll_amounts(content: bytes) -> tuple[list[Decimal], Decimal | None]:
    """The 金额 of every person's row (numeric cells), and the totals row's amount."""
    rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
                .iter_rows(values_only=True))
    header = [str(c or "") for c in rows[0]]
    column = next(i for i, name in enumerate(header) if name.startswith("金额"))
    people, total = [], None
    for row in rows[1:]:
        if row[column] in (None, ""):
            continue
        assert isinstance(row[column], int | float), row  # a number Excel can sum, not text
        value = Decimal(str(row[column])).quantize(Decimal("0.01"))
        if any(str(c or "").startswith("合计") for c in row):
            total = value
        else:
            people.append(value)
    return people, total


def import_screen(page, live_server) -> None:
    """From the admin index: 补贴对象 → 导入, as a clerk would get there."""
    page.goto(f"{live_server.url}/admin/")
    page.click("#content-main a[href='/admin/subsidies/beneficiary/']")
    page.click("a.import_link")
    page.wait_for_url(f"{live_server.url}/admin/subsidies/beneficiary/import/")
    in_frame(page)


def test_import_run_approval_and_roll_download(standards, set_index, make_staff, admin_login,
                                               live_server, page):
    set_index(JUNE, "3.6", "11.1")
    clerk = make_staff("b-mz", "民政")
    officer = make_staff("b-fgw", "发改委")
    admin_login(clerk)

    # A bad file: row 3 has an unknown 区划代码 and a wrong 城乡 — refused, nothing saved.
    import_screen(page, live_server)
    bad = f"{','.join(HEADER)}\n张三,{ZHANG},330802,城镇,低保\n李四,{LI},339999,郊区,低保\n"
    page.set_input_files("#id_import_file", files=[{
        "name": "bad.csv", "mimeType": "text/csv", "buffer": bad.encode("utf-8")}])
    page.fill("#id_from_month", "2020-06")
    page.click("#content form input[type=submit]")
    page.wait_for_selector("#import-errors tbody tr")  # the answer page, not the form still shown
    errors = page.locator("#import-errors tbody tr").all_inner_texts()
    assert "3\t区划代码\t未知的区划代码“339999”" in errors
    assert any(e.startswith("3\t城乡\t") for e in errors)
    assert all(e.startswith("3\t") for e in errors)  # row 2 is good
    assert "未导入任何数据" in page.inner_text("#import-summary")
    assert page.locator("input[name=confirm]").count() == 0
    assert not Beneficiary.objects.exists()

    # The good file as XLSX: preview, confirm, the job page, then the rows in the list.
    import_screen(page, live_server)
    page.set_input_files("#id_import_file", files=[{
        "name": "补贴对象.xlsx", "buffer": xlsx([
            ["张三", ZHANG, "330802", "城镇", "低保"],
            ["李四", LI, "330802", "城镇", "低保"],
            ["李四", LI, "330802", "城镇", "失业保险金"],
            ["王五", WANG, "330881", "农村", "低保边缘"]]),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.fill("#id_from_month", "2020-06")
    page.click("#content form input[type=submit]")
    assert "补贴对象校验通过(未写入):4行,新增3" in page.inner_text("#import-summary")
    assert not Beneficiary.objects.exists()  # the preview writes nothing
    page.click("input[name=confirm]")
    page.wait_for_url("**/subsidies/jobs/*/")
    in_frame(page)
    page.wait_for_selector("#job-finished:not([hidden])")
    assert page.inner_text("#job-status") == "已完成:补贴对象已导入:4行,新增3,更新0,未变0"
    page.goto(f"{live_server.url}/admin/subsidies/beneficiary/")
    rows = page.locator("#result_list tbody tr").all_inner_texts()
    assert sorted(r.split("\t")[1] for r in rows) == ["张三", "李四", "王五"]
    assert resident_id.mask(ZHANG) in " ".join(rows) and ZHANG not in " ".join(rows)
    assert Enrolment.objects.filter(from_month=JUNE).count() == 4

    # The run page from the 工作页面 link; 计算本月 runs the month and leads back to it.
    page.click("#staff-pages-nav a:has-text('价格补贴月度测算')")
    page.wait_for_url("**/subsidies/runs/*/")
    page.goto(f"{live_server.url}/subsidies/runs/2020-06/")
    in_frame(page)
    page.click("#start-run button")
    page.wait_for_url("**/subsidies/jobs/*/")
    page.wait_for_selector("#job-link a")
    page.click("#job-link a")
    page.wait_for_url(f"{live_server.url}/subsidies/runs/2020-06/")
    run = SubsidyRun.objects.get(month=JUNE)
    assert " ".join(page.inner_text("#run-0-totals").split()) == (
        "补贴涨幅 3.60%,全部 3 人,金额 ¥139.32;本部门(民政部门) 2 人,金额 ¥81.00")
    assert page.inner_text("#net-amount") == "¥139.32"
    assert page.inner_text("#own-net-amount") == "¥81.00"
    # Chart.js drew both charts from the embedded JSON under the strict CSP.
    page.locator("#charts[data-drawn='1']").wait_for(state="attached")
    assert page.locator("#chart-month").bounding_box()["height"] > 100
    assert page.locator("#chart-trend").bounding_box()["height"] > 100
    page.click("text=提交审核")
    page.wait_for_url(f"{live_server.url}/subsidies/runs/2020-06/")
    assert SubsidyRun.objects.get(pk=run.pk).status == RunStatus.SUBMITTED

    # A second user approves and reads the roll back.
    page.context.clear_cookies()
    admin_login(officer)
    page.click("#staff-pages a:has-text('价格补贴月度测算')")  # the latest month
    page.wait_for_url(f"{live_server.url}/subsidies/runs/2020-06/")
    in_frame(page)
    page.click("text=审核通过")
    page.wait_for_url(f"{live_server.url}/subsidies/runs/2020-06/")
    assert SubsidyRun.objects.get(pk=run.pk).status == RunStatus.APPROVED
    assert "已审核" in page.inner_text("#run-0 h2")
    page_total = Decimal(page.inner_text("#run-0-totals .whole-amount").lstrip("¥").replace(",", ""))
    with page.expect_download() as download:
        page.click("#run-0 a.roll-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        people, total = roll_amounts(handle.read())
    assert sorted(people) == [Decimal("25.20"), Decimal("55.80"), Decimal("58.32")]
    assert sum(people) == page_total == total == Decimal("139.32")
