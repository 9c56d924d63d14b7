"""衢政发〔2020〕16号: the compensation of an area of one land type in one zone.

Figures by hand from 三 (区片综合地价, 40 % / 60 %), 五 (集体经济发展资金 of 耕地/园地) and
附件3 (万元/亩): zone 一 A 7.3, B 4.4; 二 A 6.5, B 4; 三 A 5.7, B 3.5; fund 3.0 / 2.3 / 1.6.
"""

import pytest

from apps.land.models import CollectiveFundRate, LandPolicyVersion, LandPrice, LandZone

pytestmark = pytest.mark.django_db
URL = "/api/land/compensation"


@pytest.fixture
def land_user(make_staff):
    return make_staff("ziyuan", "资源规划")


def get(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def test_seed_import_registers_three_zones_six_prices_three_fund_rates(gazette):
    policy = LandPolicyVersion.objects.get(number="衢政发〔2020〕16号")
    assert str(policy.effective_from) == "2020-06-30"  # 自发布之日起实施, signed 2020-06-30
    assert str(policy.land_compensation_share) == "0.40"
    assert policy.declared_zone_count == 3 == LandZone.objects.filter(policy=policy).count()
    prices = {(p.zone.number, p.land_class): str(p.price_per_mu)
              for p in LandPrice.objects.select_related("zone")}
    assert prices == {(1, "A"): "73000.00", (1, "B"): "44000.00", (2, "A"): "65000.00",
                      (2, "B"): "40000.00", (3, "A"): "57000.00", (3, "B"): "35000.00"}
    rates = {r.zone.number: str(r.rate_per_mu) for r in CollectiveFundRate.objects.select_related("zone")}
    assert rates == {1: "30000.00", 2: "23000.00", 3: "16000.00"}
    two = LandZone.objects.get(policy=policy, number=2)
    # 附件1 prints zone 二's 四至 on the row below “除区片一范围外”.
    assert two.description == "除区片一范围外" and two.north == "杭金衢高速公路"
    assert two.west == "石华线—G320—常山港—沙金大道西延伸段—江山港"
    messages = gazette.parser_results["land.compensation"]["messages"]
    assert any("漏印顿号" in m for m in messages)
    assert "衢政发〔2020〕16号" not in gazette.unparsed


def test_second_parse_of_the_article_changes_nothing(gazette):
    from apps.gazette.models import Article
    from apps.land.gazette import parse_policy_article

    again = parse_policy_article(Article.objects.get(number="衢政发〔2020〕16号"))
    assert (again.created, again.updated) == (0, 0)


def test_ten_mu_of_cultivated_land_in_zone_one(gazette, client, land_user):
    """三: 7.3万 × 10 = 730000; 40 % = 292000; 60 % = 438000. 五: 3.0万 × 10 = 300000."""
    body = get(client, land_user, zone="1", land_type="耕地", area_mu="10", date="2020-07-01").json()
    assert body == {
        "document": "衢政发〔2020〕16号", "zone": 1, "land_type": "耕地", "land_class": "A",
        "area_mu": "10", "price_per_mu": "73000.00", "total": "730000.00",
        "land_compensation": "292000.00", "resettlement": "438000.00",
        "collective_fund": "300000.00",
    }


@pytest.mark.parametrize("zone", ["2", "二", "区片二"])
def test_forest_land_in_zone_two_has_no_collective_fund(gazette, client, land_user, zone):
    """附件3 B 类 区片二 4万/亩 × 2.5 = 100000; 五 covers 耕地(含园地) only."""
    body = get(client, land_user, zone=zone, land_type="林地", area_mu="2.5", date="2020-06-30").json()
    assert (body["zone"], body["land_class"], body["total"], body["land_compensation"],
            body["resettlement"], body["collective_fund"]) == (
        2, "B", "100000.00", "40000.00", "60000.00", "0.00")


@pytest.mark.parametrize(("land_type", "land_class", "fund"), [
    ("园地", "A", "16000.00"),  # 五: 耕地(含园地)
    ("养殖水面", "A", "0.00"),  # the header's missing 、: 养殖水面 and 其他农用地 are two A types
    ("其他农用地", "A", "0.00"),
    ("建设用地", "A", "0.00"),
    ("未利用地", "B", "0.00"),
])
def test_land_classes_of_annex_three_in_zone_three(gazette, client, land_user, land_type,
                                                   land_class, fund):
    """区片三: A 5.7万, B 3.5万; fund 1.6万 per mu of 耕地/园地."""
    body = get(client, land_user, zone="三", land_type=land_type, area_mu="1", date="2020-07-01").json()
    assert body["land_class"] == land_class
    assert body["total"] == ("57000.00" if land_class == "A" else "35000.00")
    assert body["collective_fund"] == fund


def test_square_metres_convert_unrounded_and_round_half_up_once(gazette, client, land_user):
    """0.03 m² × 0.0015 = 0.000045 亩; 73000 × 0.000045 = 3.285 → 3.29 (half-up; half-even
    would give 3.28). 土地补偿费 = round(3.29 × 0.40 = 1.316) = 1.32; 安置补助费 = 3.29 − 1.32
    = 1.97 (the parts add up; 40 % of the unrounded 3.285 would give 1.31)."""
    body = get(client, land_user, zone="1", land_type="耕地", area_m2="0.03", date="2020-07-01").json()
    assert body["area_mu"] == "0.000045"
    assert (body["total"], body["land_compensation"], body["resettlement"]) == ("3.29", "1.32", "1.97")
    # 五: 30000 × 0.000045 = 1.35.
    assert body["collective_fund"] == "1.35"


def test_collective_fund_rounds_half_up(gazette, client, land_user):
    """区片二 耕地 0.01 m² = 0.000015 亩: fund 23000 × 0.000015 = 0.345 → 0.35 (half-up);
    total 65000 × 0.000015 = 0.975 → 0.98; 40 % = 0.392 → 0.39; 60 % part 0.59."""
    body = get(client, land_user, zone="2", land_type="耕地", area_m2="0.01", date="2020-07-01").json()
    assert (body["total"], body["land_compensation"], body["resettlement"],
            body["collective_fund"]) == ("0.98", "0.39", "0.59", "0.35")


def test_666_67_square_metres_are_one_mu_and_a_bit(gazette, client, land_user):
    """666.67 × 0.0015 = 1.000005 亩; 44000 × 1.000005 = 44000.22."""
    body = get(client, land_user, zone="1", land_type="林地", area_m2="666.67", date="2020-07-01").json()
    assert body["area_mu"] == "1.000005" and body["total"] == "44000.22"


@pytest.mark.parametrize("region", ["柯城区", "330803", "衢江", "智慧新城", "绿色产业集聚区"])
def test_regions_of_the_city_districts_are_accepted(gazette, client, land_user, region):
    """一: 衢州市区 = 柯城区、衢江区; 七 names 绿色产业集聚区 and 智慧新城."""
    response = get(client, land_user, zone="1", land_type="耕地", area_mu="1", region=region,
                   date="2020-07-01")
    assert response.status_code == 200


@pytest.mark.parametrize(("query", "parameter"), [
    ({"region": "江山市"}, "region"),             # 一: outside 衢州市区
    ({"region": "330822"}, "region"),
    ({"region": "火星"}, "region"),
    ({"date": "2020-06-29"}, "date"),            # before 2020-06-30 (自发布之日起)
    ({"zone": "4"}, "zone"),
    ({"zone": "区片"}, "zone"),
    ({"land_type": "宅基地"}, "land_type"),
    ({"area_mu": "0"}, "area_mu"),
    ({"area_mu": "-1"}, "area_mu"),
    ({"area_mu": "1.00001"}, "area_mu"),        # ≤ 4 decimals
    ({"area_mu": "1e3"}, "area_mu"),
    ({"area_mu": "", "area_m2": "1.001"}, "area_m2"),  # ≤ 2 decimals
    ({"area_m2": "100"}, "area_mu"),             # both given
    ({"area_mu": ""}, "area_mu"),                # neither given
])
def test_bad_parameters_are_400_naming_the_parameter(gazette, client, land_user, query, parameter):
    base = {"zone": "1", "land_type": "耕地", "area_mu": "1", "date": "2020-07-01"}
    response = get(client, land_user, **{**base, **query})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["parameter"] == parameter and parameter in body["error"]


def test_region_error_lists_the_accepted_regions(gazette, client, land_user):
    body = get(client, land_user, zone="1", land_type="耕地", area_mu="1", region="江山市",
               date="2020-07-01").json()
    assert "柯城区、衢江区、绿色产业集聚区、智慧新城" in body["error"]


def test_district_users_and_shifuban_read_other_roles_do_not(gazette, client, make_staff):
    assert get(client, make_staff("kc-zy", "资源规划", region_code="330802"), zone="1",
               land_type="耕地", area_mu="1").status_code == 200
    assert get(client, make_staff("sfb", "市府办"), zone="1", land_type="耕地",
               area_mu="1").status_code == 200
    assert get(client, make_staff("mz", "民政"), zone="1", land_type="耕地",
               area_mu="1").status_code == 403
