"""Exports are data, never formulas (issue 11 §2, OWASP CSV injection); files people open in
Excel (issue 12 §4); download names by RFC 6266 (issue 11 §6).

One rule for every CSV/XLSX the system writes — admin import-export, rolls, the upward
report, awards, doctors, ``subsidy_export``: a text cell starting with ``=``, ``+``, ``-``,
``@``, tab or CR is written with a leading apostrophe, so a spreadsheet shows it as text and
never evaluates it; amounts stay numbers (negative adjustments included), so they still sum.

Every XLSX goes through ``excel_sheet``: a Chinese sheet name, the header in row 1 (frozen),
amounts as numbers shown with two decimals, widths from the content, and, where the sheet has
amounts, a last 合计 row holding numbers (never a formula). CSVs stay header + rows.
Every download's ``Content-Disposition`` comes from ``content_disposition`` (one helper):
``filename*=UTF-8''…`` for the Chinese name plus an ASCII ``filename=`` fallback, both built
from text with control characters, quotes and path separators removed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

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
    if not numbers:  # the number test only where it matters (a minus sign): CSV rolls' cells
        return "'" + value if value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value) else value
    if _NUMBER.match(value):
        return Decimal(value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row: Iterable, *, numbers: bool = True) -> list:
    return [safe_cell(value, numbers=numbers) for value in row]


# ---------------------------------------------------------------- download names (RFC 6266)

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|;,\'`]+')
_SPACES = re.compile(r"\s+")
MAX_NAME = 120


def safe_filename(text: str, *, default: str = "导出") -> str:
    """A file name from any text: no control characters (CR, LF, tab …), quotes, path
    separators or characters Windows refuses; spaces collapsed; at most ``MAX_NAME``
    characters, the extension kept."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = "".join(" " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in text)
    text = _SPACES.sub(" ", _UNSAFE_NAME.sub("_", text)).strip(" ._")
    if not text:
        return default
    stem, dot, ext = text.rpartition(".")
    if dot and stem and len(ext) <= 5 and ext.isascii() and ext.isalnum():
        return stem[: MAX_NAME - len(ext) - 1].rstrip(" ._") + "." + ext.lower()
    return text[:MAX_NAME]


def ascii_filename(name: str) -> str:
    """The ASCII fallback for old clients: what survives of ``name`` in ASCII, or
    ``download.<ext>`` when nothing meaningful does."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._-")
    plain = re.sub(r"_+", "_", plain)
    if not re.search(r"[A-Za-z0-9]", plain):
        plain = "download"
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)
    return f"{plain}.{ext}" if ext else plain


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>`` (RFC 6266 §4.3,
    RFC 8187): the one way every download is named (issue 11 §6: no header injection)."""
    name = safe_filename(filename)
    encoded = quote(name, safe="!#$&+-.^_`|~")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{encoded}"


def attach(response, filename: str):
    """Name ``response``'s download (``content_disposition``); returns the response."""
    response["Content-Disposition"] = content_disposition(filename)
    return response


# ---------------------------------------------------------------- XLSX for Excel (issue 12 §4)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT_FORMAT = "#,##0.00"
_AMOUNT_HEADER = re.compile(r"金额|[(（]元[)）]|补贴标准|低保标准|保险金标准")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_WIDTH_SAMPLE = 200


def sheet_title(text: str, *, default: str = "数据") -> str:
    """A valid Excel sheet name (≤ 31 characters, none of ``[]:*?/\\``)."""
    title = _BAD_SHEET.sub("_", safe_filename(text, default=default)).strip("'")
    return title[:31] or default


def is_amount_header(header) -> bool:
    return bool(_AMOUNT_HEADER.search(str(header or "")))


