"""三 of 衢政办发〔2020〕18号: final = round(日均门票收入 × 实际免费天数 × 奖补比例) (三(三), 四(二));
advance = 2019 amount (三(一)); city reward = advance / 3 (三(一)); 多退少补 by 2021-05-31.
Free days are counted here from the notices typed in conftest, not through the app's calendar."""

from decimal import Decimal

import pytest

from apps.core.models import Region
from apps.tourism import services
from apps.tourism.models import ScenicSpot, SpotClosure, SpotSettlement

from .conftest import D, days, get, in_holiday_period, working_days_2020

pytestmark = pytest.mark.django_db


def url(name):
    return f"/api/tourism/spots/{name}/settlement"


def settle(spot, **values):
    row = {"spot": ScenicSpot.objects.get(name=spot), "year": 2020, "base_2019": None,
           "daily_ticket_income": None, "reward_ratio": None, "visitors": None, **values}
    return services.settlements_record(rows=[row])[0]


def test_2020_has_249_working_days_by_the_notices():
    # 262 weekdays − 19 weekday holidays + 6 make-up days (hand count of the two notices).
    assert len(working_days_2020()) == 249


def test_settlement_without_closures_or_extension(programme, client, wenlv):
    settle("烂柯山", base_2019=Decimal("200000.00"), daily_ticket_income=Decimal("1000.01"),
           reward_ratio=Decimal("0.5"), visitors=123456)
    body = get(client, wenlv, url("烂柯山"), year="2020").json()
    assert body == {
        "free_days": 249,
        "final": "124501.25",        # 1000.01 × 249 × 0.5 = 124501.245 → half-up once
        "advance": "200000.00",      # the 2019 amount, 预拨 within 2020
        "city_reward": "66666.67",   # 200000 / 3 = 66666.666…
        "difference": "-75498.75",   # 124501.25 − 200000.00
        "direction": "退",
        "settle_by": "2021-05-31",
        "provisional": False,        # 2020 has the official schedule (国办发明电〔2019〕16号)
        "statement": None,           # no 结算单 issued yet: the live preview
        "computed_on": None,
    }


def test_closures_and_the_weekend_extension_change_the_free_days(programme, client, wenlv):
    spot = ScenicSpot.objects.get(name="江郎山")
    # Closed 2020-01-24…2020-03-15 (epidemic), overlapping 春节: only its working days are lost.
    SpotClosure.objects.create(spot=spot, starts_on=D(2020, 1, 24), ends_on=D(2020, 3, 15))
    services.weekend_extension_set(programme=programme, starts_on=D(2020, 10, 1), basis="测试")
    closed = set(days(D(2020, 1, 24), D(2020, 3, 15)))
    open_working = [d for d in working_days_2020() if d not in closed]
    weekends = [d for d in days(D(2020, 10, 1), D(2020, 12, 31))
                if d.weekday() >= 5 and d not in working_days_2020() and not in_holiday_period(d)]
    assert len(weekends) == 23  # October 11,17,18,24,25,31 + 17 in November–December
    expected_days = len(open_working) + len(weekends)
    settle("江郎山", base_2019=Decimal("100000"), daily_ticket_income=Decimal("2000"), reward_ratio=Decimal("1"))
    body = get(client, wenlv, url("江郎山"), year="2020").json()
    # Lost: 2020-02-03…03-13, 30 working days (1-24…2-02 were 春节 anyway); gained: 23 weekends.
    assert body["free_days"] == expected_days == 249 - 30 + 23
    final = Decimal(2000) * expected_days
    assert body["final"] == f"{final}.00" and body["direction"] == "补"
    assert body["difference"] == f"{final - 100000}.00"
    assert body["city_reward"] == "33333.33"


def test_a_correction_is_a_new_row_and_the_old_one_stays(programme, client, wenlv):
    first = settle("药王山", base_2019=Decimal("90000"), daily_ticket_income=Decimal("100"),
                   reward_ratio=Decimal("0.9"))
    second = settle("药王山", base_2019=Decimal("90000"), daily_ticket_income=Decimal("120"),
                    reward_ratio=Decimal("0.9"))
    assert second.supersedes == first and SpotSettlement.objects.count() == 2
    body = get(client, wenlv, url("药王山"), year="2020").json()
    assert body["final"] == "26892.00"  # 120 × 249 × 0.9
    assert body["difference"] == "-63108.00"
    from apps.core.authority import AuthorityError

    first.refresh_from_db()
    first.daily_ticket_income = Decimal("1")
    with pytest.raises(AuthorityError):
        first.save()
    with pytest.raises(AuthorityError):
        second.delete()


def test_equal_amounts_need_no_transfer(programme, client, wenlv):
    settle("民居苑", base_2019=Decimal("24900"), daily_ticket_income=Decimal("100"), reward_ratio=Decimal("1"))
    body = get(client, wenlv, url("民居苑"), year="2020").json()
    assert (body["difference"], body["direction"]) == ("0.00", "无")


def test_non_core_spot_is_a_400(programme, client, wenlv):
    response = get(client, wenlv, url("水亭门"), year="2020")
    assert response.status_code == 400 and "核心收费景区" in response.json()["error"]


def test_missing_inputs_are_a_409_naming_them(programme, client, wenlv):
    response = get(client, wenlv, url("天脊龙门"), year="2020")
    assert response.status_code == 409 and response.json()["missing"] == ["2019年补助额", "日均门票收入", "奖补比例"]
    settle("天脊龙门", base_2019=Decimal("50000"), visitors=1000)  # audit not done yet
    response = get(client, wenlv, url("天脊龙门"), year="2020")
    assert response.status_code == 409 and response.json()["missing"] == ["日均门票收入", "奖补比例"]


def test_unknown_spot_or_year_is_a_404(programme, client, wenlv):
    assert get(client, wenlv, url("不存在"), year="2020").status_code == 404
    assert get(client, wenlv, url("烂柯山"), year="2021").status_code == 404
    assert get(client, wenlv, url("烂柯山"), year="abc").status_code == 400


def test_who_may_read(programme, client, make_staff):
    settle("烂柯山", base_2019=Decimal("1"), daily_ticket_income=Decimal("1"), reward_ratio=Decimal("1"))
    assert get(client, make_staff("sfb", "市府办"), url("烂柯山"), year="2020").status_code == 200
    assert get(client, make_staff("mz", "民政"), url("烂柯山"), year="2020").status_code == 403


def test_a_county_reads_only_its_own_spots_money(programme, client, make_staff):
    """The settlement is the county's money: like the admin (county scope), another county's
    spot answers 404 as if unknown; the city and the spot's own county read it."""
    spot = ScenicSpot.objects.get(name="烂柯山")
    ScenicSpot.objects.filter(pk=spot.pk).update(region=Region.objects.get(code="330802"))
    settle(spot.name, base_2019=Decimal("1"), daily_ticket_income=Decimal("1"), reward_ratio=Decimal("1"))
    assert get(client, make_staff("kc-wl", "文旅", region_code="330802"), url("烂柯山"),
               year="2020").status_code == 200
    assert get(client, make_staff("js-wl", "文旅", region_code="330881"), url("烂柯山"),
               year="2020").status_code == 404
    assert get(client, make_staff("city-wl", "文旅"), url("烂柯山"), year="2020").status_code == 200
