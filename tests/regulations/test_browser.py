"""Browser: a staff member searches a number typed in another bracket form and opens its timeline."""

from __future__ import annotations

import pytest


@pytest.mark.browser
def test_search_number_and_open_timeline(django_db_serialized_rollback, transactional_db,
                                         registry, make_staff, admin_login, live_server):
    page = admin_login(make_staff("shengtai", "生态环境"))
    page.goto(f"{live_server.url}/regulations/")
    page.fill("#id_number", "衢环函 [2018] 92 号")
    page.fill("#id_as_of", "2021-07-01")
    page.click("#regulations-search input[type=submit]")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1
    assert rows.first.locator(".status").inner_text() == "失效"
    page.click("#results a.doc-link")
    page.wait_for_selector("#timeline")
    assert "衢环函〔2018〕92号" in page.inner_text("#doc-title")
    timeline = page.inner_text("#timeline")
    assert "2020-08-01" in timeline and "需修改" in timeline and "衢环发〔2020〕66号" in timeline
    assert "2021-07-01" in timeline and "修改期满未重新公布" in timeline
    assert "失效" in page.inner_text("#standing")
