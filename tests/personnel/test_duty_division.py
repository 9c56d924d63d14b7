"""衢政办发〔2020〕19号: every leader, titles, and who is in charge of each office."""

import pytest

from apps.personnel import selectors
from apps.personnel.models import DutyAssignment, DutyDivision

pytestmark = pytest.mark.django_db

IN_CHARGE = {
    "督查室": "方法", "综合二处": "颜雪高", "综合四处": "吴剑波", "综合五处": "廖利军",
    "综合三处": "毛爱民", "综合七处": "刘卸荣", "反走私和口岸管理办公室": "刘卸荣",
    "综合一处": "郑胜军", "机关党委": "郑胜军", "秘书处": "许露华", "文电处": "许露华",
    "综合六处": "郑东华", "信息处": "郑东华", "政务公开办": "郑东华",
}


def test_every_leader_in_order(gazette):
    division = DutyDivision.objects.get(number="衢政办发〔2020〕19号")
    names = list(division.assignments.order_by("order").values_list("person_name", flat=True))
    assert names == ["郑河江", "郑建忠", "李永华", "方法", "颜雪高", "吴剑波", "廖利军", "毛爱民",
                     "刘卸荣", "谢剑锋", "洪根兴", "郑胜军", "杨柏海", "许露华", "郑东华", "徐东",
                     "郑章明", "洪晓勇"]
    leader = division.assignments.get(person_name="郑河江")
    assert leader.titles == ["市政府秘书长", "办公室党组书记"]
    assert leader.duties.startswith("协助市长处理市政府日常工作")


@pytest.mark.parametrize("office, leader", sorted(IN_CHARGE.items()))
def test_who_is_in_charge_of_each_office(gazette, office, leader):
    in_charge = [link.assignment.person_name for link in selectors.office_leaders(office=office)
                 if link.relation == "in_charge"]
    assert in_charge == [leader]


def test_assisting_leaders(gazette):
    rows = [(link.assignment.person_name, link.relation)
            for link in selectors.office_leaders(office="督查室")]
    assert rows == [("方法", "in_charge"), ("许露华", "assisting")]
    # 郑胜军 “主持市政府研究室日常工作”, 郑河江 “协助分管市政府研究室” (issue 10 §13).
    assert [(link.assignment.person_name, link.relation)
            for link in selectors.office_leaders(office="市政府研究室")] == [
        ("郑胜军", "presiding"), ("郑河江", "assisting")]


# 衢政办发〔2020〕19号, every “主持…工作” read by hand (issue 10 §13): office → who presides.
PRESIDING = {
    "办公室党组": "郑河江",  # 主持办公室党组全面工作
    "市纪委市监委派驻市府办纪检监察组": "李永华",
    "衢州市东西部扶贫协作援川工作组": "谢剑锋",
    "市协作中心": "洪根兴", "市招商办": "洪根兴",  # 主持市协作中心和市招商办工作
    "市政府研究室": "郑胜军",  # 主持市政府研究室日常工作
    "市政府驻杭州办事处(市政府驻长三角联络处)": "徐东",
    "市政府驻北京联络处(市政府驻京津冀联络处)": "郑章明",
    "市政府驻珠三角联络处": "洪晓勇",
}


def test_vice_mayor_assistance_is_not_an_office(gazette):
    offices = {link.office.name for a in DutyAssignment.objects.all() for link in a.offices.all()}
    assert offices == set(IN_CHARGE) | set(PRESIDING)
    assert len(offices) == 14 + 9


@pytest.mark.parametrize("office, leader", sorted(PRESIDING.items()))
def test_who_presides_over_each_office(gazette, office, leader):
    """Every office named only in “主持…工作” exists and is found with its presiding leader."""
    presiding = [link.assignment.person_name for link in selectors.office_leaders(office=office)
                 if link.relation == "presiding"]
    assert presiding == [leader]


def test_an_office_with_a_second_name_is_found_by_either_name_and_bracket_width(gazette):
    for name in ["市政府驻杭州办事处", "市政府驻长三角联络处", "市政府驻杭州办事处（市政府驻长三角联络处）"]:
        assert [(link.assignment.person_name, link.relation)
                for link in selectors.office_leaders(office=name)] == [("徐东", "presiding")]


