"""衢政办发〔2020〕17号 as printed: the plan's figures, the 20 units of the 附件 and their
targets, the declared count reconciled, a rerun changing nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from apps.pairings import parsing, services
from apps.pairings.models import Pairing, PairingPlan, PairingTarget

pytestmark = pytest.mark.django_db
NUMBER = "衢政办发〔2020〕17号"


def test_seed_import_reads_the_plan_and_every_pairing(gazette):
    assert NUMBER not in gazette.unparsed
    plan = PairingPlan.objects.get(number=NUMBER)
    # 二: 共20家, 2020—2022年, 不少于10万元; 三(一): 2次/1次; 三(三) from the half-year of 2020-07-28.
    assert plan.declared_count == 20 and plan.pairings.count() == 20
    assert (plan.term_from, plan.term_to) == (dt.date(2020, 1, 1), dt.date(2022, 12, 31))
    assert plan.aid_floor_per_target == Decimal("100000.00")
    assert (plan.yearly_studies, plan.yearly_visits) == (2, 1)
    assert plan.reports_from == dt.date(2020, 7, 1) and plan.signed_on == dt.date(2020, 7, 28)
    units = list(plan.pairings.order_by("position").values_list("position", "unit"))
    assert units[0] == (1, "绿色产业集聚区") and units[1] == (2, "巨化集团公司")
    assert units[16] == (17, "集聚区东港街道") and units[19] == (20, "智慧新城白云街道")
    # 附件: 乡镇1个 (序号1), 连队2个 (序号2) + 连队1个 (序号18), 村1个 for the other 17 rows.
    counts = {kind: PairingTarget.objects.filter(kind=kind, pairing__plan=plan).count()
              for kind in ("乡镇", "村", "连队")}
    assert counts == {"乡镇": 1, "村": 17, "连队": 3}
    jvhua = Pairing.objects.get(unit="巨化集团公司")
    assert list(jvhua.targets.values_list("kind", "ordinal", "name")) == [("连队", 1, ""), ("连队", 2, "")]
    assert str(jvhua.targets.first()) == "一师四团连队1(未填名称)"
    # 20 declared = 20 listed, 序号 1–20: nothing to report.
    assert gazette.parser_results["pairings.plan"]["messages"] == []


def test_rerun_changes_nothing_and_keeps_staff_names(gazette):
    from apps.gazette.services import import_gazette

    target = PairingTarget.objects.get(pairing__unit="市援疆指挥部")
    target.name = "某村"
    target.save()
    again = import_gazette(text=settings.GAZETTE_PATH.read_text(encoding="utf-8"), source_name="seed")
    result = again.parser_results["pairings.plan"]
    assert result["created"] == 0 and result["updated"] == 0
    assert not again.changed
    target.refresh_from_db()
    assert target.name == "某村"


def test_a_declared_count_that_differs_is_a_finding():
    body = "明确衢州参与结对的单位共21家(结对安排见附件),帮扶结对期限为2020—2022年。\n" \
           "序号\t结对单位名称\t结对帮扶安排\n1\t甲单位\t村1个\n2\t乙单位\t连队2个、村1个\n3\t丙单位\t若干\n"
    parsed = parsing.parse_plan(body)
    assert [row.targets for row in parsed.rows] == [{"村": 1}, {"连队": 2, "村": 1}, {}]
    assert parsed.findings == ["附件:序号3的结对帮扶安排“若干”未能完全读出,请核对"]
    assert services.reconcile(parsed) == ["二公布结对单位共21家,附件列出3家,相差18家"]


def test_missing_figures_register_nothing(db):
    result = services.plan_record(number="衢政办发〔2099〕1号", title="t", signed_on=dt.date(2099, 7, 28),
                                  parsed=parsing.parse_plan("无表格"))
    assert not result.changed and not PairingPlan.objects.filter(number="衢政办发〔2099〕1号").exists()
    assert any("未登记" in m for m in result.messages)
