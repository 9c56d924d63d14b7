"""衢政办发〔2020〕21号: every task, indicator, lead line and sub-task as printed; the findings."""

import datetime as dt

import pytest
from django.conf import settings

from apps.bizenv import parsing
from apps.bizenv.models import (
    BizEnvTask,
    BizEnvTaskOwner,
    Indicator,
    IndicatorLead,
    IndicatorSubtask,
)
from apps.core.models import Organisation

pytestmark = pytest.mark.django_db
D = dt.date


def messages(gazette) -> list[str]:
    return gazette.parser_results["bizenv.plan"]["messages"]


def test_every_task_as_printed(gazette):
    assert "衢政办发〔2020〕21号" not in gazette.unparsed
    tasks = BizEnvTask.objects.order_by("number")
    assert [t.number for t in tasks] == list(range(1, 23))
    # 二: (一) 1–4, (二) 5–10, (三) 11–13, (四) 14–16, (五) 17–19, (六) 20–22.
    groups = {g: sorted(tasks.filter(group=g).values_list("number", flat=True)) for g in "一二三四五六"}
    assert groups == {"一": [1, 2, 3, 4], "二": [5, 6, 7, 8, 9, 10], "三": [11, 12, 13],
                      "四": [14, 15, 16], "五": [17, 18, 19], "六": [20, 21, 22]}
    # “(一)致力政务审批“最便捷”,大力推进营商环境迭代\n\n升级。” is mended across the page.
    assert tasks.get(number=1).group_title == "致力政务审批“最便捷”,大力推进营商环境迭代升级"
    # 完成时间: 全年 → 12-31; N月底前 → the last day of month N.
    deadlines = {t.number: (t.deadline_text, t.deadline) for t in tasks}
    assert deadlines[1] == ("2020年全年", D(2020, 12, 31))
    assert deadlines[2] == ("2020年10月底前", D(2020, 10, 31))
    assert deadlines[3] == ("2020年9月底前", D(2020, 9, 30))
    assert deadlines[5] == ("2020年8月底前", D(2020, 8, 31))
    assert deadlines[20] == ("2020年5月底前", D(2020, 5, 31))
    assert deadlines[21] == ("2020年7月底前", D(2020, 7, 31))
    # “谋划衢化片\n\n区厂城融合小区项目” joined.
    assert "谋划衢化片区厂城融合小区项目" in tasks.get(number=6).text
    assert tasks.get(number=22).title == "降低企业运营成本"


def test_owners_in_printed_order_with_the_six_county_governments(gazette):
    task5 = BizEnvTask.objects.get(number=5)
    # 二5: 市府办、市营商办、市协作中心、市发改委、市资源规划局、市财政局、市税务局等,各县(市、区)政府
    printed = list(task5.owner_links.values_list("printed", flat=True))
    assert printed[:7] == ["市府办", "市营商办", "市协作中心", "市发改委", "市资源规划局", "市财政局", "市税务局"]
    assert printed[7:] == ["柯城区人民政府", "衢江区人民政府", "常山县人民政府", "开化县人民政府",
                           "龙游县人民政府", "江山市人民政府"]
    names = [link.organisation.name for link in task5.owner_links.all()]
    assert names[0] == "衢州市人民政府办公室"  # 市府办 is an alias
    # 二6 prints “柯城区政府”: the alias of 柯城区人民政府, one record.
    link = BizEnvTaskOwner.objects.get(task__number=6, printed="柯城区政府")
    assert link.organisation.name == "柯城区人民政府"
    assert link.organisation.kind == Organisation.Kind.GOVERNMENT
    assert Organisation.objects.filter(name__endswith="人民政府", kind="government",
                                       name__in=[f"{c}人民政府" for c in parsing.COUNTIES]).count() == 6
    # 市场监管局 ≡ 市市场监管局: 二2 prints the latter, the 附件 the former — one unit.
    market = BizEnvTaskOwner.objects.get(task__number=2, printed="市市场监管局").organisation
    assert market.name == "衢州市市场监督管理局"
    assert IndicatorLead.objects.get(indicator__number=1).department == market