def _amount(value):
    if value is None or value == "":
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    try:
        return Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return value


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, (Decimal, float)):
        text = f"{value:,.2f}"
    elif isinstance(value, (dt.date, dt.datetime)):
        text = "2020-06-01"
    else:
        text = str(value)
    # CJK characters take two columns in Excel.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def excel_sheet(book, title: str, headers: Sequence[str], rows: Iterable[Sequence], *,
                amounts: Iterable[str] | None = None, counts: Iterable[str] = (),
                totals: bool | None = None, totals_label: str = "合计") -> dict:
    """Write one sheet for Excel into ``book`` (an openpyxl ``Workbook``, write-only or not).

    Header in row 1 and frozen; text neutralised (``safe_row``) and kept as text; ``amounts`` (header names;
    by default those that read as money, e.g. 金额 or (元)) as numbers with two decimals;
    widths from the header and the first rows; with amounts (or ``totals=True``) a last row
    ``totals_label`` holding the sums of the amounts and of ``counts`` (whole numbers, e.g.
    人数) as numbers, not formulas. Returns ``{"rows": n,
    "totals": {header: sum}}``."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    headers = [str(h) for h in headers]
    money = ([i for i, h in enumerate(headers) if h in set(amounts)] if amounts is not None
             else [i for i, h in enumerate(headers) if is_amount_header(h)])
    counted = [i for i, h in enumerate(headers) if h in set(counts) and i not in money]
    want_totals = bool(money) if totals is None else totals
    sums = {i: Decimal("0") for i in money}
    whole = {i: 0 for i in counted}
    if getattr(book, "write_only", False):
        sheet = book.create_sheet(sheet_title(title))
    else:
        fresh = (len(book.worksheets) == 1 and book.worksheets[0].max_row == 1
                 and book.worksheets[0]["A1"].value is None)
        sheet = book.worksheets[0] if fresh else book.create_sheet()
        sheet.title = sheet_title(title)
    bold = Font(bold=True)

    def cells(values, *, strong=False):
        out = []
        for i, value in enumerate(values):
            cell = WriteOnlyCell(sheet, value=value)
            if i in sums and isinstance(value, (Decimal, int, float)):
                cell.number_format = AMOUNT_FORMAT
            if strong:
                cell.font = bold
            out.append(cell)
        return out

    def prepared(row):
        # Text stays text (region codes, certificate numbers); amounts and counts are numbers.
        values = safe_row(row, numbers=False)
        values += [None] * (len(headers) - len(values))
        for i in money:
            values[i] = _amount(values[i])
            if isinstance(values[i], Decimal):
                sums[i] += values[i]
        for i in counted:
            value = _amount(values[i])
            if isinstance(value, Decimal):
                values[i] = int(value) if value == value.to_integral_value() else value
                whole[i] += values[i]
        return values

    iterator = iter(rows)
    sample = []
    for row in iterator:
        sample.append(prepared(row))
        if len(sample) >= _WIDTH_SAMPLE:
            break
    for i, header in enumerate(headers):
        widest = max([_width(header) + 2, *(_width(r[i]) + 2 for r in sample if i < len(r))])
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(max(widest, 8), 60)
    sheet.freeze_panes = "A2"
    count = 0
    sheet.append(cells(headers, strong=True))
    for values in sample:
        sheet.append(cells(values))
        count += 1
    for row in iterator:
        sheet.append(cells(prepared(row)))
        count += 1
    if want_totals:
        line = [None] * len(headers)
        line[0] = totals_label
        for i, total in (*sums.items(), *whole.items()):
            line[i] = total
        if 0 in sums or 0 in whole:  # a number in the first column: no room for the label
            line[0] = sums.get(0, whole.get(0))
        sheet.append(cells(line, strong=True))
    return {"rows": count,
            "totals": {headers[i]: total for i, total in (*sums.items(), *whole.items())}}


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence], **kwargs) -> bytes:
    """A one-sheet workbook for Excel (``excel_sheet``) as bytes."""
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    excel_sheet(book, title, headers, rows, **kwargs)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _neutralise(dataset, *, numbers: bool) -> None:
    rows = [safe_row(row, numbers=numbers) for row in dataset]
    headers = dataset.headers
    dataset.wipe()
    dataset.headers = headers
    for row in rows:
        dataset.append(row)


class SafeCSV(base_formats.CSV):
    """import-export's CSV with formula-like text neutralised; header + rows, nothing else."""

    def export_data(self, dataset, **kwargs):
        _neutralise(dataset, numbers=False)
        return super().export_data(dataset, **kwargs)


class SafeXLSX(base_formats.XLSX):
    """import-export's XLSX for Excel (``excel_sheet``): formula-like text neutralised, a
    Chinese sheet name (``sheet_title``, set by the admin; never "Tablib Dataset"), amounts
    as numbers with two decimals and a 合计 row."""

    sheet_title = ""

    def export_data(self, dataset, **kwargs):
        title = self.sheet_title or (dataset.title if dataset.title else "") or "数据"
        return xlsx_bytes(title, [str(h) for h in dataset.headers or []], list(dataset))


EXPORT_FORMATS = [SafeCSV, SafeXLSX]
IMPORT_FORMATS = [base_formats.CSV, base_formats.XLSX]
# What the format choosers show (``get_title`` stays tablib's key): the format's own name.
FORMAT_LABELS = {"csv": "CSV 文件", "xlsx": "Excel (XLSX)", "xls": "Excel 97-2003 (XLS)",
                 "tsv": "TSV 文件", "json": "JSON 文件", "yaml": "YAML 文件", "html": "HTML 文件",
                 "ods": "OpenDocument 表格 (ODS)"}


def format_label(fmt) -> str:
    title = fmt().get_title() if isinstance(fmt, type) else fmt.get_title()
    return FORMAT_LABELS.get(title, title)


