"""今日待办 of the price subsidy (issue 12 §2; 衢政办发〔2020〕20号 六: 按月测算, 确保于每月月底前将
上个月的价格补贴发放到位). June 2020's roll is paid by 2020-07-31."""

import datetime as dt

import pytest

from apps.core import jobs, worklist
from apps.core.models import ApiToken
from apps.subsidies import services
from apps.subsidies.models import Job

from .conftest import JUNE

D = dt.date
JULY_10 = D(2020, 7, 10)  # 21 days before June's payment deadline (2020-07-31)


def line(user, key, on=JULY_10):
    """The user's line for ``key`` on ``on``, or None when the item does not apply to them."""
    return {found.key: found for found in worklist.lines(user, on=on)}.get(key)


def count(user, key, on=JULY_10):
    found = line(user, key, on)
    return None if found is None else found.count


@pytest.fixture
def run(standards, set_index, person):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    return services.run_compute(month=JUNE)


@pytest.fixture
def staff(make_staff):
    return {
        "preparer": make_staff("wl-p", "民政"),
        "approver": make_staff("wl-a", "发改委"),
        "shifuban": make_staff("wl-s", "市府办"),
        "kecheng": make_staff("wl-k", "民政", region_code="330802"),
        "jiangshan": make_staff("wl-j", "民政", region_code="330881"),
        "yibao": make_staff("wl-y", "医保"),
    }


def test_computed_draft_waits_for_submission_with_days_to_the_payment_deadline(run, staff):
    found = line(staff["preparer"], "subsidies.submit")
    assert (found.count, found.deadline, found.days_left, found.overdue) == (1, D(2020, 7, 31), 21, 0)
    assert found.label == "待提交审核的补贴名单" and found.days_text == "还剩21天"
    assert found.url == "/admin/subsidies/subsidyrun/?todo=subsidies.submit"
    # The roll is the whole city's: a county clerk, 市府办 (read only) and 医保 have no such line.
    for who in ("kecheng", "shifuban", "yibao"):
        assert line(staff[who], "subsidies.submit") is None, who


def test_each_step_moves_the_roll_to_the_next_line_and_clears_the_last(run, staff):
    preparer, approver = staff["preparer"], staff["approver"]
    services.run_submit(run=run, by=preparer)
    assert count(preparer, "subsidies.submit") == 0
    assert count(approver, "subsidies.approve") == 1
    # 编制与审核须为不同人员: the one who submitted it has nothing to approve.
    assert count(preparer, "subsidies.approve") == 0
    services.run_approve(run=run, by=approver)
    assert count(approver, "subsidies.approve") == 0
    assert count(preparer, "subsidies.pay") == 1
    services.run_mark_paid(run=run, by=preparer)
    assert count(preparer, "subsidies.pay") == 0
    assert all(found.count == 0 for found in worklist.lines(preparer, on=JULY_10)
               if found.app == "subsidies")


def test_stale_draft_is_listed_until_recomputed(run, staff):
    services.mark_stale(reason="月度价格指数变更", month=JUNE)
    assert (count(staff["preparer"], "subsidies.stale"), count(staff["preparer"], "subsidies.submit")) == (1, 0)
    services.run_compute(month=JUNE)
    assert (count(staff["preparer"], "subsidies.stale"), count(staff["preparer"], "subsidies.submit")) == (0, 1)


def test_overdue_from_the_first_day_after_the_deadline_until_marked_paid(run, staff):
    last_day, late = D(2020, 7, 31), D(2020, 8, 1)
    assert count(staff["approver"], "subsidies.overdue", last_day) == 0
    found = line(staff["approver"], "subsidies.overdue", late)
    assert (found.count, found.days_left, found.days_text) == (1, -1, "已超期1天")
    assert line(staff["preparer"], "subsidies.submit", late).overdue == 1
    # Read-only 市府办 sees it; a county sees the rolls paying its county only.
    assert count(staff["shifuban"], "subsidies.overdue", late) == 1
    assert count(staff["kecheng"], "subsidies.overdue", late) == 1
    assert count(staff["jiangshan"], "subsidies.overdue", late) == 0
    assert line(staff["yibao"], "subsidies.overdue", late) is None
    services.run_submit(run=run, by=staff["preparer"])
    services.run_approve(run=run, by=staff["approver"])
    assert count(staff["approver"], "subsidies.overdue", late) == 1  # approval is not payment
    services.run_mark_paid(run=run, by=staff["preparer"])
    assert count(staff["approver"], "subsidies.overdue", late) == 0


