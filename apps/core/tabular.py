"""Reading staff files (CSV in UTF-8 or GBK, XLSX) with whole-file validation.

Domain imports share this contract: headers must match exactly; every bad row is
reported with its line number, column and a Chinese message; any error → nothing is
imported (the caller's transaction never starts).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line in the file; the header is line 1
    column: str
    message: str

    def __str__(self) -> str:
        column = f"“{self.column}”列" if self.column else ""
        return f"第{self.line}行{column}:{self.message}"


class ImportRejected(Exception):
    """The file had errors; nothing was imported."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"文件有{len(errors)}处错误,未导入任何数据")

    def report(self) -> str:
        return "\n".join([str(self), *(str(e) for e in self.errors)])


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK/GB18030 as saved by Excel on Chinese Windows."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected([RowError(1, "", "无法识别文件编码,请另存为UTF-8或GBK编码的CSV")])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime") and not isinstance(value, str):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def read_rows(data: bytes, filename: str, headers: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX file as ``(line, {header: text})``; headers must match exactly."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception:
            raise ImportRejected([RowError(1, "", "无法读取XLSX文件,文件可能已损坏")]) from None
        table = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    elif suffix in (".csv", ".txt", ""):
        table = [[_cell(v) for v in row] for row in csv.reader(io.StringIO(decode(data)))]
    else:
        raise ImportRejected([RowError(1, "", f"不支持的文件类型“{suffix}”,请使用CSV或XLSX")])
    while table and not any(table[-1]):
        table.pop()
    if not table:
        raise ImportRejected([RowError(1, "", "文件为空")])
    found = [h.strip() for h in table[0]]
    while found and not found[-1]:
        found.pop()
    if found != headers:
        raise ImportRejected([RowError(
            1, "", f"表头应为“{','.join(headers)}”,实际为“{','.join(found)}”"
        )])
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        if not any(raw):
            continue
        raw = list(raw) + [""] * (len(headers) - len(raw))
        rows.append((number, dict(zip(headers, raw[: len(headers)], strict=True))))
    return rows
