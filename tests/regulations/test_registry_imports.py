"""The registry's spreadsheet imports as whole-file services (issue 14 §4) on the seed gazette:
every row checked first, a bad file refused whole naming each bad row (line, column), a clean
one written in one transaction with one run-level audit record; the same file twice writes
nothing new; only city-level staff with the add permission import (issue 9 §1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent, Organisation
from apps.core.tabular import ImportRejected
from apps.regulations import imports
from apps.regulations.models import (
    CampaignItem,
    NormativeDocument,
    ReconciliationReport,
    Status,
    StatusEvent,
)
from apps.regulations.resources import CampaignResultResource, DocumentResource
from apps.regulations.selectors import standing_on

from .conftest import ECOLOGY, MARKET, csv_bytes

# 衢政办发〔2020〕22号 as the seed gazette prints it (signed 2020-06-19, published), and a
# document the gazette does not know.
DOCUMENTS = csv_bytes(
    imports.DOCUMENT_HEADERS,
    ["衢政办发[2020]22 号", "衢州市人民政府办公室关于深化市区土地储备管理改革的实施意见",
     "衢州市人民政府办公室", "2020-06-19", "是"],
    ["衢市监规(2021)3号", "关于表格导入测试的通知", "市市场监督管理局", "2021-03-01", "否"])
# 衢环发〔2020〕66号 (生态环境局 cleanup, in force 2020-08-01, 需修改 valid to 2021-06-30) lists
# 15 documents to repeal and 3 to revise: the 16th and 4th places are free.
RESULTS = csv_bytes(
    imports.CAMPAIGN_HEADERS,
    ["衢环发(2020)66号", "废止", "16", "衢环发[2019]99号", "关于表格导入的通知"],
    ["衢环发〔2020〕66号", "需修改", "4", "衢环发[2019]98号", "关于表格导入需修改的通知"])


def imports_audited() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT,
                                     model__startswith="regulations.").count()


def registry_counts() -> tuple[int, ...]:
    return (NormativeDocument.objects.count(), CampaignItem.objects.count(),
            StatusEvent.objects.count(), Organisation.objects.count(),
            ReconciliationReport.objects.count(), imports_audited())


@pytest.fixture
def bureau(client, make_staff):
    user = make_staff("scjg-import", "市场监管")
    client.force_login(user)
    return user


def test_a_documents_file_imports_once_and_a_second_time_changes_nothing(gazette):
    audited = imports_audited()
    first = imports.import_file(kind="documents", data=DOCUMENTS, filename="docs.csv")
    assert (first.rows, first.created, first.updated, first.unchanged) == (2, 1, 0, 1)
    new = NormativeDocument.objects.get(number="衢市监规〔2021〕3号")
    # 市市场监督管理局 is 衢州市市场监督管理局 (the seed's issuer of 衢市监规〔2020〕1号).
    assert (new.title, new.issuer.name, new.date, new.public) == (
        "关于表格导入测试的通知", "衢州市市场监督管理局", dt.date(2021, 3, 1), False)
    assert imports_audited() == audited + 1
    before = registry_counts()
    again = imports.import_file(kind="documents", data=DOCUMENTS, filename="docs.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert registry_counts()[:-1] == before[:-1]
    assert imports_audited() == audited + 2  # one run-level record per run


def test_a_campaign_results_file_changes_statuses_on_the_effective_date_once(gazette):
    first = imports.import_file(kind="campaign_results", data=RESULTS, filename="results.csv")
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    # Each new document: an undated 有效 baseline and the campaign's change (DOMAIN §3).
    assert first.events == 4
    repealed = NormativeDocument.objects.get(number="衢环发〔2019〕99号")
    revised = NormativeDocument.objects.get(number="衢环发〔2019〕98号")
    assert standing_on(repealed, dt.date(2020, 7, 31)).status == Status.IN_FORCE
    assert standing_on(repealed, dt.date(2020, 8, 1)).status == Status.REPEALED
    # 需修改: valid to the notice's deadline 2021-06-30, then lapses (衢环发〔2020〕66号).
    standing = standing_on(revised, dt.date(2020, 8, 1))
    assert (standing.status, standing.event.deadline) == (Status.TO_REVISE, dt.date(2021, 6, 30))
    before = registry_counts()
    again = imports.import_file(kind="campaign_results", data=RESULTS, filename="results.csv")
    assert (again.created, again.updated, again.unchanged, again.events) == (0, 0, 2, 0)
    assert registry_counts()[:-1] == before[:-1]


def test_an_exported_campaign_list_imported_back_changes_nothing(gazette):
    """衢市监规〔2020〕1号's 24 distinct documents (25 printed, 衢市监综〔2020〕9号 twice)."""
    exported = CampaignResultResource().export(
        queryset=CampaignItem.objects.filter(campaign__number=MARKET))
    assert exported.headers == imports.CAMPAIGN_HEADERS
    events, items = StatusEvent.objects.count(), CampaignItem.objects.count()
    result = imports.import_file(kind="campaign_results", data=exported.export("csv").encode(),
                                 filename="export.csv")
    assert (result.rows, result.created, result.updated, result.unchanged) == (24, 0, 0, 24)
    assert (StatusEvent.objects.count(), CampaignItem.objects.count()) == (events, items)