def install_admin_exports() -> None:
    """Every admin export (django-import-export) in Chinese and for Excel (issue 12 §4) and
    named by RFC 6266 (issue 11 §6): called once from ``CoreConfig.ready``.

    - the field chooser lists the columns as the file names them (``column_name``, else the
      model field's ``verbose_name``), the choosers are labelled 导出内容 / 文件格式;
    - a resource without a ``Meta.name`` is shown by its model's Chinese plural name;
    - the file is ``<admin.export_name or verbose_name_plural>-<date>.<ext>``, its sheet
      ``admin.export_sheet or verbose_name_plural``; an admin may override
      ``get_export_filename(request, queryset, file_format)`` (the roll does);
    - the ``Content-Disposition`` header comes from ``content_disposition``."""
    from django.http import HttpResponse
    from django.utils import timezone
    from import_export import admin as ie_admin
    from import_export import forms as ie_forms
    from import_export import resources as ie_resources
    from import_export.signals import post_export

    if getattr(ie_admin.ExportMixin, "qzgov_installed", False):
        return

    class ChineseExportForm(ie_forms.SelectableFieldsExportForm):
        def __init__(self, formats, resources, **kwargs):
            super().__init__(formats, resources, **kwargs)
            self.fields["resource"].label = "导出内容"
            self.fields["format"].label = "文件格式"

        def _get_field_label(self, resource, field_name: str) -> str:
            field = resource.fields.get(field_name)
            if field is not None and field.column_name and field.column_name != field_name:
                return str(field.column_name)
            model = getattr(resource._meta, "model", None)
            if model is not None:
                try:
                    return str(model._meta.get_field(field_name).verbose_name)
                except Exception:  # a resource-only field: its own name
                    pass
            return str(field.column_name if field is not None else field_name)

    ie_admin.ExportMixin.export_form_class = ChineseExportForm

    def _init_formats(self, formats):
        original_formats(self, formats)
        field = self.fields["format"]
        field.choices = [(key, FORMAT_LABELS.get(str(label), label)) for key, label in field.choices]
        if len(formats) == 1:
            field.value = format_label(formats[0])

    original_formats = ie_forms.ImportExportFormBase._init_formats
    ie_forms.ImportExportFormBase._init_formats = _init_formats

    original_name = ie_resources.ModelResource.get_display_name.__func__

    def get_display_name(cls):
        model = getattr(cls._meta, "model", None)
        if getattr(cls._meta, "name", None) is None and model is not None:
            return str(model._meta.verbose_name_plural)
        return original_name(cls)

    ie_resources.ModelResource.get_display_name = classmethod(get_display_name)

    def export_title(admin) -> str:
        return str(getattr(admin, "export_name", "") or admin.model._meta.verbose_name_plural)

    def get_export_filename(self, request, queryset, file_format):
        return f"{export_title(self)}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        if isinstance(file_format, SafeXLSX):
            file_format.sheet_title = str(getattr(self, "export_sheet", "") or export_title(self))
        data = self.get_export_data(file_format, request, queryset, encoding=self.to_encoding,
                                    export_form=export_form)
        response = HttpResponse(data, content_type=file_format.get_content_type())
        attach(response, self.get_export_filename(request, queryset, file_format))
        post_export.send(sender=None, model=self.model)
        return response

    ie_admin.ExportMixin.get_export_filename = get_export_filename
    ie_admin.ExportMixin._do_file_export = _do_file_export
    install_import_templates(ie_admin.ImportMixin)
    ie_admin.ExportMixin.qzgov_installed = True


def import_headers(model_admin, request, resource_class) -> list[str]:
    """The exact headers an admin import expects from ``resource_class``: what its import
    screen lists (the resource's visible fields by column name)."""
    resource = resource_class(**model_admin.get_import_resource_kwargs(request))
    return [str(field.column_name) for field in resource.get_user_visible_fields()]


def template_file(title: str, headers: Sequence[str], fmt: str):
    """An empty import template: the header row only (CSV in UTF-8 with BOM, or XLSX for
    Excel with a frozen header), named ``<title>导入模板.<fmt>``."""
    import csv
    import io

    from django.http import HttpResponse

    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(title, headers, [], totals=False),
                                content_type=XLSX_CONTENT_TYPE)
    else:
        buffer = io.StringIO()
        csv.writer(buffer).writerow(headers)
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"),
                                content_type="text/csv; charset=utf-8")
    return attach(response, f"{title}导入模板.{fmt}")


def install_import_templates(import_mixin) -> None:
    """Each admin import screen lists its exact headers and offers the header row as a
    template to download, XLSX and CSV (issue 12 §4): ``import/template/<n>.<fmt>`` for the
    screen's n-th import resource, shown by ``admin/qzgov_import.html``."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.urls import path

    original_urls = import_mixin.get_urls

    def import_template_view(self, request, index: int, fmt: str):
        if not self.has_import_permission(request):
            raise PermissionDenied
        classes = list(self.get_import_resource_classes(request))
        if fmt not in ("csv", "xlsx") or not 0 <= index < len(classes):
            raise Http404("没有这个导入模板")
        resource_class = classes[index]
        title = re.split(r"[(（]", str(resource_class.get_display_name()))[0]
        return template_file(title,
                             import_headers(self, request, resource_class), fmt)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(
            lambda request, index, fmt: import_template_view(self, request, index, fmt))
        return [path("import/template/<int:index>.<str:fmt>", view,
                     name="{}_{}_import_template".format(*info)), *original_urls(self)]

    import_mixin.get_urls = get_urls
    if import_mixin.import_template_name == "admin/import_export/import.html":
        import_mixin.import_template_name = "admin/qzgov_import.html"
