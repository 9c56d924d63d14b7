"""Parsing commendation lists: page breaks inside names and lists, declared counts."""

import pytest

from apps.awards import parsing
from apps.awards.models import Section
from apps.gazette.services import import_gazette

BODY = """各县(市、区)人民政府:

一、先进集体(3家)

(一)市本级(2家):市应

急局、利安隆科润(浙江)新材料有限公司。

(二)县(市、区)(1家):柯城区应急局。

二、先进个人(3名)

(一)市本级(3名):姜芳(市委办)、黄华伟(市农

业农村局)、马

龙举(柯城区人民医院)。

希望先进集体和先进个人珍惜荣誉。
"""


def test_page_breaks_inside_names_and_lists_are_mended():
    parsed = parsing.parse_decision(BODY)
    assert [(s.title, s.award, s.declared, len(s.recipients)) for s in parsed.sections] == [
        ("先进集体", "先进集体", 3, 0), ("市本级", "先进集体", 2, 2),
        ("县(市、区)", "先进集体", 1, 1), ("先进个人", "先进个人", 3, 0),
        ("市本级", "先进个人", 3, 3)]
    assert [r.name for r in parsed.sections[1].recipients] == ["市应急局",
                                                              "利安隆科润(浙江)新材料有限公司"]
    assert [(r.name, r.unit) for r in parsed.sections[4].recipients] == [
        ("姜芳", "市委办"), ("黄华伟", "市农业农村局"), ("马龙举", "柯城区人民医院")]
    assert parsing.listed_count(parsed.sections, 0) == 3


def test_full_width_punctuation_is_read_like_half_width():
    text = BODY.replace("(", "\uff08").replace(")", "\uff09").replace(":", "\uff1a")
    assert [len(s.recipients) for s in parsing.parse_decision(text).sections] == [0, 2, 1, 0, 3]


@pytest.mark.django_db
def test_a_declared_count_that_does_not_match_is_reported(gazette_text, only_parsers):
    only_parsers("awards.decisions")  # the altered issue is read by this app's parser alone
    text = gazette_text.replace("一、先进集体(46家)", "一、先进集体(47家)")
    report = import_gazette(text=text, source_name="altered")
    messages = report.parser_results["awards.decisions"]["messages"]
    assert messages == ["衢政发〔2020〕12号:衢政发〔2020〕12号“先进集体”公布47个,名单列出46个,数量不符"]
    section = Section.objects.get(decision__number="衢政发〔2020〕12号", order=1)
    assert section.declared_count == 47


@pytest.mark.parametrize("cut", [")\n\n、", ")、\n\n", "\n\n)、"])
def test_a_page_break_right_at_a_closing_parenthesis_keeps_the_rest_of_the_list(cut):
    body = ("一、个人三等功(3人)\n\n柴东剑(市人民医院)、王莉娟(市人民医院" + cut
            + "王钰(市人民医院)。\n\n希望受表彰的单位和个人珍惜荣誉。\n")
    parsed = parsing.parse_decision(body)
    assert [(r.name, r.unit) for r in parsed.sections[0].recipients] == [
        ("柴东剑", "市人民医院"), ("王莉娟", "市人民医院"), ("王钰", "市人民医院")]
    assert parsed.problems == []
