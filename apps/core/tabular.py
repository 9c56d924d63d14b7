"""Reading staff files (CSV in UTF-8 or GBK, XLSX) with whole-file validation.

Domain imports share this contract: headers must match exactly; every bad row is
reported with its line number, column and a Chinese message; any error → nothing is
imported (the caller's transaction never starts).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# Bounded uploads (issue 11 §3); each limit can be set in settings.
MAX_BYTES = 20 * 1024 * 1024          # IMPORT_MAX_BYTES: the file as uploaded
MAX_ROWS = 500_000                    # IMPORT_MAX_ROWS: data rows, header excluded
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # IMPORT_MAX_XLSX_UNPACKED: an XLSX unzipped (zip bombs)
MAX_FIELD = 1000                      # IMPORT_MAX_FIELD: characters in one cell


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


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


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}MB"


def _bounded(rows, max_rows: int) -> list[list[str]]:
    """At most header + ``max_rows`` rows; one more is refused before it is all read."""
    table = []
    for row in rows:
        table.append([_cell(v) for v in row])
        if len(table) > max_rows + 1:
            raise ImportRejected([RowError(len(table), "", f"文件超过{max_rows}行数据的上限,请分批导入")])
    return table


def _xlsx_rows(data: bytes):
    """The active sheet's rows, read-only, after checking the unzipped size (zip-bomb safe)."""
    from openpyxl import load_workbook

    unpacked_limit = _limit("IMPORT_MAX_XLSX_UNPACKED", MAX_XLSX_UNPACKED)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > unpacked_limit:
            raise ImportRejected([RowError(1, "", f"XLSX解压后{_mb(unpacked)},超过{_mb(unpacked_limit)}"
                                                  "的上限,请删除无关工作表或分批导入")])
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportRejected:
        raise
    except Exception:
        raise ImportRejected([RowError(1, "", "无法读取XLSX文件,文件可能已损坏")]) from None
    return book.active.iter_rows(values_only=True)


def read_rows(data: bytes, filename: str, headers: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX file as ``(line, {header: text})``; headers must match exactly.

    Bounded (issue 11 §3): the file size, the number of rows, an XLSX's unzipped size and the
    length of a cell have limits; past one the file is refused with a Chinese message."""
    suffix = Path(filename).suffix.lower()
    max_bytes = _limit("IMPORT_MAX_BYTES", MAX_BYTES)
    if len(data) > max_bytes:
        raise ImportRejected([RowError(1, "", f"文件大小{_mb(len(data))}超过{_mb(max_bytes)}的上限,请分批导入")])
    max_rows = _limit("IMPORT_MAX_ROWS", MAX_ROWS)
    if suffix in (".xlsx", ".xlsm"):
        table = _bounded(_xlsx_rows(data), max_rows)
    elif suffix in (".csv", ".txt", ""):
        reader = csv.reader(io.StringIO(decode(data)))
        try:
            table = _bounded(reader, max_rows)
        except csv.Error:
            raise ImportRejected([RowError(reader.line_num, "", "CSV格式错误(引号不配对或单元格过长)")]) from None
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
    too_long = []
    max_field = _limit("IMPORT_MAX_FIELD", MAX_FIELD)
    for number, raw in enumerate(table[1:], start=2):
        if not any(raw):
            continue
        raw = list(raw) + [""] * (len(headers) - len(raw))
        row = dict(zip(headers, raw[: len(headers)], strict=True))
        too_long += [RowError(number, header, f"内容超过{max_field}个字符")
                     for header, value in row.items() if len(value) > max_field]
        rows.append((number, row))
    if too_long:
        raise ImportRejected(too_long[:200])
    return rows
