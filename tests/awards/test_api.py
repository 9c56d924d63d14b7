"""GET /api/awards/honours and /api/awards/decisions/<number> on the seed."""

import pytest

from apps.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_honours_of_chai_dongjian_through_the_unit_alias(gazette, client, renshe_user):
    client.force_login(renshe_user)
    response = client.get("/api/awards/honours", {"person": "柴东剑", "unit": "衢州市人民医院"})
    assert response.status_code == 200
    rows = response.json()
    assert rows == [
        {"name": "柴东剑", "unit": "市人民医院", "award": "个人三等功",
         "decision_number": "衢政发〔2020〕13号", "date": "2020-06-16"},
        {"name": "柴东剑", "unit": "衢州市人民医院", "award": "个人二等功",
         "decision_number": "衢政发〔2020〕14号", "date": "2020-06-29"},
    ]


def test_honours_of_a_unit_include_the_collective_and_its_staff(gazette, client,
                                                                 shifuban_user):
    client.force_login(shifuban_user)
    rows = client.get("/api/awards/honours", {"unit": "市应急局"}).json()
    assert [(r["name"], r["award"], r["decision_number"]) for r in rows] == [
        ("市应急局", "先进集体", "衢政发〔2020〕12号"),
        ("邵琼蔚", "先进个人", "衢政发〔2020〕12号"),
    ]


def test_honours_need_a_person_or_unit(gazette, client, renshe_user):
    client.force_login(renshe_user)
    response = client.get("/api/awards/honours")
    assert response.status_code == 400
    assert "person" in response.json()["error"]


@pytest.mark.parametrize("number", ["衢政发〔2020〕12号", "衢政发[2020]12号", "衢政发(2020)12 号",
                                    "衢政发（2020）12号"])
def test_decision_by_number_in_any_bracket_form(gazette, client, renshe_user, number):
    client.force_login(renshe_user)
    response = client.get(f"/api/awards/decisions/{number}")
    assert response.status_code == 200
    data = response.json()
    assert (data["number"], data["date"]) == ("衢政发〔2020〕12号", "2020-06-08")
    assert set(data) == {"number", "title", "date", "sections"}
    first = data["sections"][0]
    assert first == {"title": "先进集体", "award": "先进集体", "declared": 46, "recipients": []}
    city = data["sections"][1]
    assert city["declared"] == 12 and len(city["recipients"]) == 12
    assert city["recipients"][0]["name"] == "市应急局"
    individuals = data["sections"][5]["recipients"]
    assert individuals[7] == {"name": "黄华伟", "unit": "市农业农村局"}
    assert city["recipients"][0] == {"name": "市应急局", "unit": None}


def test_unknown_and_invalid_numbers(gazette, client, renshe_user):
    client.force_login(renshe_user)
    assert client.get("/api/awards/decisions/衢政发〔2020〕99号").status_code == 404
    response = client.get("/api/awards/decisions/abc")
    assert response.status_code == 400
    assert "不是文号" in response.json()["error"]


def test_token_auth_and_permissions(gazette, client, renshe_user, minzheng_user):
    _, key = ApiToken.issue(user=renshe_user, name="test")
    response = client.get("/api/awards/honours", {"person": "黄宏瞻"},
                          HTTP_AUTHORIZATION=f"Token {key}")
    assert [r["decision_number"] for r in response.json()] == ["衢政发〔2020〕15号"]
    assert client.get("/api/awards/honours", {"person": "黄宏瞻"}).status_code == 401
    client.force_login(minzheng_user)
    assert client.get("/api/awards/honours", {"person": "黄宏瞻"}).status_code == 403


def test_api_rows_have_exactly_the_keys_of_issue_6(gazette, client, renshe_user):
    client.force_login(renshe_user)
    rows = client.get("/api/awards/honours", {"unit": "市人民医院"}).json()
    assert len(rows) == 6 + 6  # 13号: 柴东剑 王莉娟 王钰 徐慧 何冬娟 吴利和; 14号: six more
    assert all(set(r) == {"name", "unit", "award", "decision_number", "date"} for r in rows)
    data = client.get("/api/awards/decisions/衢政发〔2020〕14号").json()
    assert [set(s) for s in data["sections"]] == [{"title", "award", "declared",
                                                   "recipients"}] * 4
    assert data["sections"][3] == {"title": "个人二等功", "award": "个人二等功", "declared": 1,
                                   "recipients": [{"name": "占跃平", "unit": "衢州市人大常委会"}]}
