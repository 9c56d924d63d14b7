"""Exports are data, never formulas (issue 11 §2, OWASP CSV injection).

One rule for every CSV/XLSX the system writes — admin import-export, rolls, the upward
report, awards, doctors, ``subsidy_export``: a text cell starting with ``=``, ``+``, ``-``,
``@``, tab or CR is written with a leading apostrophe, so a spreadsheet shows it as text and
never evaluates it; amounts stay numbers (negative adjustments included), so they still sum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from import_export.formats import base_formats

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Amounts (a fraction part) and small counts; long digit strings (certificate, phone and ID
# numbers) and codes with a leading zero stay text.
_NUMBER = re.compile(r"^-?(0|[1-9]\d{0,14})\.\d{1,6}$|^-?[1-9]\d{0,8}$|^0$")


def safe_cell(value, *, numbers: bool = True):
    """The value to write: numbers stay numbers; formula-like text becomes inert text.

    With ``numbers`` a text that is a plain decimal number (``-55.80``, as import-export
    renders amounts) is written as a number."""
    if not isinstance(value, str):
        return value
    if _NUMBER.match(value):
        return Decimal(value) if numbers else value
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row: Iterable, *, numbers: bool = True) -> list:
    return [safe_cell(value, numbers=numbers) for value in row]


def _neutralise(dataset, *, numbers: bool) -> None:
    rows = [safe_row(row, numbers=numbers) for row in dataset]
    headers = dataset.headers
    dataset.wipe()
    dataset.headers = headers
    for row in rows:
        dataset.append(row)


class SafeCSV(base_formats.CSV):
    """import-export's CSV with formula-like text neutralised."""

    def export_data(self, dataset, **kwargs):
        _neutralise(dataset, numbers=False)
        return super().export_data(dataset, **kwargs)


class SafeXLSX(base_formats.XLSX):
    """import-export's XLSX with formula-like text neutralised and amounts as numbers."""

    def export_data(self, dataset, **kwargs):
        _neutralise(dataset, numbers=True)
        return super().export_data(dataset, **kwargs)


EXPORT_FORMATS = [SafeCSV, SafeXLSX]