def test_document_export_holds_the_import_headers(gazette):
    exported = DocumentResource().export(queryset=NormativeDocument.objects.filter(
        number="衢政办发〔2020〕22号"))
    assert exported.headers == imports.DOCUMENT_HEADERS
    assert list(exported[0])[:2] == ["衢政办发〔2020〕22号",
                                     "衢州市人民政府办公室关于深化市区土地储备管理改革的实施意见"]


def refusal(kind: str, data: bytes) -> list:
    """The errors of a refused file; the refusal wrote nothing."""
    before = registry_counts()
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind=kind, data=data, filename="bad.csv")
    assert registry_counts() == before
    return refused.value.errors


def test_two_bad_document_rows_refuse_the_file_naming_both(gazette):
    data = csv_bytes(imports.DOCUMENT_HEADERS,
                     ["衢市监规〔2021〕3号", "关于表格导入测试的通知", "", "2021-03-01", ""],
                     ["衢市监规〔2021〕4号", "关于日期有误的通知", "", "2021-13-45", ""],
                     ["衢市监规〔2021〕5号", "关于公开发布有误的通知", "", "", "也许"],
                     ["衢市监规〔2021〕3号", "关于表格导入测试的通知", "", "", ""])
    errors = refusal("documents", data)
    assert [(e.line, e.column) for e in errors] == [(3, "成文日期"), (4, "公开发布"), (5, "文号")]
    assert "2021-13-45" in errors[0].message and "与第2行重复" in errors[2].message


def test_two_bad_campaign_rows_refuse_the_file_naming_both(gazette):
    data = csv_bytes(imports.CAMPAIGN_HEADERS,
                     ["衢环发〔2099〕1号", "废止", "1", "衢环发〔2019〕99号", "关于表格导入的通知"],
                     ["衢环发〔2020〕66号", "保留", "17", "衢环发〔2019〕97号", "关于表格导入的通知"],
                     # Listed 继续有效 first in 衢市监规〔2020〕1号: a recorded result is corrected
                     # on the 状态变更 screen, never by an import (issue 9 §4).
                     [MARKET, "废止", "9", "衢市监综〔2020〕9号", ""],
                     ["衢环发〔2020〕66号", "废止", "16", "衢环发〔2019〕96号", "关于表格导入的通知"])
    errors = refusal("campaign_results", data)
    assert [(e.line, e.column) for e in errors] == [(2, "清理文号"), (3, "清理结果"), (4, "清理结果")]
    assert "请先登记清理通知" in errors[0].message and "已登记为继续有效" in errors[2].message


