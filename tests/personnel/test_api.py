"""GET /api/personnel/roster and /api/personnel/duties on the seed."""

import pytest

pytestmark = pytest.mark.django_db


def test_roster_by_alias_and_date(gazette, client, renshe_user):
    client.force_login(renshe_user)
    response = client.get("/api/personnel/roster", {"organisation": "市政府办公室",
                                                    "as_of": "2020-07-01"})
    assert response.status_code == 200
    rows = response.json()
    assert rows[4] == {"person": "陶乐", "post": "秘书处副处长", "since": "2020-06-27",
                       "probation_until": "2021-06-27", "prior_tenure_unrecorded": False}
    assert [r["person"] for r in rows] == ["蒋昀", "吴立鹏", "汪建龙", "王苑", "陶乐", "饶新"]


def test_roster_before_the_notice_shows_unrecorded_prior_tenure(gazette, client,
                                                                renshe_user):
    client.force_login(renshe_user)
    rows = client.get("/api/personnel/roster", {"organisation": "衢州市人民政府研究室",
                                                "as_of": "2020-06-26"}).json()
    assert rows == [{"person": "周扬涛", "post": "四级主任科员", "since": None,
                     "probation_until": None, "prior_tenure_unrecorded": True}]


def test_roster_errors(gazette, client, renshe_user):
    client.force_login(renshe_user)
    assert client.get("/api/personnel/roster").status_code == 400
    assert client.get("/api/personnel/roster", {"organisation": "不存在的单位"}).status_code == 404
    bad = client.get("/api/personnel/roster", {"organisation": "市政府办公室", "as_of": "7/1"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]


def test_duties_for_an_office(gazette, client, shifuban_user):
    client.force_login(shifuban_user)
    rows = client.get("/api/personnel/duties", {"office": "综合四处"}).json()
    assert rows == [{"person": "吴剑波", "relation": "in_charge"}]
    rows = client.get("/api/personnel/duties", {"office": "督查室"}).json()
    assert rows == [{"person": "方法", "relation": "in_charge"},
                    {"person": "许露华", "relation": "assisting"}]
    assert client.get("/api/personnel/duties").status_code == 400


def test_duties_api_returns_presiding(gazette, client, shifuban_user):
    """衢政办发〔2020〕19号: 郑胜军 “主持市政府研究室日常工作”, 郑河江 “协助分管市政府研究室”;
    洪根兴 “主持市协作中心和市招商办工作” (issue 10 §13)."""
    client.force_login(shifuban_user)
    rows = client.get("/api/personnel/duties", {"office": "市政府研究室"}).json()
    assert rows == [{"person": "郑胜军", "relation": "presiding"},
                    {"person": "郑河江", "relation": "assisting"}]
    assert client.get("/api/personnel/duties", {"office": "市招商办"}).json() == [
        {"person": "洪根兴", "relation": "presiding"}]


def test_duties_api_unknown_office_is_an_empty_list_and_blank_is_a_json_400(
        gazette, client, shifuban_user):
    client.force_login(shifuban_user)
    unknown = client.get("/api/personnel/duties", {"office": "不存在的处室"})
    assert (unknown.status_code, unknown.json()) == (200, [])
    for blank in ["", "   ", "\u3000"]:
        response = client.get("/api/personnel/duties", {"office": blank})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert "office" in response.json()["error"]


def test_other_roles_are_refused(gazette, client, minzheng_user):
    client.force_login(minzheng_user)
    assert client.get("/api/personnel/duties", {"office": "综合四处"}).status_code == 403
