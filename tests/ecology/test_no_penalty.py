"""衢环发〔2020〕73号 附件1: the list as printed and the inspector's question (issue 15 §3)."""

import pytest

from apps.ecology.models import NoPenaltyItem, NoPenaltyList

pytestmark = pytest.mark.django_db
URL = "/api/ecology/no-penalty"


def ask(client, user, **query):
    client.force_login(user)
    return client.get(URL, {"date": "2020-09-01", **query})


def test_thirteen_items_with_inherited_categories(gazette):
    listing = NoPenaltyList.objects.get(number="衢环发〔2020〕73号")
    assert str(listing.effective_from) == "2020-08-15"  # 六: 自2020年8月15日起施行
    assert listing.trial and listing.natural_days and listing.excludes_nuclear  # 试行, 注1, 注2
    items = {i.position: i for i in NoPenaltyItem.objects.filter(listing=listing)}
    assert sorted(items) == list(range(1, 14))
    # A blank 类别 cell inherits the category above (items 2–4, 6–7, 9–11).
    assert [items[n].category for n in range(1, 14)] == (
        ["建设项目管理"] * 4 + ["水污染防治"] * 3 + ["大气污染防治"] * 4 + ["环境信息公开", "其他"])
    assert [n for n in items if items[n].category_inherited] == [2, 3, 4, 6, 7, 9, 10, 11]
    assert (items[1].law, items[1].article, items[1].paragraph, items[1].item) == ("环境影响评价法", 31, 3, None)
    assert (items[5].law, items[5].article, items[5].paragraph, items[5].item) == ("水污染防治法", 82, None, 2)
    assert (items[12].article, items[12].paragraph, items[12].item) == (16, None, None)
    assert items[13].basis == "/" and items[13].law == ""
    assert str(items[13].fine_below) == "1000.00" and items[13].excludes_natural_person


def test_mangled_numbering_is_mended_and_reported(gazette):
    """Item 6 prints “1.5≤pH≤6” (1. fused into 5≤pH≤6) and has no “3.”; item 5 has no “3.”."""
    six = NoPenaltyItem.objects.get(position=6)
    assert six.conditions == ["5≤pH≤6或9≤pH≤10", "一类污染物排放浓度超过规定的排放浓度限值0.1倍以下",
                              "除一类污染物外的其它污染物超过规定排放浓度限值0.2倍以下。"]
    assert six.requirement == "立即停止违法排放污染物,且未造成危害后果的下列情形之一"
    five = NoPenaltyItem.objects.get(position=5)
    assert len(five.conditions) == 3 and five.conditions[2].startswith("生态环境主管部门未要求安装")
    assert len(NoPenaltyItem.objects.get(position=10).conditions) == 3  # printed with its 3.
    messages = gazette.parser_results["ecology.no_penalty"]["messages"]
    assert sum("缺少编号“3.”" in m for m in messages) == 2
    assert any("第6项情形1" in m and "连排" in m for m in messages)


def test_correction_days_come_from_each_items_own_text(gazette):
    days = dict(NoPenaltyItem.objects.values_list("position", "correction_days"))
    assert days == {1: 7, 2: 7, 3: 7, 4: None, 5: 7, 6: None, 7: None, 8: None, 9: None,
                    10: 7, 11: 7, 12: 7, 13: None}


@pytest.mark.parametrize("law", ["《中华人民共和国水污染防治法》", "中华人民共和国水污染防治法",
                                 "水污染防治法", "《水污染防治法》"])
def test_law_ignores_book_marks_and_country_name(gazette, client, ecology_user, law):
    body = ask(client, ecology_user, law=law, article="82", item="2").json()
    assert [m["position"] for m in body["matches"]] == [5]


def test_an_item_citing_a_xiang_needs_that_xiang(gazette, client, ecology_user):
    """Item 5 cites 第82条第2项: 第82条 alone, or 第3项, is not that item."""
    assert ask(client, ecology_user, law="水污染防治法", article="82").json()["matches"] == []
    assert ask(client, ecology_user, law="水污染防治法", article="82", item="3").json()["matches"] == []


def test_an_item_citing_a_kuan_needs_that_kuan(gazette, client, ecology_user):
    """Items 2 and 3 cite 第22条第1款 and 第2款 of the 条例."""
    law = "建设项目环境保护管理条例"
    assert [m["position"] for m in ask(client, ecology_user, law=law, article="22",
                                       paragraph="2").json()["matches"]] == [3]
    assert ask(client, ecology_user, law=law, article="22").json()["matches"] == []


def test_an_item_citing_only_the_article_covers_its_paragraphs(gazette, client, ecology_user):
    body = ask(client, ecology_user, law="企业事业单位环境信息公开办法", article="16", paragraph="1").json()
    assert [m["position"] for m in body["matches"]] == [12]


