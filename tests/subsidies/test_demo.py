"""demo.load: standards, 2020 indices, ~200 beneficiaries in six regions, a computed month."""

import datetime as dt
import io
from decimal import Decimal

from apps.subsidies import demo
from apps.subsidies.models import Beneficiary, RollLine, SubsidyRun


def test_demo_loads_and_computes_june_idempotently(regions, minzheng_user, fagaiwei_user):
    summary = demo.load(io.StringIO())
    assert "补贴对象新增200人" in summary and "2020-06:补贴涨幅3.60%" in summary
    assert set(Beneficiary.objects.values_list("region__code", flat=True)) == set(demo.REGION_CODES)
    june = SubsidyRun.objects.get(month=dt.date(2020, 6, 1), sequence=0)
    assert june.status == "approved" and june.persons > 150
    assert SubsidyRun.objects.get(month=dt.date(2020, 10, 1)).triggered is False
    # 柯城区's standard rises to 810 in July: an urban 低保 person gets 3 % × 2 × 810 = 48.60
    july_kecheng = RollLine.objects.filter(month=dt.date(2020, 7, 1), region__code="330802",
                                           category="dibao", residence="urban").first()
    assert july_kecheng is not None, "the demo enrols urban 低保 persons in 柯城区"
    assert july_kecheng.amount == Decimal("48.60")
    again = demo.load(io.StringIO())
    assert "补贴对象新增0人,计算0个月" in again
    assert SubsidyRun.objects.filter(month=dt.date(2020, 6, 1)).count() == 1
