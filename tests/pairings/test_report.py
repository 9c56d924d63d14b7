"""GET /api/pairings (衢政办发〔2020〕17号, issue 15 §5): hand-computed shortfalls.

二: 每个结对乡(村、连队)受助不少于10万元资金或物资, 期限2020—2022年 (no 每年: judged after
2022-12-31); 三(一): 每年专题研究不少于2次、调研对接不少于1次; 三(三): 每半年书面报送,
from 2020年下半年 (signed 2020-07-28). A period counts once as_of is past its last day.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.core.models import Organisation
from apps.core.services import organisation_add_alias
from apps.pairings import services
from apps.pairings.models import Pairing

pytestmark = pytest.mark.django_db
URL = "/api/pairings"
JVHUA = "巨化集团公司"  # 附件 序号2: 连队2个


def log(unit, kind, on, amount=None, note=""):
    return services.activity_record(pairing=Pairing.objects.get(unit=unit), kind=kind,
                                    on=dt.date.fromisoformat(on),
                                    amount=Decimal(amount) if amount else None, note=note)


def get(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def row(client, user, **query):
    answer = get(client, user, unit=JVHUA, **query)
    assert answer.status_code == 200, answer.content
    [found] = answer.json()
    return found


def test_every_unit_in_annex_order_with_its_targets_and_floor(plan, client, zhb):
    rows = get(client, zhb, year="2020", as_of="2020-06-30").json()
    assert [r["position"] for r in rows] == list(range(1, 21))
    first, second = rows[0], rows[1]
    assert first["unit"] == "绿色产业集聚区" and first["targets"] == {"乡镇": 1, "村": 0, "连队": 0}
    assert second["unit"] == JVHUA and second["targets"] == {"乡镇": 0, "村": 0, "连队": 2}
    # 二: 10万元 per target: 1 乡镇 → 100000.00; 2 连队 → 200000.00.
    assert first["aid_floor"] == "100000.00" and second["aid_floor"] == "200000.00"
    assert second["aid_total"] == "0.00"
    # 2020-06-30: no period of 2020 has ended yet, and 2020 H1 needs no report (三(三) from H2).
    assert all(r["shortfalls"] == [] for r in rows)


def test_aid_is_judged_over_the_term_only_after_2022_12_31(plan, client, zhb):
    log(JVHUA, "资金", "2020-09-01", "120000.00")
    log(JVHUA, "物资", "2021-05-01", "79999.99", "棉衣")
    with pytest.raises(ValidationError, match="不在帮扶结对期限内"):  # 二: 期限为2020—2022年
        log(JVHUA, "资金", "2023-01-05", "50000")
    aid = {"kind": "资金或物资", "required": "200000.00", "recorded": "199999.99"}
    # 120000.00 + 79999.99 = 199999.99 < 2 × 100000: short by 0.01, but only once the term ended.
    assert aid not in row(client, zhb, year="2022", as_of="2022-12-31")["shortfalls"]
    found = row(client, zhb, year="2022", as_of="2023-01-01")
    assert found["aid_total"] == "199999.99" and aid in found["shortfalls"]
    # 不少于: exactly 200000.00 meets the floor.
    log(JVHUA, "物资", "2022-12-31", "0.01")
    found = row(client, zhb, year="2022", as_of="2023-01-01")
    assert found["aid_total"] == "200000.00"
    assert [s for s in found["shortfalls"] if s["kind"] == "资金或物资"] == []


def test_yearly_studies_and_visits_count_once_the_year_is_over(plan, client, zhb):
    log(JVHUA, "专题研究", "2021-03-01")
    log(JVHUA, "调研对接", "2020-10-01")  # 2020's, not 2021's
    log(JVHUA, "专题研究", "2022-01-01")  # 2022's
    assert [s for s in row(client, zhb, year="2021", as_of="2021-12-31")["shortfalls"]
            if s["kind"] in ("专题研究", "调研对接")] == []
    shortfalls = row(client, zhb, year="2021", as_of="2022-01-01")["shortfalls"]
    assert {"kind": "专题研究", "required": 2, "recorded": 1} in shortfalls
    assert {"kind": "调研对接", "required": 1, "recorded": 0} in shortfalls
    # 2020: one 调研对接 (enough), no 专题研究 (two needed).
    shortfalls = row(client, zhb, year="2020", as_of="2021-01-01")["shortfalls"]
    assert {"kind": "专题研究", "required": 2, "recorded": 0} in shortfalls
    assert not [s for s in shortfalls if s["kind"] == "调研对接"]
    log(JVHUA, "专题研究", "2021-11-30")
    shortfalls = row(client, zhb, year="2021", as_of="2022-01-01")["shortfalls"]
    assert not [s for s in shortfalls if s["kind"] == "专题研究"]


def test_a_written_report_per_half_year_from_2020_h2(plan, client, zhb):
    log(JVHUA, "书面报告", "2020-06-30")  # 2020 H1: before 三(三) applies, counts for nothing
    reports = lambda found: [s for s in found["shortfalls"] if s["kind"] == "书面报告"]  # noqa: E731
    assert reports(row(client, zhb, year="2020", as_of="2020-12-31")) == []
    assert reports(row(client, zhb, year="2020", as_of="2021-01-01")) == [
        {"kind": "书面报告", "required": 1, "recorded": 0, "missing": ["2020年下半年"]}]
    log(JVHUA, "书面报告", "2020-12-31")
    assert reports(row(client, zhb, year="2020", as_of="2021-01-01")) == []
    # 2021: H1 counts from 07-01; two reports in H1 do not cover H2.
    log(JVHUA, "书面报告", "2021-03-01")
    log(JVHUA, "书面报告", "2021-06-30")
    assert reports(row(client, zhb, year="2021", as_of="2021-07-01")) == []
    assert reports(row(client, zhb, year="2021", as_of="2022-01-01")) == [
        {"kind": "书面报告", "required": 2, "recorded": 1, "missing": ["2021年下半年"]}]


def test_voided_and_corrected_activities(plan, client, zhb):
    wrong = log(JVHUA, "资金", "2021-05-01", "300000")
    assert row(client, zhb, year="2021", as_of="2023-01-01")["aid_total"] == "300000.00"
    services.activity_correct(activity=wrong, reason="金额录入错误,应为3万元", amount=Decimal("30000"),
                              actor=zhb)
    found = row(client, zhb, year="2021", as_of="2023-01-01")
    assert found["aid_total"] == "30000.00"
    assert {"kind": "资金或物资", "required": "200000.00", "recorded": "30000.00"} in found["shortfalls"]
    replacement = wrong.void.replacement
    services.activity_void(activity=replacement, reason="重复登记", actor=zhb)
    assert row(client, zhb, year="2021", as_of="2023-01-01")["aid_total"] == "0.00"


def test_as_of_leaves_out_later_activities(plan, client, zhb):
    log(JVHUA, "资金", "2021-05-01", "1000")
    assert row(client, zhb, year="2021", as_of="2021-04-30")["aid_total"] == "0.00"
    assert row(client, zhb, year="2021", as_of="2021-05-01")["aid_total"] == "1000.00"


def test_unit_by_alias_and_errors(plan, client, zhb):
    # Staff link the printed unit to the organisation, known also as 巨化集团.
    organisation = Organisation.objects.create(name="巨化集团有限公司")
    organisation_add_alias(organisation, "巨化集团")
    Pairing.objects.filter(unit=JVHUA).update(organisation=organisation)
    assert [r["position"] for r in get(client, zhb, year="2020", unit="巨化集团").json()] == [2]
    unknown = get(client, zhb, year="2020", unit="不存在单位")
    assert unknown.status_code == 404 and "不存在单位" in unknown.json()["error"]
    outside = get(client, zhb, year="2023")
    assert outside.status_code == 400 and "2020、2021、2022" in outside.json()["error"]
    assert get(client, zhb).status_code == 400
    assert get(client, zhb, year="2020", as_of="2020-13-01").json()["parameter"] == "as_of"


def test_every_role_reads_and_anonymous_is_refused(plan, client, make_staff):
    assert client.get(URL, {"year": "2020"}).status_code == 401
    assert get(client, make_staff("mz", "民政"), year="2020").status_code == 200


def test_without_the_plan(db, client, zhb):
    answer = get(client, zhb, year="2020")
    assert answer.status_code == 404 and "衢政办发〔2020〕17号" in answer.json()["error"]
