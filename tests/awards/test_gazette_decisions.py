"""衢政发〔2020〕12–15号 imported from the seed gazette: every section, count and recipient."""

import datetime as dt

import pytest

from apps.awards import selectors
from apps.awards.models import AwardKind, Decision, Person, Recipient, Section
from apps.gazette.services import import_gazette

pytestmark = pytest.mark.django_db


def sections(number):
    decision = Decision.objects.get(number=number)
    return [(s.title, s.get_award_display(), s.declared_count, selectors.section_listed_count(s))
            for s in decision.sections.order_by("order")]


def test_decision_12_is_a_circular_with_46_collectives_and_55_individuals(gazette):
    decision = Decision.objects.get(number="衢政发〔2020〕12号")
    assert decision.kind == Decision.Kind.CIRCULAR
    assert decision.date == dt.date(2020, 6, 8)
    assert decision.issuing_body == "衢州市人民政府"
    assert decision.public is True
    assert sections("衢政发〔2020〕12号") == [
        ("先进集体", "先进集体", 46, 46),
        ("市本级", "先进集体", 12, 12),
        ("县(市、区)", "先进集体", 28, 28),
        ("重点国有企业", "先进集体", 6, 6),
        ("先进个人", "先进个人", 55, 55),
        ("市本级", "先进个人", 16, 16),
        ("县(市、区)", "先进个人", 34, 34),
        ("重点国有企业", "先进个人", 5, 5),
    ]


def test_decision_13_sections_and_basis(gazette):
    decision = Decision.objects.get(number="衢政发〔2020〕13号")
    assert decision.basis == "《公务员法》《浙江省行政奖励暂行办法》"
    assert decision.date == dt.date(2020, 6, 16)
    assert sections("衢政发〔2020〕13号") == [
        ("集体三等功", "集体三等功", 2, 2),
        ("集体嘉奖", "集体嘉奖", 1, 1),
        ("个人三等功", "个人三等功", 43, 43),
        ("个人嘉奖", "个人嘉奖", 21, 21),
    ]


def test_decision_14_has_two_groups_of_second_class_merit(gazette):
    assert sections("衢政发〔2020〕14号") == [
        ("在新冠肺炎疫情防控工作中表现突出的个人", "", None, 18),
        ("个人二等功", "个人二等功", 18, 18),
        ("在机场迁建工作中表现突出的个人", "", None, 1),
        ("个人二等功", "个人二等功", 1, 1),
    ]
    last = Recipient.objects.get(section__decision__number="衢政发〔2020〕14号",
                                 section__order=4)
    assert (last.person_name, last.unit_text) == ("占跃平", "衢州市人大常委会")


def test_decision_15_honours_huang_hongzhan_alone(gazette):
    assert sections("衢政发〔2020〕15号") == [("个人二等功", "个人二等功", None, 1)]
    recipient = Recipient.objects.get(section__decision__number="衢政发〔2020〕15号")
    assert recipient.person.name == "黄宏瞻"
    assert recipient.organisation is None


def test_every_declared_count_reconciles_with_the_seed(gazette):
    assert selectors.mismatched_sections() == []
    assert Recipient.objects.filter(section__decision__year=2020).count() == 46 + 55 + 2 + 1 + 43 + 21 + 18 + 1 + 1


@pytest.mark.parametrize("name, unit, section_title, number", [
    ("黄华伟", "市农业农村局", "市本级", "衢政发〔2020〕12号"),
    ("程仁秀", "开化县妇幼保健院", "个人三等功", "衢政发〔2020〕13号"),
    ("马龙举", "柯城区人民医院", "个人二等功", "衢政发〔2020〕14号"),
])
def test_names_broken_by_page_breaks_are_mended(gazette, name, unit, section_title, number):
    recipient = Recipient.objects.get(person_name=name, section__decision__number=number)
    assert recipient.unit_text == unit
    assert recipient.section.title == section_title
    assert not Recipient.objects.filter(text__contains="\n").exists()


def test_collective_recipients_are_organisations(gazette):
    first = Recipient.objects.get(section__decision__number="衢政发〔2020〕12号",
                                  section__order=2, order=1)
    assert first.person is None and first.organisation.name == "衢州市应急管理局"
    company = Recipient.objects.get(text="利安隆科润(浙江)新材料有限公司")
    assert company.section.get_award_display() == "先进集体"
    assert company.person is None


def test_chai_dongjian_is_one_person_in_13_and_14(gazette):
    honours = Recipient.objects.filter(person_name="柴东剑").order_by("section__decision__number")
    assert [(h.section.decision.number, h.unit_text, h.section.award) for h in honours] == [
        ("衢政发〔2020〕13号", "市人民医院", AwardKind.INDIVIDUAL_THIRD),
        ("衢政发〔2020〕14号", "衢州市人民医院", AwardKind.INDIVIDUAL_SECOND),
    ]
    assert len({h.person_id for h in honours}) == 1


def test_people_honoured_in_more_than_one_decision(gazette):
    names = sorted(p.name for p in selectors.people_with_several_decisions())
    assert names == sorted(["柴东剑", "柴爱娟", "马龙举", "陈远飞", "俞啸", "毛晓明", "单康民",
                            "汪美丹"])


def test_second_import_creates_nothing(gazette, gazette_text):
    counts = (Decision.objects.count(), Section.objects.count(), Recipient.objects.count(),
              Person.objects.count())
    report = import_gazette(text=gazette_text, source_name="seed")
    result = report.parser_results["awards.decisions"]
    assert (result["created"], result["updated"]) == (0, 0)
    assert counts == (Decision.objects.count(), Section.objects.count(),
                      Recipient.objects.count(), Person.objects.count())
