"""Status on a date is derived from dated events; campaigns act on their effective date."""

from __future__ import annotations

import datetime as dt

from apps.regulations.models import DocumentLink, NormativeDocument, Status
from apps.regulations.selectors import standing_on, timeline


def test_market_campaign_changes_nothing_before_2020_07_01(registry, status_of):
    assert status_of("衢工商综〔2013〕58号", "2020-06-30") == Status.IN_FORCE
    assert status_of("衢工商综〔2013〕58号", "2020-07-01") == Status.REPEALED
    assert status_of("衢市监规〔2019〕1号", "2020-06-30") == Status.IN_FORCE
    assert status_of("衢市监规〔2019〕1号", "2020-07-01") == Status.IN_FORCE


def test_ecology_campaign_takes_effect_on_2020_08_01(registry, status_of):
    assert status_of("衢环办〔1998〕86号", "2020-07-31") == Status.IN_FORCE
    assert status_of("衢环办〔1998〕86号", "2020-08-01") == Status.REPEALED
    assert status_of("衢环发〔2004〕47号", "2020-07-31") == Status.IN_FORCE
    assert status_of("衢环发〔2004〕47号", "2020-08-01") == Status.INVALID
    assert status_of("衢环发〔2013〕93号", "2020-07-31") == Status.IN_FORCE
    assert status_of("衢环发〔2013〕93号", "2020-08-01") == Status.TO_REVISE


def test_the_cleanup_notices_are_not_yet_in_force_between_signing_and_effect(registry, status_of):
    assert status_of("衢环发〔2020〕66号", "2020-06-28") is None
    assert status_of("衢环发〔2020〕66号", "2020-06-29") == Status.NOT_YET_IN_FORCE
    assert status_of("衢环发〔2020〕66号", "2020-08-01") == Status.IN_FORCE
    assert status_of("衢市监规〔2020〕1号", "2020-06-30") == Status.NOT_YET_IN_FORCE


def test_three_to_revise_documents_in_force_on_deadline_and_lapsed_the_day_after(registry):
    for number in ["衢环发〔2013〕93号", "衢环函〔2018〕92号", "衢环发〔2018〕153号"]:
        doc = NormativeDocument.objects.get(number=number)
        on_deadline = standing_on(doc, dt.date(2021, 6, 30))
        assert on_deadline.status == Status.TO_REVISE and on_deadline.in_force
        assert on_deadline.deadline == dt.date(2021, 6, 30)
        assert on_deadline.since == dt.date(2020, 8, 1)
        after = standing_on(doc, dt.date(2021, 7, 1))
        assert after.status == Status.INVALID and not after.in_force
        assert after.since == dt.date(2021, 7, 1)


def test_a_replaced_to_revise_document_does_not_lapse(registry):
    doc = NormativeDocument.objects.get(number="衢环发〔2013〕93号")
    new = NormativeDocument.objects.create(number="衢环发〔2021〕5号", number_issuer_code="衢环发",
                                           number_year=2021, number_serial=5, title="修订后的规定")
    DocumentLink.objects.create(source=new, target=doc, kind=DocumentLink.Kind.REPLACES)
    assert standing_on(doc, dt.date(2021, 7, 1)).status == Status.TO_REVISE


def test_2011_price_subsidy_notice_repealed_by_2020_20_from_june_9(registry, status_of):
    assert status_of("衢政发〔2011〕97号", "2020-06-08") == Status.IN_FORCE
    assert status_of("衢政发〔2011〕97号", "2020-06-09") == Status.REPEALED
    old = NormativeDocument.objects.get(number="衢政发〔2011〕97号")
    standing = standing_on(old, dt.date(2020, 6, 9))
    assert standing.by == "衢政办发〔2020〕20号"
    assert standing.since == dt.date(2020, 6, 9)
    link = old.links_in.get()
    assert (link.source.number, link.kind) == ("衢政办发〔2020〕20号", DocumentLink.Kind.REPEALS)
    assert link.source.links_out.get().target == old  # both ways
    assert old.title == "衢州市人民政府关于进一步完善困难群众基本生活价格补贴机制的通知"
    assert old.issuer.name == "衢州市人民政府"


def test_land_reserve_notice_repealed_by_2020_22_from_july_20(registry, status_of):
    assert status_of("衢政办发〔2008〕101号", "2020-07-19") == Status.IN_FORCE
    assert status_of("衢政办发〔2008〕101号", "2020-07-20") == Status.REPEALED


def test_exemption_list_named_only_by_title_and_date_repealed_by_73_from_august_15(registry):
    doc = NormativeDocument.objects.get(number=None, title="衢州市主要环境违法行为行政处罚豁免清单(第一批)")
    assert doc.date == dt.date(2018, 2, 9)
    assert doc.issuer.name == "衢州市环境保护局"
    assert standing_on(doc, dt.date(2018, 2, 8)).status is None
    assert standing_on(doc, dt.date(2020, 8, 14)).status == Status.IN_FORCE
    repealed = standing_on(doc, dt.date(2020, 8, 15))
    assert (repealed.status, repealed.by) == (Status.REPEALED, "衢环发〔2020〕73号")


def test_timeline_lists_baseline_campaign_and_lapse(registry):
    doc = NormativeDocument.objects.get(number="衢环函〔2018〕92号")
    entries = timeline(doc, as_of=dt.date(2022, 1, 1))
    assert [(e.status, e.date, e.by) for e in entries] == [
        (Status.IN_FORCE, None, None),
        (Status.TO_REVISE, dt.date(2020, 8, 1), "衢环发〔2020〕66号"),
        (Status.INVALID, dt.date(2021, 7, 1), "修改期满未重新公布"),
    ]
    assert timeline(doc, as_of=dt.date(2021, 6, 30))[-1].status == Status.TO_REVISE
