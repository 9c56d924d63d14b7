"""Gazette import of the two cleanup notices: every list item, reconciled totals (DOMAIN §3)."""

from __future__ import annotations

import datetime as dt

from apps.gazette.services import import_gazette
from apps.regulations.models import (
    CampaignItem,
    CleanupCampaign,
    NormativeDocument,
    Outcome,
    ReconciliationReport,
    StatusEvent,
)

from .conftest import ECOLOGY, MARKET


def _counts(number: str) -> dict[str, int]:
    items = CampaignItem.objects.filter(campaign__number=number)
    return {o: items.filter(outcome=o).count() for o in Outcome}


def test_market_regulation_announces_25_as_17_continue_and_8_repeal(registry):
    campaign = CleanupCampaign.objects.get(number=MARKET)
    assert (campaign.announced_total, campaign.announced_continue, campaign.announced_repeal) == (25, 17, 8)
    assert campaign.effective_date == dt.date(2020, 7, 1)
    assert campaign.issuer.name == "衢州市市场监督管理局"
    assert "省政府令第372号" in campaign.legal_basis
    report = campaign.reconciliation
    assert report.listed == {"continue": 17, "repeal": 8, "total": 25}
    # 衢市监综〔2020〕9号 is printed twice: 16 distinct documents continue.
    assert _counts(MARKET)[Outcome.CONTINUE] == 16
    assert _counts(MARKET)[Outcome.REPEAL] == 8
    assert report.distinct["total"] == 24
    assert report.balanced is False


def test_ecology_announces_57_as_17_3_15_22_and_the_lists_match(registry):
    campaign = CleanupCampaign.objects.get(number=ECOLOGY)
    assert (campaign.announced_continue, campaign.announced_revise, campaign.announced_repeal,
            campaign.announced_invalid) == (17, 3, 15, 22)
    assert campaign.announced_total is None  # the notice gives no 共计; the parts sum to 57
    assert campaign.reconciliation.announced["sum"] == 57
    assert _counts(ECOLOGY) == {Outcome.CONTINUE: 17, Outcome.REVISE: 3, Outcome.REPEAL: 15,
                                Outcome.INVALID: 22}
    assert campaign.items.count() == 57
    assert campaign.reconciliation.balanced is True
    assert campaign.effective_date == dt.date(2020, 8, 1)
    # The deadline is read from the notice: 有效期截止到 2021 年 6 月 30 日.
    assert campaign.revise_deadline == dt.date(2021, 6, 30)


def test_every_list_item_is_stored_with_position_and_title(registry):
    item = CampaignItem.objects.get(campaign__number=ECOLOGY, outcome=Outcome.INVALID, position=22)
    assert item.document.number == "衢环办〔2019〕71号"
    assert item.document.title == "关于印发《衢州市危险废物集中整治工作方案》的通知"
    last = CampaignItem.objects.get(campaign__number=MARKET, outcome=Outcome.CONTINUE, position=17)
    assert last.document.number == "衢食药监安〔2006〕76号"
    revise = CampaignItem.objects.filter(campaign__number=ECOLOGY, outcome=Outcome.REVISE)
    assert {i.document.number for i in revise} == {
        "衢环发〔2013〕93号", "衢环函〔2018〕92号", "衢环发〔2018〕153号"}


def test_duplicate_number_in_market_list_is_reported_once_and_stored_once(registry):
    assert NormativeDocument.objects.filter(number="衢市监综〔2020〕9号").count() == 1
    item = CampaignItem.objects.get(document__number="衢市监综〔2020〕9号")
    assert (item.position, item.duplicate_positions) == (1, [10])
    assert StatusEvent.objects.filter(document=item.document, cause="campaign").count() == 1
    report = ReconciliationReport.objects.get(source_number=MARKET)
    duplicates = [f for f in report.findings if f["kind"] == "duplicate"]
    assert len(duplicates) == 1
    assert duplicates[0]["positions"] == [1, 10]
    assert "衢市监综〔2020〕9号" in duplicates[0]["message"]
    mismatch = [f for f in report.findings if f["kind"] == "total_mismatch"]
    assert {f["outcome"] for f in mismatch} == {"continue", "total"}


def test_non_standard_numbers_and_stray_title_words_are_reported(registry):
    ecology = ReconciliationReport.objects.get(source_number=ECOLOGY)
    printed = [f["printed"] for f in ecology.findings if f["kind"] == "nonstandard_number"]
    assert printed == ["衢环发〔2020〕66 号"]
    repeal = ReconciliationReport.objects.get(source_number="衢政办发〔2020〕20号")
    assert [f["printed"] for f in repeal.findings if f["kind"] == "nonstandard_number"] == [
        "衢政发〔2011〕97 号"]
    market = ReconciliationReport.objects.get(source_number=MARKET)
    stray = [f for f in market.findings if f["kind"] == "stray_title_words"]
    assert len(stray) == 1 and stray[0]["number"] == "衢市监食通〔2016〕5号"
    assert NormativeDocument.objects.get(number="衢市监食通〔2016〕5号").title == (
        "关于加强食用农产品销售环节质量安全监管的实施意见")


def test_findings_reach_the_import_report(registry):
    messages = registry.parser_results["regulations.campaigns"]["messages"]
    assert sum("衢市监综〔2020〕9号" in m and "重复" in m for m in messages) == 1


def test_second_import_creates_and_updates_nothing(imported_gazette, gazette_text):
    """Through the full import, every app's parsers included."""
    before = (NormativeDocument.objects.count(), StatusEvent.objects.count(),
              CampaignItem.objects.count())
    again = import_gazette(text=gazette_text, source_name="seed")
    for name in ("regulations.campaigns", "regulations.repeals"):
        assert again.parser_results[name]["created"] == 0
        assert again.parser_results[name]["updated"] == 0
    assert not again.changed
    assert (NormativeDocument.objects.count(), StatusEvent.objects.count(),
            CampaignItem.objects.count()) == before
