"""衢政办发〔2020〕16号 二(一)1–4: the grant of a 2020 project, figures by hand from the clause."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/grants/calc"
IN_FORCE = "2020-08-01"


@pytest.fixture
def jx(make_staff):
    return make_staff("jingxin", "经信")


def calc(client, user, **query):
    client.force_login(user)
    query.setdefault("date", IN_FORCE)
    return client.get(URL, query)


@pytest.mark.parametrize("amount, grant", [
    ("5000000", "3000000.00"),    # 500万元(含)以内 60 %: 5,000,000 × 0.6
    ("4000000", "2400000.00"),
    ("8000000", "4500000.00"),    # 3,000,000 + 3,000,000 × 0.5
    ("5000000.03", "3000000.02"),  # 0.03 × 0.5 = 0.015 → half-up 0.02, rounded once
    ("0.01", "0.01"),             # 0.006 → 0.01
])
def test_added_1_sixty_then_fifty_percent(gazette, client, jx, amount, grant):
    body = calc(client, jx, item="added-1", amount=amount).json()
    assert body["payable"] is True and body["grant"] == grant and body["item"] == "added-1"


@pytest.mark.parametrize("passengers, payable, grant", [
    ("10", True, "6000.00"),  # 10人以上 includes 10: 12,000 × 50 %
    ("35", True, "6000.00"),
    ("9", False, None),
])
def test_added_2_charter_fee_from_ten_passengers(gazette, client, jx, passengers, payable, grant):
    body = calc(client, jx, item="added-2", amount="12000", passengers=passengers).json()
    assert (body["payable"], body["grant"]) == (payable, grant)


def test_added_3_grades(gazette, client, jx):
    # 重大项目: 研发投入预算额 × 25 %, 最高300万元.
    assert calc(client, jx, item="added-3", grade="major", amount="8000000").json()["grant"] == "2000000.00"
    assert calc(client, jx, item="added-3", grade="major", amount="12000000").json()["grant"] == "3000000.00"
    assert calc(client, jx, item="added-3", grade="major", amount="12000004").json()["grant"] == "3000000.00"
    key = calc(client, jx, item="added-3", grade="key").json()
    assert (key["grant"], key["min"], key["max"]) == (None, "200000.00", "500000.00")
    general = calc(client, jx, item="added-3", grade="general", amount="1").json()
    assert (general["grant"], general["min"], general["max"]) == (None, "100000.00", "200000.00")


@pytest.mark.parametrize("term, rate, payable, grant", [
    ("12", "4.5", True, "10000.00"),   # 期限最长不超过1年, 利率不高于4.5 %: both inclusive; 1 % of 1,000,000
    ("13", "4.0", False, None),
    ("6", "4.51", False, None),
])
def test_added_4_one_percent_interest_subsidy(gazette, client, jx, term, rate, payable, grant):
    body = calc(client, jx, item="added-4", amount="1000000", term_months=term, rate=rate).json()
    assert (body["payable"], body["grant"]) == (payable, grant)


def test_not_in_force_is_not_payable(gazette, client, jx):
    # added-4 runs until 2020-12-31 (三); before 施行 (2020-07-07) nothing is payable.
    for date in ("2021-01-01", "2020-07-06"):
        body = calc(client, jx, item="added-4", amount="1000000", term_months="12", rate="4", date=date).json()
        assert body["payable"] is False and body["grant"] is None and body["reason"]
    assert calc(client, jx, item="added-4", amount="1000000", term_months="12", rate="4",
                date="2020-12-31").json()["payable"] is True


def test_errors(gazette, client, jx):
    assert calc(client, jx, item="added-9", amount="1").status_code == 404
    for query, name in [({"item": "stopped-1", "amount": "1"}, "item"),
                        ({"item": "added-1"}, "amount"), ({"item": "added-1", "amount": "-1"}, "amount"),
                        ({"item": "added-1", "amount": "abc"}, "amount"),
                        ({"item": "added-1", "amount": "1e100000"}, "amount"),  # a 400, not a 500
                        ({"item": "added-2", "amount": "1"}, "passengers"),
                        ({"item": "added-3", "grade": "huge"}, "grade"),
                        ({"item": "added-4", "amount": "1", "rate": "4"}, "term_months")]:
        response = calc(client, jx, **query)
        assert response.status_code == 400 and name in response.json()["error"], query
