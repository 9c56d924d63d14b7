"""Issue 11 §2: every export writes data, never formulas; amounts stay numbers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import tablib
from django.contrib import admin
from openpyxl import load_workbook

from apps.core.exporting import SafeCSV, SafeXLSX, safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx",
                                  "=HYPERLINK(\"http://x\")"])
def test_formula_like_text_becomes_inert_text(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell(text, numbers=False) == "'" + text


def test_amounts_and_counts_stay_numbers_identifiers_stay_text():
    assert safe_cell("-55.80") == Decimal("-55.80")
    assert safe_cell("58.32") == Decimal("58.32") and safe_cell("3") == Decimal("3")
    assert safe_cell("-55.80", numbers=False) == "-55.80"  # CSV: a number Excel reads as such
    for identifier in ("0571", "13800000000", "110330800001", "330802********123X"):
        assert safe_cell(identifier) == identifier
    assert safe_cell(Decimal("-1.50")) == Decimal("-1.50") and safe_cell(None) is None


def test_admin_exports_use_the_safe_formats():
    exporting = [ma for ma in admin.site._registry.values() if hasattr(ma, "get_export_formats")]
    assert exporting
    for model_admin in exporting:
        for fmt in model_admin.get_export_formats():
            assert issubclass(fmt, (SafeCSV, SafeXLSX)), (model_admin, fmt)


def test_safe_formats_neutralise_a_dataset():
    def dataset():
        data = tablib.Dataset(headers=["姓名", "金额"])
        data.append(["=cmd|' /C calc'!A0", "-12.50"])
        return data

    book = load_workbook(io.BytesIO(SafeXLSX().export_data(dataset())))
    sheet = book.active
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0" and sheet["B2"].value == -12.5
    text = SafeCSV().export_data(dataset())
    assert "'=cmd" in text and "-12.50" in text
