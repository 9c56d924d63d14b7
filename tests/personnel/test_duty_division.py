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
    assert [(link.assignment.person_name, link.relation)
            for link in selectors.office_leaders(office="市政府研究室")] == [("郑河江", "assisting")]


def test_vice_mayor_assistance_is_not_an_office(gazette):
    offices = {link.office.name for a in DutyAssignment.objects.all() for link in a.offices.all()}
    assert offices == set(IN_CHARGE) | {"市政府研究室"}
