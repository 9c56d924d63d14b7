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
    assert "补贴涨幅 3.60%,2 人,金额 83.70 元" in page.inner_text("#run-0-totals")
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
