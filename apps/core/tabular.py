"""Reading staff files (CSV in UTF-8 or GBK, XLSX) with whole-file validation.

Domain imports share this contract: headers must match exactly; every bad row is
reported with its line number, column and a Chinese message; any error → nothing is
imported (the caller's transaction never starts).

Issue 12 §6: an XLSX is read from the sheet whose header row matches (blank or extra sheets
are skipped); a cell typed with full-width digits or letters (“３３０８０２”, “Ｈ００１”) is
read as its half-width form (NFKC) when that leaves plain ASCII — identifiers, codes,
amounts, dates — and an error on a cell that held full-width characters says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import models

from .docnumbers import DocumentNumber, InvalidDocumentNumber

# Bounded uploads (issue 11 §3); each limit can be set in settings.
MAX_BYTES = 20 * 1024 * 1024          # IMPORT_MAX_BYTES: the file as uploaded
MAX_ROWS = 500_000                    # IMPORT_MAX_ROWS: data rows, header excluded
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # IMPORT_MAX_XLSX_UNPACKED: an XLSX unzipped (zip bombs)
MAX_FIELD = 1000                      # IMPORT_MAX_FIELD: characters in one cell


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# Characters a message may quote from a cell that would break its one line (a report line,
# a job record: PostgreSQL's jsonb refuses NUL): shown as a space.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line in the file; the header is line 1
    column: str
    message: str

    def __post_init__(self):
        object.__setattr__(self, "message", _UNPRINTABLE.sub(" ", str(self.message)))

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

    @property
    def header_only(self) -> bool:
        """True when the only error is the header row (it may be on a later XLSX line)."""
        return len(self.errors) == 1 and self.errors[0].message.startswith("表头应为")


# Full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space, as typed by a Chinese IME.
FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


class Cells(dict):
    """One row's cells by header; ``raw`` keeps the text as typed of each cell that held
    full-width characters (normalised or not), for the error hint."""

    raw: dict[str, str]

    def __init__(self, *args, raw: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.raw = raw or {}


_LONG_NUMBER = re.compile(r"[0-9０-９]{6}[0-9０-９Xx＊*]{8,}")


def _no_numbers(text: str) -> str:
    """A header row that is really a data row (no header in the file) would quote a person's
    ID number in the error: long digit runs are masked (DOMAIN §0; the message may be kept
    on a job record)."""
    return _LONG_NUMBER.sub(lambda m: m.group()[:6] + "*" * (len(m.group()) - 10)
                            + m.group()[-4:], text)


def normalise(value: str) -> str:
    """A cell as read: full-width digits and letters in an identifier, code, amount or date
    become half-width (Unicode NFKC) when the whole cell is then plain ASCII; text with
    Chinese characters (names, organisations) is kept as typed."""
    if not value or value.isascii():
        return value
    folded = unicodedata.normalize("NFKC", value).strip()
    return folded if folded.isascii() else value


def width_hint(raw: str, value: str) -> str:
    """The 全角/半角 remark for an error on a cell typed as ``raw`` and read as ``value``."""
    if not FULL_WIDTH.search(raw):
        return ""
    if raw != value:
        return "(原文含全角字符,已按半角读取)"
    wide = "".join(dict.fromkeys(FULL_WIDTH.findall(raw)))
    return f"(含全角字符“{wide}”,请改为半角输入)"


def width_hints(errors: list[RowError], rows) -> list[RowError]:
    """``errors`` with the 全角/半角 remark added to each error about a cell of ``rows`` (as
    returned by ``read_rows``) that held full-width characters."""
    raw = {line: cells for line, cells in rows if getattr(cells, "raw", None)}
    hinted = []
    for error in errors:
        cells = raw.get(error.line)
        hint = width_hint(cells.raw[error.column], cells.get(error.column, "")) \
            if cells is not None and error.column in cells.raw else ""
        hinted.append(RowError(error.line, error.column, error.message + hint) if hint
                      and hint not in error.message else error)
    return hinted


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


def megabytes(size: int) -> str:
    """A size as the limits are stated to staff: 20MB, 0.25MB, 1.23MB."""
    return f"{size / 1024 / 1024:.2f}".rstrip("0").rstrip(".") + "MB"


def _bounded(rows, max_rows: int) -> list[list[str]]:
    """At most header + ``max_rows`` rows; one more is refused before it is all read."""
    table = []
    for row in rows:
        table.append([_cell(v) for v in row])
        if len(table) > max_rows + 1:
            raise ImportRejected([RowError(len(table), "", f"文件超过{max_rows}行数据的上限,请分批导入")])
    return table


def _blank(row) -> bool:
    return not any(v not in (None, "") and str(v).strip() for v in row)


def _header(row) -> list[str]:
    found = [_cell(v) for v in row]
    while found and not found[-1]:
        found.pop()
    return found


def _xlsx_table(data: bytes, headers: list[str], max_rows: int) -> tuple[list[list[str]], int, str]:
    """The rows of the first sheet whose first non-blank row is ``headers``, that row's line
    number and the sheet's name; blank sheets and sheets with other headers (notes, a pivot)
    are skipped. Read-only, after checking the unzipped size (zip-bomb safe). No sheet
    matching → the first non-blank sheet's header row, which the caller reports."""
    from openpyxl import load_workbook

    unpacked_limit = _limit("IMPORT_MAX_XLSX_UNPACKED", MAX_XLSX_UNPACKED)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > unpacked_limit:
            raise ImportRejected([RowError(1, "", f"XLSX解压后{megabytes(unpacked)},超过{megabytes(unpacked_limit)}"
                                                  "的上限,请删除无关工作表或分批导入")])
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportRejected:
        raise
    except Exception:
        raise ImportRejected([RowError(1, "", "无法读取XLSX文件,文件可能已损坏")]) from None
    fallback: tuple[list[list[str]], int, str] = ([], 1, "")
    try:
        for sheet in book.worksheets:
            rows = iter(sheet.iter_rows(values_only=True))
            first = 1
            for row in rows:
                if not _blank(row):
                    break
                first += 1
            else:
                continue  # a blank sheet
            if _header(row) == headers:
                return _bounded(_chain(row, rows), max_rows), first, sheet.title
            if not fallback[0]:
                fallback = ([[_cell(v) for v in row]], first, sheet.title)
    finally:
        book.close()
    return fallback


