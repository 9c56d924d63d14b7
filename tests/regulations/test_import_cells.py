"""The registry's import cells read by core's one parser of each (issue 14 §1/§4: no copy of a
rule): 文号/清理文号 (``tabular.document_number``) and 公开发布 (``tabular.yes_no``) give the
awards import's messages word for word; every spelling the exports write or staff type
(是/否, 1/0, TRUE/FALSE, YES/NO) is read, so an exported list imports back unchanged; an
over-long 文件名称 is one bad cell (review finding 7); a file too large for the screen is
refused stating the limit (finding 6)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.awards import imports as awards_imports
from apps.core.tabular import ImportRejected
from apps.regulations import imports
from apps.regulations.models import NormativeDocument
from apps.regulations.resources import DocumentResource

from .conftest import ECOLOGY, csv_bytes

LONG_NUMBER = "衢" + "测" * 35 + "发〔2021〕1号"  # 机关代字 of 37 characters: the register holds 30


def errors_of(module, kind: str, data: bytes) -> dict[str, str]:
    with pytest.raises(ImportRejected) as refused:
        module.import_file(kind=kind, data=data, filename="bad.csv")
    return {e.column: e.message for e in refused.value.errors}


def test_the_registry_and_awards_say_the_same_about_the_same_bad_cells(gazette):
    registry = errors_of(imports, "documents", csv_bytes(
        imports.DOCUMENT_HEADERS,
        [LONG_NUMBER, "关于文号过长的通知", "", "", "也许"]))
    awards = errors_of(awards_imports, "decisions", csv_bytes(
        awards_imports.DECISION_HEADERS,
        [LONG_NUMBER, "关于文号过长的决定", "衢州市人民政府", "2021-02-01", "决定", "", "也许"]))
    assert registry["文号"] == awards["文号"] == f"“{LONG_NUMBER[:40]}”过长,不是文号"
    assert registry["公开发布"] == awards["公开发布"] == "应为“是”或“否”(或1/0),实际为“也许”"
    campaign = errors_of(imports, "campaign_results", csv_bytes(
        imports.CAMPAIGN_HEADERS, [LONG_NUMBER, "废止", "16", "衢环发〔2019〕99号", "关于清理文号过长"]))
    assert campaign["清理文号"] == registry["文号"]


def test_every_spelling_of_yes_and_no_is_read_and_blank_keeps_the_stored_value(gazette):
    """衢政办发〔2020〕22号 is published (the seed gazette prints it): a blank 公开发布 keeps it."""
    assert NormativeDocument.objects.get(number="衢政办发〔2020〕22号").public
    spellings = {"是": True, "TRUE": True, "yes": True, "1": True, "Y": True,
                 "否": False, "FALSE": False, "NO": False, "0": False, "不公开": False, "": False}
    rows = [[f"衢拼测发〔2021〕{n}号", f"关于公开发布写法{n}的通知", "", "", cell]
            for n, cell in enumerate(spellings, start=1)]
    known = NormativeDocument.objects.get(number="衢政办发〔2020〕22号")
    rows.append([known.number, known.title, "", "", ""])
    result = imports.import_file(kind="documents", data=csv_bytes(imports.DOCUMENT_HEADERS, *rows),
                                 filename="spellings.csv")
    assert (result.created, result.updated, result.unchanged) == (len(spellings), 0, 1)
    stored = dict(NormativeDocument.objects.filter(number__startswith="衢拼测发")
                  .values_list("number", "public"))
    assert {cell: stored[f"衢拼测发〔2021〕{n}号"] for n, cell in enumerate(spellings, start=1)} == spellings
    assert NormativeDocument.objects.get(number="衢政办发〔2020〕22号").public


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_exported_document_list_imports_back_unchanged(gazette, file_format):
    """The export writes 公开发布 as 1/0 (import-export's BooleanWidget)."""
    queryset = NormativeDocument.objects.filter(number__isnull=False).select_related("issuer")
    assert {True, False} <= set(queryset.values_list("public", flat=True))
    exported = DocumentResource().export(queryset=queryset)
    assert set(exported["公开发布"]) == {"1", "0"}
    data = exported.export(file_format)
    result = imports.import_file(kind="documents", data=data.encode() if isinstance(data, str) else data,
                                 filename=f"export.{file_format}")
    assert (result.created, result.updated, result.unchanged) == (0, 0, queryset.count())


def test_an_over_long_title_as_printed_is_one_bad_cell(gazette):
    printed = "关于" + "清" * 300 + "的通知"
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind="campaign_results", filename="long.csv", data=csv_bytes(
            imports.CAMPAIGN_HEADERS, [ECOLOGY, "废止", "16", "衢环发〔2019〕99号", printed]))
    assert [(e.line, e.column, e.message) for e in refused.value.errors] == [
        (2, "文件名称", "超过300个字符")]


def test_a_file_too_large_for_the_screen_is_refused_stating_the_limit(gazette, client, make_staff,
                                                                      settings):
    """Past IMPORT_INLINE_MAX_BYTES (here 0.25MB) or IMPORT_INLINE_MAX_ROWS the registry has no
    worker path: refused, the limit stated as the other screens state theirs, nothing read."""
    client.force_login(make_staff("scjg-cells", "市场监管"))
    settings.IMPORT_INLINE_MAX_BYTES = 256 * 1024
    rows = [[f"衢大测发〔2021〕{n}号", f"关于大文件导入测试第{n}号的通知" + "测" * 20, "", "", ""]
            for n in range(1, 3001)]
    data = csv_bytes(imports.DOCUMENT_HEADERS, *rows)
    assert 256 * 1024 < len(data) < 1024 * 1024
    url = reverse("admin:regulations_normativedocument_import")
    page = client.post(url, {"format": "0", "resource": "0",
                             "import_file": SimpleUploadedFile("docs.csv", data)}, follow=True)
    text = page.content.decode()
    assert "超过0.25MB的上限" in text and "分批导入" in text
    settings.IMPORT_INLINE_MAX_BYTES, settings.IMPORT_INLINE_MAX_ROWS = 1024 * 1024, 2
    page = client.post(url, {"format": "0", "resource": "0", "import_file": SimpleUploadedFile(
        "docs.csv", csv_bytes(imports.DOCUMENT_HEADERS, *rows[:3]))}, follow=True)
    assert "超过2行的上限" in page.content.decode()
    assert not NormativeDocument.objects.filter(number__startswith="衢大测发").exists()
