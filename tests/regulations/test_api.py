"""GET /api/regulations/documents (issue 5 §5)."""

from __future__ import annotations

import pytest


@pytest.fixture
def api(client, minzheng_user):
    client.force_login(minzheng_user)  # 民政 may view the registry

    def get(**params):
        return client.get("/api/regulations/documents", params)

    return get


def test_number_in_any_form_returns_status_since_and_history(registry, api):
    response = api(number="衢政发(2011)97 号", as_of="2020-06-09")
    assert response.status_code == 200
    assert response.json() == [{
        "number": "衢政发〔2011〕97号",
        "title": "衢州市人民政府关于进一步完善困难群众基本生活价格补贴机制的通知",
        "issuer": "衢州市人民政府",
        "status": "repealed",
        "status_label": "废止",
        "status_since": "2020-06-09",
        "deadline": None,
        "history": [
            {"status": "in_force", "date": None, "by": None},
            {"status": "repealed", "date": "2020-06-09", "by": "衢政办发〔2020〕20号"},
        ],
    }]
    assert api(number="衢政发[2011]97号", as_of="2020-06-08").json()[0]["status"] == "in_force"


def test_to_revise_has_deadline_then_lapses(registry, api):
    on_deadline = api(number="衢环函[2018]92号", as_of="2021-06-30").json()[0]
    assert (on_deadline["status"], on_deadline["status_label"], on_deadline["deadline"],
            on_deadline["status_since"]) == ("to_revise", "需修改", "2021-06-30", "2020-08-01")
    after = api(number="衢环函[2018]92号", as_of="2021-07-01").json()[0]
    assert (after["status"], after["status_since"]) == ("invalid", "2021-07-01")
    assert after["history"][-1] == {"status": "invalid", "date": "2021-07-01",
                                    "by": "修改期满未重新公布"}


def test_campaign_and_status_filters(registry, api):
    rows = api(campaign="衢市监规[2020]1号", status="repealed", as_of="2020-07-01").json()
    assert len(rows) == 8
    assert all(r["history"][-1]["by"] == "衢市监规〔2020〕1号" for r in rows)
    assert api(campaign="衢市监规〔2020〕1号", status="repealed", as_of="2020-06-30").json() == []
    assert len(api(campaign="衢市监规〔2020〕1号").json()) == 24


def test_title_words(registry, api):
    rows = api(q="豁免清单").json()
    assert [(r["number"], r["title"]) for r in rows] == [
        (None, "衢州市主要环境违法行为行政处罚豁免清单(第一批)")]


def test_bad_input_is_a_clear_400(registry, api):
    response = api(as_of="2021-13-01")
    assert response.status_code == 400 and "as_of" in response.json()["error"]
    assert api(status="valid").status_code == 400
    assert api(campaign="/").status_code == 400
    response = api(number="/")
    assert response.status_code == 400 and "不是文号" in response.json()["error"]


def test_anonymous_gets_401(client, db):
    assert client.get("/api/regulations/documents").status_code == 401