def _chain(first, rest):
    yield first
    yield from rest


def read_rows(data: bytes, filename: str, headers: list[str]) -> list[tuple[int, Cells]]:
    """Rows of a CSV or XLSX file as ``(line, {header: text})``; headers must match exactly.

    Bounded (issue 11 §3): the file size, the number of rows, an XLSX's unzipped size and the
    length of a cell have limits; past one the file is refused with a Chinese message.
    An XLSX is read from its first sheet whose first non-blank row is the header (line
    numbers are the sheet's row numbers); cells are ``normalise``d (full-width → half-width)."""
    suffix = Path(filename).suffix.lower()
    max_bytes = _limit("IMPORT_MAX_BYTES", MAX_BYTES)
    if len(data) > max_bytes:
        raise ImportRejected([RowError(1, "", f"文件大小{megabytes(len(data))}超过{megabytes(max_bytes)}的上限,请分批导入")])
    max_rows = _limit("IMPORT_MAX_ROWS", MAX_ROWS)
    first, sheet = 1, ""
    if suffix in (".xlsx", ".xlsm"):
        table, first, sheet = _xlsx_table(data, headers, max_rows)
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
    found = _header(table[0])
    if found != headers:
        where = f"(工作表“{sheet}”)" if sheet else ""
        raise ImportRejected([RowError(
            first, "", f"表头应为“{','.join(headers)}”,实际为“{_no_numbers(','.join(found))}”{where}"
        )])
    rows = []
    too_long = []
    max_field = _limit("IMPORT_MAX_FIELD", MAX_FIELD)
    for number, raw in enumerate(table[1:], start=first + 1):
        if not any(raw):
            continue
        raw = list(raw) + [""] * (len(headers) - len(raw))
        typed = dict(zip(headers, raw[: len(headers)], strict=True))
        too_long += [RowError(number, header, f"内容超过{max_field}个字符")
                     for header, value in typed.items() if len(value) > max_field]
        row = Cells({header: normalise(value) for header, value in typed.items()},
                    raw={header: value for header, value in typed.items() if FULL_WIDTH.search(value)})
        rows.append((number, row))
    if too_long:
        raise ImportRejected(too_long[:200])
    return rows


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")


class RowChecker:
    """The one row checker of the whole-file imports (issue 14 §4): converts cells and
    collects every bad cell of the file as ``RowError`` (line, column, Chinese message);
    ``finish()`` refuses the file when any was found, so nothing is written (issue 3 §4).

    Cells are read either through the file-wide methods (``text(line, row, column)``) or
    through a row bound to its line (``row(line, cells).text(column)``); both are the same
    code. Apps subclass it for their own cells (a region code, a month, a doctor)."""

    def __init__(self, errors: list[RowError] | None = None):
        self.errors: list[RowError] = [] if errors is None else errors

    def add(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))

    def row(self, line: int, cells: dict[str, str]) -> CheckedRow:
        return CheckedRow(self, line, cells)

    def text(self, line: int, row: dict[str, str], column: str) -> str | None:
        """The cell, stripped; a blank cell is a bad cell ("不能为空") and reads as None."""
        return self.row(line, row).text(column) or None

    def date(self, line: int, row: dict[str, str], column: str) -> dt.date | None:
        return self.row(line, row).date(column)

    def decimal(self, line: int, row: dict[str, str], column: str, *,
                allow_negative: bool = False) -> Decimal | None:
        return self.row(line, row).decimal(column, allow_negative=allow_negative)

    def duplicate(self, seen: dict, key, line: int, column: str, what: str) -> bool:
        """True (and a bad cell naming the earlier line) when ``key`` was seen before."""
        if key in seen:
            self.add(line, column, f"与第{seen[key]}行重复({what})")
            return True
        seen[key] = line
        return False

    def finish(self) -> None:
        if self.errors:
            raise ImportRejected(sorted(self.errors, key=lambda e: (e.line, e.column)))