def test_a_taken_list_place_is_a_bad_row(gazette):
    """继续有效 第1项 of 衢环发〔2020〕66号 is 衢环发〔2012〕166号 (the seed)."""
    first = CampaignItem.objects.get(campaign__number=ECOLOGY, outcome="continue", position=1)
    data = csv_bytes(imports.CAMPAIGN_HEADERS,
                     [ECOLOGY, "继续有效", "1", "衢环发〔2019〕95号", "关于表格导入的通知"])
    [error] = refusal("campaign_results", data)
    assert (error.line, error.column) == (2, "序号") and first.document.number in error.message


def test_county_staff_and_staff_without_the_permission_are_refused(gazette, make_staff, minzheng_user):
    before = registry_counts()
    county = make_staff("kc-scjg", "市场监管", region_code="330802")
    for kind, data in (("documents", DOCUMENTS), ("campaign_results", RESULTS)):
        with pytest.raises(AuthorityError, match="规范性文件库"):
            imports.import_file(kind=kind, data=data, filename="f.csv", actor=county)
        with pytest.raises(AuthorityError):
            imports.import_file(kind=kind, data=data, filename="f.csv", actor=minzheng_user)
    assert registry_counts() == before


def test_admin_preview_counts_and_writes_nothing_then_confirm_imports(gazette, client, bureau):
    url = reverse("admin:regulations_normativedocument_import")
    before = registry_counts()
    response = client.post(url, {"format": "0", "resource": "0",
                                 "import_file": SimpleUploadedFile("docs.csv", DOCUMENTS)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "规范性文件校验通过(未写入):2行,新增1,更新0,未变1" in page
    assert registry_counts() == before
    confirm = response.context["confirm_form"]
    done = client.post(reverse("admin:regulations_normativedocument_process_import"),
                       dict(confirm.initial.items()))
    assert done.status_code == 302
    assert done.url == reverse("admin:regulations_normativedocument_changelist")
    assert NormativeDocument.objects.get(number="衢市监规〔2021〕3号").issuer.name == "衢州市市场监督管理局"
    assert imports_audited() == before[-1] + 1


def test_admin_campaign_results_screen_previews_and_imports(gazette, client, bureau):
    url = reverse("admin:regulations_campaignitem_import")
    response = client.post(url, {"format": "0", "resource": "0",
                                 "import_file": SimpleUploadedFile("results.csv", RESULTS)})
    assert "清理结果校验通过(未写入):2行,新增2,更新0,未变0" in response.content.decode()
    assert not NormativeDocument.objects.filter(number="衢环发〔2019〕99号").exists()
    done = client.post(reverse("admin:regulations_campaignitem_process_import"),
                       dict(response.context["confirm_form"].initial.items()))
    assert done.status_code == 302
    assert CampaignItem.objects.get(campaign__number=ECOLOGY, outcome="repeal",
                                    position=16).document.number == "衢环发〔2019〕99号"


def test_admin_refusal_lists_every_bad_row(gazette, client, bureau):
    data = csv_bytes(imports.DOCUMENT_HEADERS, ["衢市监规〔2021〕4号", "关于日期有误的通知", "", "2021-13-45", ""],
                     ["/", "无文号", "", "", ""])
    response = client.post(reverse("admin:regulations_normativedocument_import"), {
        "format": "0", "resource": "0", "import_file": SimpleUploadedFile("docs.csv", data)})
    page = response.content.decode()
    assert "文件有2处错误,未导入任何数据" in page
    assert "<td>2</td><td>成文日期</td>" in page and "<td>3</td><td>文号</td>" in page
    assert response.context["confirm_form"] is None


def test_a_file_too_large_for_the_request_is_refused_in_chinese(gazette, client, bureau, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 100
    before = registry_counts()
    response = client.post(reverse("admin:regulations_normativedocument_import"), {
        "format": "0", "resource": "0", "import_file": SimpleUploadedFile("docs.csv", DOCUMENTS)},
        follow=True)
    assert "文件过大" in response.content.decode() and "分批导入" in response.content.decode()
    assert registry_counts() == before

