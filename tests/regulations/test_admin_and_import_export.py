"""Admin: documents with timelines and status-on-date filters; campaigns with reconciliation;
XLSX/CSV import and export of documents and campaign results."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from apps.core.models import AuditEvent
from apps.core.tabular import ImportRejected
from apps.regulations import imports
from apps.regulations.models import CampaignItem, CleanupCampaign, NormativeDocument, Status
from apps.regulations.resources import CampaignResultResource
from apps.regulations.selectors import standing_on

from .conftest import csv_bytes


@pytest.fixture
def admin_client_scjg(client, make_staff):
    client.force_login(make_staff("scjg", "市场监管"))
    return client


def test_document_changelist_filters_status_on_a_date(registry, admin_client_scjg):
    url = reverse("admin:regulations_normativedocument_changelist")
    campaign = CleanupCampaign.objects.get(number="衢市监规〔2020〕1号")
    response = admin_client_scjg.get(url, {"campaign": campaign.pk, "status": "repealed",
                                           "as_of": "2020-07-01"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 8
    response = admin_client_scjg.get(url, {"campaign": campaign.pk, "status": "repealed",
                                           "as_of": "2020-06-30"})
    assert response.context["cl"].result_count == 0


def test_admin_search_accepts_any_bracket_form(registry, admin_client_scjg):
    url = reverse("admin:regulations_normativedocument_changelist")
    response = admin_client_scjg.get(url, {"q": "衢市监综 [2020] 9 号"})
    assert [d.number for d in response.context["cl"].result_list] == ["衢市监综〔2020〕9号"]


def test_document_page_shows_timeline(registry, admin_client_scjg):
    doc = NormativeDocument.objects.get(number="衢政办发〔2008〕101号")
    response = admin_client_scjg.get(reverse("admin:regulations_normativedocument_change",
                                             args=[doc.pk]))
    html = response.content.decode()
    assert "2020-07-20" in html and "衢政办发〔2020〕22号" in html


def test_campaign_list_shows_reconciliation_status(registry, admin_client_scjg):
    response = admin_client_scjg.get(reverse("admin:regulations_cleanupcampaign_changelist"))
    html = response.content.decode()
    assert "有差异" in html and "一致" in html
    report_url = reverse("admin:regulations_reconciliationreport_changelist")
    assert admin_client_scjg.get(report_url).status_code == 200
    report = CleanupCampaign.objects.get(number="衢市监规〔2020〕1号").reconciliation
    page = admin_client_scjg.get(reverse("admin:regulations_reconciliationreport_change",
                                         args=[report.pk])).content.decode()
    assert "继续有效 17 · 废止 8 · 共计 25" in page
    assert "继续有效 16 · 废止 8 · 共计 24" in page
    assert page.count("重复列出") == 1


def test_document_import_normalises_numbers_and_rejects_bad_rows(db):
    data = csv_bytes(imports.DOCUMENT_HEADERS,
                     ["衢市监规[2021] 3 号", "关于测试的通知", "市市场监管局", "2021-03-01", "1"])
    result = imports.import_file(kind="documents", data=data, filename="docs.csv")
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    doc = NormativeDocument.objects.get(number="衢市监规〔2021〕3号")
    assert (doc.number_issuer_code, doc.number_year, doc.number_serial) == ("衢市监规", 2021, 3)
    assert doc.public is True
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT,
                                     model="regulations.NormativeDocument").count() == 1
    bad = csv_bytes(imports.DOCUMENT_HEADERS, ["/", "无文号", "", "", ""])
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind="documents", data=bad, filename="bad.csv")
    [error] = refused.value.errors
    assert (error.line, error.column) == (2, "文号") and "不是文号" in error.message


def test_campaign_results_import_applies_on_effective_date(registry):
    data = csv_bytes(imports.CAMPAIGN_HEADERS,
                     ["衢环发(2020)66号", "废止", "16", "衢环发[2019]99号", "关于表格导入的通知"])
    result = imports.import_file(kind="campaign_results", data=data, filename="results.csv")
    assert result.created == 1
    doc = NormativeDocument.objects.get(number="衢环发〔2019〕99号")
    assert standing_on(doc, dt.date(2020, 7, 31)).status == Status.IN_FORCE
    assert standing_on(doc, dt.date(2020, 8, 1)).status == Status.REPEALED


def test_campaign_results_export_as_xlsx_and_csv(registry):
    queryset = CampaignItem.objects.filter(campaign__number="衢市监规〔2020〕1号")
    exported = CampaignResultResource().export(queryset=queryset)
    assert exported.headers == ["清理文号", "清理结果", "序号", "文号", "文件名称"]
    assert len(exported) == 24
    csv = exported.export("csv")
    assert "衢市监综〔2020〕9号" in csv and "继续有效" in csv
    xlsx = exported.export("xlsx")
    assert io.BytesIO(xlsx).read(2) == b"PK"


def test_admin_import_of_a_csv_file(db, admin_client_scjg):
    url = reverse("admin:regulations_normativedocument_import")
    assert admin_client_scjg.get(url).status_code == 200
    csv = "文号,标题,发文机关,成文日期,公开发布\n衢环发(2021)8 号,关于导入的通知,衢州市生态环境局,2021-02-01,0\n"
    upload = io.BytesIO(csv.encode("utf-8"))
    upload.name = "docs.csv"
    response = admin_client_scjg.post(url, {"import_file": upload, "format": "0",
                                            "resource": "0"})
    assert response.status_code == 200
    form = response.context.get("confirm_form")
    assert form is not None, response.content.decode()[:2000]
    confirm = admin_client_scjg.post(reverse("admin:regulations_normativedocument_process_import"),
                                     {k: v for k, v in form.initial.items()}, follow=True)
    assert confirm.status_code == 200
    assert NormativeDocument.objects.get(number="衢环发〔2021〕8号").issuer.name == "衢州市生态环境局"


def test_a_repeal_link_added_in_the_admin_repeals_from_its_date(registry, admin_client_scjg):
    new = NormativeDocument.objects.get(number="衢市监规〔2020〕1号")
    old = NormativeDocument.objects.get(number="衢市监规〔2019〕1号")
    response = admin_client_scjg.post(reverse("admin:regulations_documentlink_add"), {
        "source": new.pk, "target": old.pk, "kind": "repeals", "effective_date": "2021-01-01",
        "clause": "测试"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert standing_on(old, dt.date(2020, 12, 31)).status == Status.IN_FORCE
    assert standing_on(old, dt.date(2021, 1, 1)).status == Status.REPEALED
    assert old.links_in.get().source == new