def test_presiding_parsed_from_the_clause_not_from_assisting_or_charge():
    from apps.personnel.parsing import offices_in

    assert offices_in("主持市协作中心和市招商办工作。") == [("市协作中心", "presiding"),
                                                      ("市招商办", "presiding")]
    assert offices_in("协助负责市政府主要领导日常工作安排。") == []
    assert offices_in("分管综合七处、反走私和口岸管理办公室。") == [
        ("综合七处", "in_charge"), ("反走私和口岸管理办公室", "in_charge")]


MEMBER = "办公室党组成员"
DEPUTY = "市政府副秘书长"
# 衢政办发〔2020〕19号, read by hand: leader, titles (an elided unit restored), offices.
LEADERS = [
    ("郑河江", ["市政府秘书长", "办公室党组书记"], [("市政府研究室", "assisting"),
                                                ("办公室党组", "presiding")]),
    ("郑建忠", [DEPUTY, "办公室党组副书记", "办公室主任"], []),
    ("李永华", ["市纪委市监委派驻市府办纪检监察组长", MEMBER],
     [("市纪委市监委派驻市府办纪检监察组", "presiding")]),
    ("方法", [DEPUTY, MEMBER], [("督查室", "in_charge")]),
    ("颜雪高", [DEPUTY, MEMBER], [("综合二处", "in_charge")]),
    ("吴剑波", [DEPUTY, MEMBER], [("综合四处", "in_charge")]),
    ("廖利军", [DEPUTY, MEMBER], [("综合五处", "in_charge")]),
    ("毛爱民", [DEPUTY, MEMBER], [("综合三处", "in_charge")]),
    ("刘卸荣", [DEPUTY, MEMBER], [("反走私和口岸管理办公室", "in_charge"),
                                 ("综合七处", "in_charge")]),
    ("谢剑锋", ["市政府副秘书长(兼)"], [("衢州市东西部扶贫协作援川工作组", "presiding")]),
    ("洪根兴", ["市政府副秘书长(兼)", "市协作中心主任", "市协作中心党组书记", "市招商办主任"],
     [("市协作中心", "presiding"), ("市招商办", "presiding")]),
    ("郑胜军", ["市政府研究室主任", MEMBER], [("机关党委", "in_charge"), ("综合一处", "in_charge"),
                                         ("市政府研究室", "presiding")]),
    ("杨柏海", ["办公室副主任", MEMBER], []),
    ("许露华", ["办公室副主任", MEMBER], [("文电处", "in_charge"), ("督查室", "assisting"),
                                        ("秘书处", "in_charge")]),
    ("郑东华", ["办公室副主任", MEMBER], [("信息处", "in_charge"), ("政务公开办", "in_charge"),
                                        ("综合六处", "in_charge")]),
    ("徐东", ["市政府驻杭州办事处(市政府驻长三角联络处)主任", MEMBER],
     [("市政府驻杭州办事处(市政府驻长三角联络处)", "presiding")]),
    ("郑章明", ["市政府驻北京联络处(市政府驻京津冀联络处)主任", MEMBER],
     [("市政府驻北京联络处(市政府驻京津冀联络处)", "presiding")]),
    ("洪晓勇", ["市政府驻珠三角联络处主任", MEMBER], [("市政府驻珠三角联络处", "presiding")]),
]


def test_every_leader_title_and_office_of_the_division(gazette):
    division = DutyDivision.objects.get(number="衢政办发〔2020〕19号")
    stored = [(a.person_name, a.titles,
               sorted((link.office.name, link.relation) for link in a.offices.all()))
              for a in division.assignments.order_by("order")]
    assert stored == [(name, titles, sorted(offices)) for name, titles, offices in LEADERS]
    assert division.assignments.get(person_name="郑建忠").duties == (
        "协助市政府秘书长处理相关工作;全面负责办公室行政事务和综合性业务;负责市政府领导活动协调、"
        "全市性重大活动组织工作;负责市政府全体会议、常务会议、市长办公会议、市政府重大的专题会议"
        "筹备;负责市政府决定的重要事项督办落实。")


def test_a_duties_paragraph_cut_by_a_page_break_is_rejoined():
    from apps.personnel.parsing import parse_duties

    body = ("许露华 办公室副主任、党组成员\n协助负责政务督查工作;分管秘书处、文\n\n电处,协助分管督查室。\n"
            "郑东华 办公室副主任、党组成员\n分管综合六处。\n衢州市人民政府办公室\n2020年6月2日\n")
    first, second = parse_duties(body)
    assert first.offices == [("秘书处", "in_charge"), ("文电处", "in_charge"),
                             ("督查室", "assisting")]
    assert (second.duties, second.offices) == ("分管综合六处。", [("综合六处", "in_charge")])