def test_failed_import_is_listed_for_its_starter_until_the_same_import_succeeds(staff, make_staff):
    officer, other = staff["preparer"], staff["kecheng"]
    failed = jobs.job_start(kind=Job.Kind.IMPORT, label="补贴对象 a.csv", user=officer)
    jobs.job_fail(failed.pk, errors=[{"line": 3, "column": "区划代码", "message": "未知的区划代码"}])
    today = worklist.today()
    assert count(officer, "subsidies.failed_jobs", today) == 1
    assert count(other, "subsidies.failed_jobs", today) == 0
    assert count(make_staff("wl-su", superuser=True), "subsidies.failed_jobs", today) == 1
    # A week later it has dropped off; a later successful run of the same file clears it.
    assert count(officer, "subsidies.failed_jobs", today + dt.timedelta(days=8)) == 0
    done = jobs.job_start(kind=Job.Kind.IMPORT, label="补贴对象 a.csv", user=officer)
    jobs.job_finish(done.pk, result={"summary": "导入1行"})
    assert count(officer, "subsidies.failed_jobs", today) == 0


@pytest.fixture
def on_july_10(monkeypatch):
    monkeypatch.setattr(worklist, "today", lambda: JULY_10)


def test_link_opens_the_changelist_with_exactly_the_rows_counted(run, staff, client, on_july_10):
    services.run_submit(run=run, by=staff["preparer"])
    found = line(staff["approver"], "subsidies.approve")
    client.force_login(staff["approver"])
    response = client.get(found.url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == found.count == 1
    assert "今日待办" in response.content.decode()  # the filter panel names it
    client.force_login(staff["preparer"])  # the preparer's list for the same key is empty
    assert client.get(found.url).context["cl"].result_count == 0
    # 市府办 read the runs but hold no approve permission: the filter lists nothing for them.
    client.force_login(staff["shifuban"])
    assert client.get(found.url).context["cl"].result_count == 0


def test_admin_index_shows_the_line_and_drops_it_once_acted_on(run, staff, client, on_july_10):
    client.force_login(staff["preparer"])
    page = client.get("/admin/").content.decode()
    assert 'data-key="subsidies.submit"' in page and "待提交审核的补贴名单" in page
    assert "还剩21天" in page and "2020年7月31日" in page
    services.run_submit(run=run, by=staff["preparer"])
    page = client.get("/admin/").content.decode()
    assert 'data-key="subsidies.submit"' not in page


def test_api_returns_the_same_lines_and_a_token_only_its_apps(run, staff, client, on_july_10):
    client.force_login(staff["preparer"])
    body = client.get("/api/worklist").json()
    assert body["date"] == "2020-07-10"
    by_key = {item["key"]: item for item in body["items"]}
    assert by_key["subsidies.submit"] == {
        "key": "subsidies.submit", "app": "subsidies", "label": "待提交审核的补贴名单", "count": 1,
        "url": "/admin/subsidies/subsidyrun/?todo=subsidies.submit", "deadline": "2020-07-31",
        "deadline_provisional": False, "days_left": 21, "days_unit": "calendar",
        "days_text": "还剩21天", "overdue": 0, "note": ""}
    assert [i["key"] for i in body["items"]] == [
        found.key for found in worklist.lines(staff["preparer"], on=JULY_10)]
    _, key = ApiToken.issue(user=staff["preparer"], name="t", apps=["doctors"])
    client.logout()
    body = client.get("/api/worklist", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert not [i for i in body["items"] if i["app"] == "subsidies"]
    _, key = ApiToken.issue(user=staff["preparer"], name="t2", apps=["subsidies"])
    body = client.get("/api/worklist", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert {i["key"]: i["count"] for i in body["items"]}["subsidies.submit"] == 1


def test_one_query_per_item_whatever_the_number_of_rolls(standards, set_index, person, staff):
    """No per-row queries: three waiting rolls cost the same queries as one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        user = type(staff["approver"]).objects.get(pk=staff["approver"].pk)  # fresh caches
        with CaptureQueriesContext(connection) as captured:
            worklist.lines(user, on=D(2020, 9, 10))
        return len(captured)

    person("330802", "urban", "dibao")
    set_index(JUNE, "3.6", "11.1")
    services.run_compute(month=JUNE)
    one = queries()
    for month in (D(2020, 7, 1), D(2020, 8, 1)):
        set_index(month, "3.6", "11.1")
        services.run_compute(month=month)
    assert line(staff["approver"], "subsidies.submit", D(2020, 9, 10)).count == 3
    assert queries() == one
    items = len(worklist.items_for(staff["approver"]))
    assert one <= items + 4, (one, items)  # the user's permissions and scope, then one per item