class CheckedRow:
    """One line of a file under a ``RowChecker``: its bad cells go to the checker's list;
    ``ok`` stays True while this row has none."""

    def __init__(self, checker: RowChecker, line: int, cells: dict[str, str]):
        self.checker, self.line, self.cells, self.ok = checker, line, cells, True

    @property
    def errors(self) -> list[RowError]:
        return self.checker.errors

    def error(self, column: str, message: str) -> None:
        self.checker.add(self.line, column, message)
        self.ok = False

    def check(self, columns: dict[str, str], check, **kwargs) -> bool:
        """Run a ``services.*_check`` (issue 14 §1: the rule lives in the service); each
        ``ValidationError`` lands in the column of its ``code`` (the field it is about), else
        in ``columns[""]``. True when the row passed."""
        from django.core.exceptions import ValidationError

        try:
            check(**kwargs)
        except ValidationError as exc:
            for error in exc.error_list:
                self.error(columns.get(error.code or "", columns[""]), error.messages[0])
            return False
        return True

    def text(self, column: str) -> str:
        value = self.cells[column].strip()
        if not value:
            self.error(column, "不能为空")
        return value

    def date(self, column: str) -> dt.date | None:
        value = self.text(column)
        if not value:
            return None
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        self.error(column, f"“{value}”不是有效日期(应为YYYY-MM-DD)")
        return None

    def decimal(self, column: str, *, allow_negative: bool = False) -> Decimal | None:
        """An amount or rate: thousands separators and a trailing % allowed, at most two
        decimals, finite and below 10¹⁰, not negative unless ``allow_negative``."""
        value = self.text(column)
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", "").rstrip("%"))
        except InvalidOperation:
            self.error(column, f"“{value}”不是数字")
            return None
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            self.error(column, f"“{value}”不是有效数字")
            return None
        if not allow_negative and number < 0:
            self.error(column, f"不能为负数(“{value}”)")
            return None
        if number.as_tuple().exponent < -2:
            self.error(column, f"“{value}”最多两位小数")
            return None
        return number


# --- pieces the whole-file imports of awards and personnel share -------------------------

@dataclass
class ImportCounts:
    """What one import did (or, as a dry run, would do): rows read, created, updated, 未变."""

    label: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    messages: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.rows - self.created - self.updated

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged}

    def __str__(self) -> str:
        verb = "校验通过(未写入)" if self.dry_run else "已导入"
        return (f"{self.label}{verb}:{self.rows}行,新增{self.created},更新{self.updated},"
                f"未变{self.unchanged}")


def fits(row: CheckedRow, column: str, value: str, model: type[models.Model],
         name: str) -> bool:
    """The cell fits the model field (its ``max_length``), else a bad cell."""
    longest = model._meta.get_field(name).max_length
    if longest is not None and len(value) > longest:
        row.error(column, f"超过{longest}个字符")
        return False
    return True


def document_number(row: CheckedRow, column: str = "文号") -> DocumentNumber | None:
    """A 文号 cell (文号, 清理文号) parsed in any bracket form (``DocumentNumber.parse``:
    衢环发(2020)66 号 ≡ 衢环发〔2020〕66号), or a bad cell: blank, not a number, or longer
    than the registers hold (60 characters, 机关代字 30). The one reading of every import's
    文号 cell (awards, personnel, the registry; issue 14 §1)."""
    text = row.text(column)
    if not text:
        return None
    try:
        parts = DocumentNumber.parse(text)
    except InvalidDocumentNumber as exc:
        row.error(column, str(exc))
        return None
    if len(str(parts)) > 60 or len(parts.issuer) > 30:
        row.error(column, f"“{text[:40]}”过长,不是文号")
        return None
    return parts


# A yes/no cell as staff type it and as the exports write it (import-export's BooleanWidget
# writes 1/0; an XLSX boolean cell reads TRUE/FALSE), compared without case.
YES = frozenset({"是", "公开", "1", "true", "yes", "y"})
NO = frozenset({"否", "不公开", "0", "false", "no", "n"})


def yes_no(row: CheckedRow, column: str, *, blank: bool | None) -> bool | None:
    """A 是/否 cell (公开发布): 是/否, 1/0, TRUE/FALSE, YES/NO (any case) read as True/False; a
    blank cell reads as ``blank`` — each caller says what blank means (None: keep the stored
    value, the registry and awards, 6e26a86); anything else is a bad cell (and reads None)."""
    value = row.cells[column].strip()
    if not value:
        return blank
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    row.error(column, f"应为“是”或“否”(或1/0),实际为“{value[:20]}”")
    return None
