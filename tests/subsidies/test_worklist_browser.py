"""今日待办 in Chromium (issue 12 §2, §11): the index shows the roll waiting for review, the
reviewer follows the line to the filtered list, approves the roll, and the line is gone."""

import pytest

from apps.subsidies import services
from apps.subsidies.models import RunStatus, SubsidyRun

from .conftest import JUNE


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worklist_line_leads_to_the_roll_and_clears_once_approved(
        standards, set_index, person, make_staff, admin_login, live_server, page):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    run = services.run_compute(month=JUNE)
    services.run_submit(run=run, by=make_staff("bw-preparer", "民政"))
    approver = make_staff("bw-approver", "发改委")

    admin_login(approver)
    waiting = page.locator('#worklist tr[data-key="subsidies.approve"]')
    assert waiting.locator(".qz-worklist-count").inner_text() == "1"
    assert "待审核的补贴名单" in waiting.inner_text()
    waiting.locator("th a").click()
    page.wait_for_url("**/admin/subsidies/subsidyrun/?todo=subsidies.approve")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    rows.first.locator("th a, td a").first.click()
    page.click("text=审核通过")
    page.wait_for_selector(".messagelist")
    assert SubsidyRun.objects.get(pk=run.pk).status == RunStatus.APPROVED

    page.goto(f"{live_server.url}/admin/")
    assert page.locator('#worklist tr[data-key="subsidies.approve"]').count() == 0
    # The roll moves on to the next step: marking it paid.
    assert page.locator('#worklist tr[data-key="subsidies.pay"] .qz-worklist-count').inner_text() == "1"
