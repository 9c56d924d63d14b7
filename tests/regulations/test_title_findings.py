"""DOMAIN §3 data quality: titles with stray words and a different title for the same number
are findings in the reconciliation report staff read in the admin, never silent choices."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.gazette.services import import_gazette
from apps.regulations import imports, services
from apps.regulations.models import CleanupCampaign, NormativeDocument, ReconciliationReport

from .conftest import ECOLOGY, MARKET, csv_bytes

STRAY = "关于加强食用农产品销售环节质量安全监管的实施意见继续有效"  # 衢市监规〔2020〕1号 附件2 第6项
CLEAN = "关于加强食用农产品销售环节质量安全监管的实施意见"


@pytest.fixture
def staff(client, make_staff):
    client.force_login(make_staff("scjg", "市场监管"))
    return client


def test_stray_title_words_are_shown_in_the_admin_report_and_campaign(registry, staff):
    report = ReconciliationReport.objects.get(source_number=MARKET)
    page = staff.get(reverse("admin:regulations_reconciliationreport_change",
                             args=[report.pk])).content.decode()
    assert "废止目录第6项标题末尾多出“继续有效”" in page and STRAY in page
    campaign = CleanupCampaign.objects.get(number=MARKET)
    page = staff.get(reverse("admin:regulations_cleanupcampaign_change",
                             args=[campaign.pk])).content.decode()
    assert "标题末尾多出“继续有效”" in page
    assert NormativeDocument.objects.get(number="衢市监食通〔2016〕5号").title == CLEAN


def test_duplicate_with_a_different_title_names_both_titles(registry):
    report = ReconciliationReport.objects.get(source_number=MARKET)
    [duplicate] = [f for f in report.findings if f["kind"] == "duplicate"]
    assert "“关于印发《衢州市大商贸政策实施细则》的通知”/“衢州市大商贸政策实施细则”" in duplicate["message"]
    # Inside one list the repeat is a duplicate, not also a title conflict.
    assert not [f for f in report.findings if f["kind"] == "title_conflict"]


def test_gazette_title_differing_from_another_source_is_a_finding(db, only_regulation_parsers,
                                                                   gazette_text):
    services.document_register(number="衢环发〔2013〕93号", title="出具环保守法证明工作暂行规定",
                               source="表格导入 生态环境局")
    services.document_register(number="衢政发〔2011〕97号", title="价格补贴机制的通知",
                               source="人工录入")
    import_gazette(text=gazette_text, source_name="seed")
    doc = NormativeDocument.objects.get(number="衢环发〔2013〕93号")
    assert doc.title == "出具环保守法证明工作暂行规定"  # kept, and reported
    report = ReconciliationReport.objects.get(source_number=ECOLOGY)
    [conflict] = [f for f in report.findings if f["kind"] == "title_conflict"]
    assert conflict["number"] == "衢环发〔2013〕93号"
    assert conflict["printed"] == "关于印发《衢州市环境保护局出具环保守法证明工作暂行规定》的通知"
    assert "需修改目录第1项" in conflict["message"] and "表格导入 生态环境局" in conflict["message"]
    repeal = ReconciliationReport.objects.get(source_number="衢政办发〔2020〕20号")
    [conflict] = [f for f in repeal.findings if f["kind"] == "title_conflict"]
    assert conflict["printed"] == "衢州市人民政府关于进一步完善困难群众基本生活价格补贴机制的通知"
    # Importing again reports the same finding once and changes nothing.
    again = import_gazette(text=gazette_text, source_name="seed")
    for name in ("regulations.campaigns", "regulations.repeals"):
        assert (again.parser_results[name]["created"], again.parser_results[name]["updated"]) == (0, 0)
    report.refresh_from_db()
    assert len([f for f in report.findings if f["kind"] == "title_conflict"]) == 1


def test_spreadsheet_title_for_a_known_number_is_reported_not_overwritten(registry, staff):
    data = csv_bytes(imports.DOCUMENT_HEADERS, ["衢市监规[2019]1 号", "标准化试点资金办法", "", "", ""],
                     ["衢市监规[2021]7号", "关于表格导入测试的实施意见继续有效", "", "", ""])
    result = imports.import_file(kind="documents", data=data, filename="docs.csv")
    assert (result.created, result.unchanged) == (1, 1)
    assert NormativeDocument.objects.get(number="衢市监规〔2019〕1号").title == (
        "关于印发《衢州市标准化试点项目建设与资金管理办法》的通知")
    assert NormativeDocument.objects.get(number="衢市监规〔2021〕7号").title == "关于表格导入测试的实施意见"
    report = ReconciliationReport.objects.get(source_number="表格导入:规范性文件")
    assert [f["kind"] for f in report.findings] == ["title_conflict", "stray_title_words"]
    # The line in the file (header = 第1行), as the import screen numbers bad rows.
    assert "表格第2行" in report.findings[0]["message"] and "标准化试点资金办法" in report.findings[0]["message"]
    page = staff.get(reverse("admin:regulations_reconciliationreport_change",
                             args=[report.pk])).content.decode()
    assert "标准化试点资金办法" in page and "标题末尾多出“继续有效”" in page


def test_a_dry_run_records_no_findings(registry):
    data = csv_bytes(imports.DOCUMENT_HEADERS, ["衢市监规[2019]1 号", "标准化试点资金办法", "", "", ""])
    preview = imports.import_file(kind="documents", data=data, filename="docs.csv", dry_run=True)
    assert any("标准化试点资金办法" in m for m in preview.messages)  # shown in the preview
    assert not ReconciliationReport.objects.filter(source_number="表格导入:规范性文件").exists()


def test_campaign_results_spreadsheet_reports_a_different_title(registry):
    data = csv_bytes(imports.CAMPAIGN_HEADERS,
                     ["衢环发(2020)66号", "继续有效", "1", "衢环发[2012]166号", "工业固体废物申报登记方案"])
    result = imports.import_file(kind="campaign_results", data=data, filename="results.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)  # 文件名称 as printed
    report = ReconciliationReport.objects.get(source_number="表格导入:清理结果")
    [conflict] = report.findings
    assert conflict["kind"] == "title_conflict" and conflict["number"] == "衢环发〔2012〕166号"
    assert NormativeDocument.objects.get(number="衢环发〔2012〕166号").title == (
        "关于印发《衢州市工业固体废物申报登记工作实施方案》的通知")
