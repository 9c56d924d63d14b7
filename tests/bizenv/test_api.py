"""GET /api/bizenv/tasks and /api/bizenv/indicators (issue 15 §7): 全年 = 12-31, N月底前 = the
last day of month N inclusive, calendar days; overdue iff as_of > deadline and not completed
by as_of; units by alias (市场监管局 ≡ 市市场监管局)."""

import datetime as dt

import pytest

from apps.bizenv import services
from apps.bizenv.models import BizEnvTask, ProgressKind

pytestmark = pytest.mark.django_db
TASKS = "/api/bizenv/tasks"
INDICATORS = "/api/bizenv/indicators"


@pytest.fixture
def bureau(make_staff):
    """A bureau clerk (经信): every business role reads the plan (issue 15 Common: bizenv 市府办/all)."""
    return make_staff("jingxin-clerk", "经信")


def get(client, user, url, **query):
    client.force_login(user)
    return client.get(url, query)


def numbers(response) -> list[int]:
    assert response.status_code == 200, response.content.decode()
    return [row["number"] for row in response.json()]


def complete(number: int, on: dt.date, kind=ProgressKind.COMPLETED, note="") -> None:
    services.progress_record(rows=[{"task": BizEnvTask.objects.get(number=number), "kind": kind,
                                    "on": on, "note": note}])


def test_deadline_day_itself_is_not_overdue(gazette, client, bureau):
    # 二21 “2020年7月底前” → 2020-07-31 inclusive; 二20 “2020年5月底前” → 2020-05-31.
    assert numbers(get(client, bureau, TASKS, as_of="2020-07-31", overdue=1)) == [20]
    assert numbers(get(client, bureau, TASKS, as_of="2020-08-01", overdue=1)) == [20, 21]
    # 2020-10-01: + 二5 (8月底前 08-31), 二3 and 二18 (9月底前 09-30); 10月底前 ones not yet.
    assert numbers(get(client, bureau, TASKS, as_of="2020-10-01", overdue=1)) == [3, 5, 18, 20, 21]
    # 全年 = 2020-12-31: on that day only the 9 dated ones (二2, 3, 5, 15, 17, 18, 19, 20, 21);
    # the next day the 13 全年 tasks too.
    assert numbers(get(client, bureau, TASKS, as_of="2020-12-31", overdue=1)) == [
        2, 3, 5, 15, 17, 18, 19, 20, 21]
    assert len(numbers(get(client, bureau, TASKS, as_of="2021-01-01", overdue=1))) == 22
    # Before the plan existed, 二20 is already late on 2020-06-01 (the finding's case).
    assert numbers(get(client, bureau, TASKS, as_of="2020-06-01", overdue=1)) == [20]


def test_row_shape_and_all_tasks_without_overdue(gazette, client, bureau):
    rows = get(client, bureau, TASKS, as_of="2020-08-01").json()
    assert len(rows) == 22
    row = rows[20]
    assert row == {"number": 21, "title": "构建“政企通”线上线下服务体系", "deadline": "2020-07-31",
                   "owners": ["市营商办", "市人行", "市大数据局", "柯城区人民政府", "衢江区人民政府",
                              "常山县人民政府", "开化县人民政府", "龙游县人民政府", "江山市人民政府"],
                   "completed_on": None, "overdue": True}
    assert [r["number"] for r in rows if r["overdue"]] == [20, 21]


def test_completion_by_as_of(gazette, client, bureau):
    complete(3, dt.date(2020, 9, 30))          # on its deadline day: never overdue
    complete(18, dt.date(2020, 10, 5))         # late: overdue from 10-01 until 10-05
    late = numbers(get(client, bureau, TASKS, as_of="2020-10-01", overdue=1))
    assert late == [5, 18, 20, 21]
    row3 = next(r for r in get(client, bureau, TASKS, as_of="2020-10-01").json() if r["number"] == 3)
    assert (row3["completed_on"], row3["overdue"]) == ("2020-09-30", False)
    row18 = next(r for r in get(client, bureau, TASKS, as_of="2020-10-04").json() if r["number"] == 18)
    assert (row18["completed_on"], row18["overdue"]) == (None, True)   # not completed by 10-04
    row18 = next(r for r in get(client, bureau, TASKS, as_of="2020-10-05").json() if r["number"] == 18)
    assert (row18["completed_on"], row18["overdue"]) == ("2020-10-05", False)


