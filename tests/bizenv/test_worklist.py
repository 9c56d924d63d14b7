"""今日待办 of the 营商环境 plan: a 联络员 sees their unit's overdue tasks, 市府办 all of them
(overdue on D iff D > deadline and not completed by D, issue 15 §7)."""

import datetime as dt

import pytest

from apps.bizenv import services
from apps.bizenv.models import BizEnvContact, BizEnvTask, ProgressKind
from apps.core import services as core_services
from apps.core import worklist

pytestmark = pytest.mark.django_db
D = dt.date


def line(user, on, key):
    return {found.key: found for found in worklist.lines(user, on=on)}.get(key)


def test_a_contact_sees_the_overdue_tasks_of_their_unit(gazette, make_staff):
    clerk = make_staff("sj-clerk", "市场监管")
    assert line(clerk, D(2020, 10, 1), "bizenv.mine") is None  # no unit recorded: no line
    BizEnvContact.objects.create(user=clerk, organisation=core_services.organisation_find("市场监管局"))
    # 市市场监管局 owns 二3 and 二18 (both “2020年9月底前” = 09-30): on 10-01 both are late.
    found = line(clerk, D(2020, 10, 1), "bizenv.mine")
    assert (found.count, found.overdue, found.deadline, found.days_text) == (2, 2, D(2020, 9, 30), "已超期1天")
    assert line(clerk, D(2020, 9, 30), "bizenv.mine").count == 0  # the deadline day itself
    services.progress_record(rows=[{"task": BizEnvTask.objects.get(number=3), "on": D(2020, 9, 28)}])
    assert line(clerk, D(2020, 10, 1), "bizenv.mine").count == 1
    services.progress_record(rows=[{"task": BizEnvTask.objects.get(number=3), "on": D(2020, 10, 2),
                                    "kind": ProgressKind.WITHDRAWN, "note": "误报"}])
    assert line(clerk, D(2020, 10, 2), "bizenv.mine").count == 2
    assert line(clerk, D(2020, 10, 1), "bizenv.overdue") is None  # not 市府办


def test_shifuban_sees_every_overdue_task(gazette, make_staff, client):
    shifuban = make_staff("sfb-wl", "市府办")
    # 2020-10-01: 二3, 5, 18, 20, 21 (09-30, 08-31, 09-30, 05-31, 07-31).
    found = line(shifuban, D(2020, 10, 1), "bizenv.overdue")
    assert (found.count, found.deadline) == (5, D(2020, 5, 31))
    assert line(make_staff("sfb-kc", "市府办", region_code="330802"), D(2020, 10, 1), "bizenv.overdue") is None
    client.force_login(shifuban)
    page = client.get(found.url)
    assert page.status_code == 200
    # the admin list filtered by the same rule (today's real date: every dated task is late)
    assert "今日待办" in page.content.decode()
