"""衢政办发〔2020〕18号 二(一), 二(二)1, 三 as imported from the seed gazette."""

import datetime as dt

import pytest
from django.conf import settings

from apps.tourism.models import FreeTourYear, ScenicSpot

pytestmark = pytest.mark.django_db

CORE = ["烂柯山", "药王山", "天脊龙门", "龙游石窟", "民居苑", "江郎山", "仙霞关", "廿八都", "清漾村",
        "浮盖山", "三衢石林", "梅树底", "根宫佛国", "钱江源", "信安湖水利风景区"]
OTHERS = ["水亭门", "桃源七里景区", "沟溪休闲农业旅游景区", "紫微星谷景区", "荆溪围棋谷景区",
          "花田荷塘景区", "九华妙源景区", "隐柿东坪景区", "楼山后景区", "悦龙湾景区"]


def test_the_document_is_parsed(gazette):
    assert "衢政办发〔2020〕18号" not in gazette.unparsed
    assert "tourism.free_tour" in gazette.parser_results


def test_programme_2020(gazette):
    programme = FreeTourYear.objects.get(year=2020)
    assert programme.document == "衢政办发〔2020〕18号" and programme.signed_on == dt.date(2020, 6, 1)
    # 二(二)1: “2020年” … “至2020年12月31日”; weekends “具体开始时间另行确定” → empty.
    assert (programme.starts_on, programme.ends_on) == (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert programme.weekend_extension_from is None
    # 三(一) 1/3 of the county's amount; 三(三) 2021年5月底前.
    assert programme.city_reward_divisor == 3 and programme.settle_by == dt.date(2021, 5, 31)
    assert (programme.declared_core_count, programme.declared_other_count) == (15, "100余个")


def test_fifteen_core_spots_in_printed_order_with_their_exclusions(gazette):
    core = ScenicSpot.objects.filter(core=True).order_by("position")
    assert [s.name for s in core] == CORE  # 二(一): “等15个核心收费景区”, reconciled
    assert ScenicSpot.objects.get(name="江郎山").exclusions == ["“郎峰”"]
    assert ScenicSpot.objects.get(name="仙霞关").exclusions == ["“戴笠秘宅”二楼"]
    assert ScenicSpot.objects.get(name="仙霞关").printed == "仙霞关(不含“戴笠秘宅”二楼)"
    assert not any(s.exclusions for s in core if s.name not in {"江郎山", "仙霞关"})
    assert all(s.region is None for s in core)  # the county is not printed


def test_the_other_named_spots_and_the_approximate_total_is_a_finding(gazette):
    others = ScenicSpot.objects.filter(core=False).order_by("position")
    assert [s.name for s in others] == OTHERS
    messages = gazette.parser_results["tourism.free_tour"]["messages"]
    assert any("100余个" in m and "仅列出10个" in m for m in messages)
    assert not any("相差" in m for m in messages)  # 15 declared, 15 named


def test_rerun_changes_nothing_and_keeps_the_county_staff_set(gazette, jiangshan):
    from apps.gazette.services import import_gazette
    from apps.tourism import services

    services.spot_region_set(spot=ScenicSpot.objects.get(name="江郎山"), region=jiangshan)
    again = import_gazette(text=settings.GAZETTE_PATH.read_text(encoding="utf-8"), source_name="seed")
    result = again.parser_results["tourism.free_tour"]
    assert result["created"] == 0 and result["updated"] == 0
    assert ScenicSpot.objects.get(name="江郎山").region == jiangshan


def test_a_short_core_list_is_reported():
    from apps.tourism import parsing, services

    parsed = parsing.parse_free_tour("将烂柯山、江郎山(不含“郎峰”)等3个核心收费景区列入2020年")
    assert [s.name for s in parsed.core()] == ["烂柯山", "江郎山"]
    assert any("公布3个核心收费景区,列出2个" in m for m in services.reconcile(parsed))