def test_correct_by_counts_natural_days_without_holiday_shift(gazette, client, ecology_user):
    """注1: natural days; 2020-09-28 + 7 = 2020-10-05 (inside the National Day holiday, not
    moved); the day found is not counted."""
    body = ask(client, ecology_user, law="大气污染防治法", article="100", item="3",
               found_on="2020-09-28").json()
    (match,) = body["matches"]
    assert (match["position"], match["correction_days"], match["correct_by"]) == (10, 7, "2020-10-05")
    assert body["first_in_12_months_required"] is True  # 二
    assert body["list"] == "衢环发〔2020〕73号" and body["in_force"] is True


def test_no_deadline_where_the_item_gives_none(gazette, client, ecology_user):
    (match,) = ask(client, ecology_user, law="水污染防治法", article="83", item="2",
                   found_on="2020-09-01").json()["matches"]
    assert match["position"] == 6 and match["correction_days"] is None and match["correct_by"] is None
    assert match["conditions"][0] == "5≤pH≤6或9≤pH≤10"


@pytest.mark.parametrize(("fine", "party", "hit"), [
    ("999.99", "organisation", True),
    ("1000", "organisation", False),       # 少于 1000 元: strict
    ("1000.00", "organisation", False),
    ("0", "organisation", True),
    ("500", "natural_person", False),      # 对象不包括自然人
    ("500", "", True),
    ("", "organisation", False),
])
def test_item_13_small_fines_for_non_natural_persons(gazette, client, ecology_user, fine, party, hit):
    body = ask(client, ecology_user, law="固体废物污染环境防治法", article="102",
               proposed_fine=fine, party=party).json()
    assert ([m["position"] for m in body["matches"]] == [13]) is hit


def test_item_13_comes_after_a_citation_match(gazette, client, ecology_user):
    body = ask(client, ecology_user, law="大气污染防治法", article="99", item="2",
               proposed_fine="800", party="organisation").json()
    assert [m["position"] for m in body["matches"]] == [8, 13]


def test_decisions_before_the_list_took_effect_are_not_covered(gazette, client, ecology_user):
    """六: from 2020-08-15; 四: a case undecided then is covered when decided from that day."""
    before = ask(client, ecology_user, law="水污染防治法", article="82", item="2", date="2020-08-14").json()
    assert before == {"list": "衢环发〔2020〕73号", "in_force": False,
                      "first_in_12_months_required": True, "matches": []}
    on = ask(client, ecology_user, law="水污染防治法", article="82", item="2", date="2020-08-15",
             found_on="2020-07-01").json()
    assert on["in_force"] is True and on["matches"][0]["correct_by"] == "2020-07-08"


@pytest.mark.parametrize(("query", "parameter"), [
    ({"article": "八十二"}, "article"),
    ({"article": "82.5"}, "article"),
    ({"article": ""}, "article"),
    ({"law": ""}, "law"),
    ({"paragraph": "x"}, "paragraph"),
    ({"item": "2a"}, "item"),
    ({"proposed_fine": "-1"}, "proposed_fine"),
    ({"proposed_fine": "abc"}, "proposed_fine"),
    ({"party": "company"}, "party"),
    ({"date": "2020-13-01"}, "date"),
    ({"found_on": "yesterday"}, "found_on"),
])
def test_bad_parameters_are_400(gazette, client, ecology_user, query, parameter):
    response = ask(client, ecology_user, **{"law": "水污染防治法", "article": "82", **query})
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    if parameter == "party":
        assert "organisation、natural_person" in response.json()["error"]


def test_items_endpoint_lists_every_item_as_printed(gazette, client, ecology_user):
    client.force_login(ecology_user)
    body = client.get(URL + "/items").json()
    assert body["number"] == "衢环发〔2020〕73号" and body["effective_from"] == "2020-08-15"
    assert [i["position"] for i in body["items"]] == list(range(1, 14))
    assert body["items"][0]["basis"] == "《中华人民共和国环境影响评价法》第31条第3款"


def test_market_regulation_reads_other_roles_do_not(gazette, client, make_staff):
    assert ask(client, make_staff("sj", "市场监管"), law="水污染防治法", article="82").status_code == 200
    assert ask(client, make_staff("mz", "民政"), law="水污染防治法", article="82").status_code == 403


def test_second_parse_of_both_articles_changes_nothing(gazette):
    from apps.ecology import gazette as parsers
    from apps.gazette.models import Article

    zone = parsers.parse_zone_article(Article.objects.get(number="衢政通〔2020〕1号"))
    listing = parsers.parse_list_article(Article.objects.get(number="衢环发〔2020〕73号"))
    assert (zone.created, zone.updated, listing.created, listing.updated) == (0, 0, 0, 0)
    # 73号's repeal clause is still read by the registry parser as before.
    assert set(Article.objects.get(number="衢环发〔2020〕73号").parsed_by) == {
        "regulations.repeals", "ecology.no_penalty"}
