"""A bureau's spreadsheet: blank cells for a known number keep the registered values, and a
blank 公开发布 means “not marked public” (it used to fail the row with a database error)."""

from __future__ import annotations

import datetime as dt

from apps.regulations import imports
from apps.regulations.models import NormativeDocument

from .conftest import csv_bytes

HEADERS = ["文号", "标题", "发文机关", "成文日期", "公开发布"]


def test_blank_cells_keep_the_registered_issuer_date_and_public_flag(registry):
    data = csv_bytes(HEADERS, ["衢政办发[2020]22 号", "衢州市人民政府办公室关于深化市区土地储备管理改革的实施意见",
                               "", "", ""])
    result = imports.import_file(kind="documents", data=data, filename="docs.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    doc = NormativeDocument.objects.get(number="衢政办发〔2020〕22号")
    assert (doc.issuer.name, doc.date, doc.public) == ("衢州市人民政府办公室", dt.date(2020, 6, 19), True)


def test_a_new_document_with_a_blank_public_cell_is_not_public(db):
    data = csv_bytes(HEADERS, ["衢环发[2021]9号", "关于空白单元格的通知", "", "", ""])
    assert imports.import_file(kind="documents", data=data, filename="docs.csv").created == 1
    assert NormativeDocument.objects.get(number="衢环发〔2021〕9号").public is False
