"""The run page in a browser: totals, then preparer submits and another officer approves."""

import pytest

from apps.subsidies import services
from apps.subsidies.models import RunStatus, SubsidyRun

from .conftest import JUNE


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_run_page_submit_then_approve(standards, set_index, person, make_staff, admin_login,
                                      live_server, page):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    person("330802", "urban", "edge")
    run = services.run_compute(month=JUNE)
    preparer = make_staff("bpreparer", "民政")
    approver = make_staff("bapprover", "发改委")

    admin_login(preparer)
    page.goto(f"{live_server.url}/subsidies/runs/2020-06/")
    assert " ".join(page.inner_text("#run-0-totals").split()) == (
        "补贴涨幅 3.60%,全部 2 人,金额 ¥83.70;本部门(民政部门) 2 人,金额 ¥83.70")
    page.click("text=提交审核")
    page.wait_for_url(f"{live_server.url}/subsidies/runs/2020-06/")
    assert SubsidyRun.objects.get(pk=run.pk).status == RunStatus.SUBMITTED

    page.context.clear_cookies()
    admin_login(approver)
    page.goto(f"{live_server.url}/subsidies/runs/2020-06/")
    page.click("text=审核通过")
    page.wait_for_url(f"{live_server.url}/subsidies/runs/2020-06/")
    assert SubsidyRun.objects.get(pk=run.pk).status == RunStatus.APPROVED
    assert "已审核" in page.content()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_page_polls_until_done(make_staff, admin_login, live_server, page):
    """The bar follows the job's JSON while it runs, then shows the result (issue 3 §7)."""
    from apps.core import jobs
    from apps.subsidies.models import Job

    officer = make_staff("bprogress", "民政")
    job = jobs.job_start(kind=Job.Kind.IMPORT, label="补贴对象 b.csv", user=officer)
    jobs.reporter(job.pk)("校验中:40000/100000行", 40000, 100000)
    admin_login(officer)
    page.goto(f"{live_server.url}/subsidies/jobs/{job.pk}/")
    assert page.get_attribute("#job-bar", "value") == "40"
    jobs.reporter(job.pk)("已校验100000行,正在写入", 100000, 100000)
    # Polled from here: the strict CSP (issue 11 §1) forbids the eval behind wait_for_function.
    page.locator("#job-bar[value='100']").wait_for(state="attached", timeout=15000)
    jobs.job_fail(job.pk, errors=[{"line": 3, "column": "区划代码", "message": "未知的区划代码“339999”"}],
                  result={"summary": "文件有1处错误,未导入任何数据"})
    page.wait_for_selector("#job-errors tbody tr")
    assert page.inner_text("#job-errors tbody tr") == "3\t区划代码\t未知的区划代码“339999”"
    assert "失败" in page.inner_text("#job-status")