def test_withdrawn_completion_is_overdue_again(gazette, client, bureau):
    complete(21, dt.date(2020, 7, 20))
    complete(21, dt.date(2020, 8, 10), kind=ProgressKind.WITHDRAWN, note="误报,实际未完成")
    # As of 08-05 it counted as done; from 08-10 the completion is withdrawn and it is late.
    assert numbers(get(client, bureau, TASKS, as_of="2020-08-05", overdue=1)) == [20]
    assert numbers(get(client, bureau, TASKS, as_of="2020-08-10", overdue=1)) == [20, 21]


def test_organisation_by_alias(gazette, client, bureau):
    # 市市场监管局 owns 二2, 3, 4, 10, 14, 15, 16, 17, 18, 19, 22; 市场监管局 is the same unit.
    owned = [2, 3, 4, 10, 14, 15, 16, 17, 18, 19, 22]
    assert numbers(get(client, bureau, TASKS, as_of="2020-10-01", organisation="市市场监管局")) == owned
    assert numbers(get(client, bureau, TASKS, as_of="2020-10-01", organisation="市场监管局")) == owned
    assert numbers(get(client, bureau, TASKS, as_of="2020-10-01", organisation="衢州市市场监督管理局",
                       overdue=1)) == [3, 18]
    # 柯城区政府 ≡ 柯城区人民政府: 二6 names it, 二5, 7, 11, 12, 21, 22 through 各县(市、区)政府.
    assert numbers(get(client, bureau, TASKS, as_of="2020-10-01", organisation="柯城区政府")) == [
        5, 6, 7, 11, 12, 21, 22]
    assert numbers(get(client, bureau, TASKS, as_of="2020-10-01", organisation="江山市人民政府")) == [
        5, 7, 11, 12, 21, 22]


def test_indicators_and_lead(gazette, client, bureau):
    rows = get(client, bureau, INDICATORS).json()
    assert [r["number"] for r in rows] == list(range(1, 25))
    assert rows[0]["leads"] == [{"leader": "田俊", "departments": ["衢州市市场监督管理局"],
                                 "departments_as_printed": "市场监管局",
                                 "responsible": "市营商办、市税务局、市人社局、市公安局、市大数据局、市司法局等"}]
    assert rows[0]["subtasks"][0]["number"] == 1 and len(rows[0]["subtasks"]) == 4
    # 1 prints 市场监管局, 13 and 16 市市场监管局: one unit leads all three.
    assert numbers(get(client, bureau, INDICATORS, lead="市场监管局")) == [1, 13, 16]
    assert numbers(get(client, bureau, INDICATORS, lead="市市场监管局")) == [1, 13, 16]
    # 市营商办 leads 15, 17 and 24 (both lines of 24, as the second 牵头部门).
    assert numbers(get(client, bureau, INDICATORS, lead="市营商办")) == [15, 17, 24]
    # 市法院 leads 7, 10 alone and 9 with 市金融办.
    assert numbers(get(client, bureau, INDICATORS, lead="市法院")) == [7, 9, 10]
    assert numbers(get(client, bureau, INDICATORS, lead="市府办")) == [18, 24]


@pytest.mark.parametrize(("query", "name"), [
    ({"as_of": "2020-13-01"}, "as_of"), ({"as_of": "昨天"}, "as_of"), ({"overdue": "maybe"}, "overdue")])
def test_bad_parameters_are_400_naming_them(gazette, client, bureau, query, name):
    response = get(client, bureau, TASKS, **query)
    assert response.status_code == 400
    assert response.json()["parameter"] == name and name in response.json()["error"]


def test_unknown_organisation_is_404(gazette, client, bureau):
    response = get(client, bureau, TASKS, as_of="2020-10-01", organisation="市不存在局")
    assert response.status_code == 404 and "市不存在局" in response.json()["error"]
    assert get(client, bureau, INDICATORS, lead="市不存在局").status_code == 404


def test_anonymous_is_401(db, client):
    assert client.get(TASKS).status_code == 401