def test_every_indicator_lead_line_and_subtask(gazette):
    assert list(Indicator.objects.values_list("number", flat=True)) == list(range(1, 25))
    assert Indicator.objects.get(number=16).name == "知识产权创造、保护和运用"
    # Lead lines: 3 (获得水电气), 18 (5 lines), 20 (3), 23 (2), 24 (2), one for the other 19.
    assert IndicatorLead.objects.count() == 19 + 3 + 5 + 3 + 2 + 2
    leads3 = IndicatorLead.objects.filter(indicator__number=3).order_by("position")
    assert [(lead.leader, lead.departments_text) for lead in leads3] == [
        ("田俊", "市资源规划局"), ("陈锦标", "市发改委"), ("廉俊", "国网衢州供电公司")]
    # 9 保护中小投资者 and 24 print two 牵头部门 in one cell.
    nine = IndicatorLead.objects.get(indicator__number=9)
    assert (nine.department.name, nine.co_department.name) == ("市法院", "市金融办")
    first24 = IndicatorLead.objects.get(indicator__number=24, position=1)
    assert first24.leader == "市政府班子成员"
    assert (first24.department.name, first24.co_department.name) == ("衢州市人民政府办公室", "市营商办")
    assert first24.responsible_text == "市营商办、市经信局等 市大数据局、市工商联等,各县(市、区)政府"
    # Sub-tasks per indicator as printed: 1:4 2:3 3:5 4:4 5:5 6:6 7:3 8:6 9:2 10:4 11:4 12:2 13:1
    # 14:4 15:7 16:4 17:8 18:9 19:9 20:2 21:8 22:1 23:2 24:8 = 111.
    assert IndicatorSubtask.objects.count() == 111
    # 19's cell: (1), (11), (12), (13) continue 18 across the page, then 19's own (1)–(5).
    numbers19 = list(IndicatorSubtask.objects.filter(indicator__number=19).order_by("position")
                     .values_list("number", flat=True))
    assert numbers19 == [1, 11, 12, 13, 1, 2, 3, 4, 5]
    numbers21 = list(IndicatorSubtask.objects.filter(indicator__number=21).order_by("position")
                     .values_list("number", flat=True))
    assert numbers21 == [3, 4, 5, 6, 7, 1, 2, 3]
    first = IndicatorSubtask.objects.get(indicator__number=1, position=1)
    assert first.text.startswith("设立企业开办服务专窗")


def test_findings(gazette):
    found = messages(gazette)
    # 二20 “2020年5月底前” is before the plan's own date 2020-06-05.
    assert any("二20" in m and "2020-05-31" in m and "早于方案印发日期2020-06-05" in m for m in found)
    assert sum("早于方案印发日期" in m for m in found) == 1
    assert any("指标清单19" in m and "重新从(1)开始" in m for m in found)
    assert any("指标清单19" in m and "由(1)跳至(11)" in m for m in found)
    assert any("指标清单21" in m and "编号从(3)开始" in m for m in found)
    assert any("指标清单21" in m and "在(7)之后重新从(1)开始" in m for m in found)


def test_rerun_changes_nothing(gazette):
    from apps.gazette.services import import_gazette

    again = import_gazette(text=settings.GAZETTE_PATH.read_text(encoding="utf-8"), source_name="seed")
    result = again.parser_results["bizenv.plan"]
    assert result["created"] == 0 and result["updated"] == 0


@pytest.mark.parametrize(("printed", "expected"), [
    ("2020年全年", D(2020, 12, 31)), ("2020年2月底前", D(2020, 2, 29)),  # 2020 is a leap year
    ("2021年2月底前", D(2021, 2, 28)), ("2020年11月底前", D(2020, 11, 30))])
def test_deadline_of(printed, expected):
    assert parsing.deadline_of(printed) == expected


def test_deadline_of_refuses_other_text():
    with pytest.raises(ValueError):
        parsing.deadline_of("2020年13月底前")
    with pytest.raises(ValueError):
        parsing.deadline_of("尽快")
