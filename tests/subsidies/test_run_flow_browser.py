"""Browser (issue 12 §11): a 民政 clerk opens the month's run from the 工作页面 link, sees the
whole run and 本部门 beside it, submits; a 发改委 officer approves and downloads the roll, whose
amounts sum to the page's total — every page inside the admin frame.

June 2020 (衢政办发〔2020〕20号, 补贴涨幅 3.6 %): 张三 柯城区 低保 55.80 and 王五 江山市 低保边缘
25.20 (民政, 81.00), 李四 失业保险金 58.32 (人社); the whole run 3 persons, ¥139.32.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from apps.subsidies import services
from apps.subsidies.models import RunStatus, SubsidyRun

from .conftest import JUNE

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def in_frame(page) -> None:
    assert page.inner_text("#site-name") == "衢州市人民政府 业务管理后台"
    assert page.locator("#logout-form button").is_visible()
    assert page.locator("#nav-sidebar #staff-pages-nav").count() == 1
    assert page.locator("h1").count() == 1


def roll_amounts(content: bytes, xlsx: bool) -> tuple[list[Decimal], Decimal | None]:
    """The 金额 of every person's row, and the totals row's amount if the file has one."""
    if xlsx:
        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
                    .iter_rows(values_only=True))
    else:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header = [str(c or "") for c in rows[0]]
    column = next(i for i, name in enumerate(header) if name.startswith("金额"))
    people, total = [], None
    for row in rows[1:]:
        if row[column] in (None, ""):
            continue
        value = Decimal(str(row[column]))
        if any(str(c or "").startswith("合计") for c in row):
            total = value
        else:
            people.append(value)
    return people, total


def test_run_totals_approval_and_roll_download(standards, set_index, person, make_staff,
                                               admin_login, live_server, page):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao", name="张三")
    person("330802", "urban", "dibao", "unemployment", name="李四")
    person("330881", "rural", "edge", name="王五")
    run = services.run_compute(month=JUNE)
    clerk = make_staff("b-mz", "民政")
    officer = make_staff("b-fgw", "发改委")

    admin_login(clerk)
    page.click("#staff-pages a:has-text('价格补贴月度测算')")
    page.wait_for_url(f"{live_server.url}/subsidies/runs/2020-06/")
    in_frame(page)
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

    page.context.clear_cookies()
    admin_login(officer)
    page.goto(f"{live_server.url}/subsidies/runs/")  # the sidebar link: the latest month
    page.wait_for_url(f"{live_server.url}/subsidies/runs/2020-06/")
    in_frame(page)
    page.click("text=审核通过")
    page.wait_for_url(f"{live_server.url}/subsidies/runs/2020-06/")
    assert SubsidyRun.objects.get(pk=run.pk).status == RunStatus.APPROVED
    assert "已审核" in page.inner_text("#run-0 h2")
    page_total = Decimal(page.inner_text("#run-0-totals .whole-amount").lstrip("¥").replace(",", ""))

    # The roll as XLSX (issue 12 §4, the exports branch's roll.xlsx); CSV until it is merged.
    try:
        reverse("subsidies-run-roll-xlsx", args=["2020-06"])
        link, xlsx = "#run-0 a.roll-xlsx", True
    except NoReverseMatch:
        link, xlsx = "#run-0 a.roll-csv", False
    with page.expect_download() as download:
        page.click(link)
    with open(download.value.path(), "rb") as handle:
        people, total = roll_amounts(handle.read(), xlsx)
    assert len(people) == 3 and sum(people) == page_total == Decimal("139.32")
    assert total in (None, page_total)
