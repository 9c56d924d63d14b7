"""Rolls and the upward report as CSV/XLSX (衢政办发〔2020〕20号 六、八)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from apps.core.exporting import excel_sheet, safe_row

from . import selectors
from .models import Category, Department, RollLine, SubsidyRun

ROLL_HEADERS = ["公民身份号码", "姓名", "区划代码", "类别", "发放部门", "金额", "备注"]
CATEGORY_LABELS = dict(Category.choices)
DEPARTMENT_LABELS = dict(Department.choices)


def roll_rows(run: SubsidyRun, *, user=None, region=None, department: str | None = None,
              masked: bool = False) -> Iterator[list[str]]:
    """One row per person paid in ``run``; 备注 is the policy's payment label (价格临时补贴)."""
    from apps.core import resident_id

    lines = RollLine.objects.filter(run=run)
    lines = selectors.scope_lines(lines, user)
    if region is not None:
        lines = lines.filter(region=region)
    if department:
        lines = lines.filter(department=department)
    label = run.policy.payment_label
    # Tuples, not three model instances per line (a county roll is tens of thousands of
    # lines: issue 13 §3's load mix spent most of its CPU here).
    rows = lines.order_by("region__code", "department", "id").values_list(
        "beneficiary__resident_id", "beneficiary__name", "region__code", "category", "department",
        "amount")
    for number, name, region_code, category, paying, amount in rows.iterator(chunk_size=5000):
        yield [resident_id.mask(number) if masked else number, name, region_code,
               CATEGORY_LABELS[category], DEPARTMENT_LABELS[paying], f"{amount:.2f}", label]


def write_table(target, headers: list[str], rows: Iterable[list], *, fmt: str,
                sheet: str = "发放名单") -> int:
    """Write ``rows`` as CSV (UTF-8 with BOM, header + rows) or XLSX for Excel (sheet ``sheet``,
    amounts numeric, a 合计 row; ``apps.core.exporting.excel_sheet``) to a path or binary file."""
    count = 0
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        count = excel_sheet(book, sheet, headers, rows)["rows"]
        book.save(target)
        return count
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(safe_row(row, numbers=False))
        count += 1
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(data)
    else:
        target.write(data)
    return count


def roll_filename(run: SubsidyRun, *, department: str | None = None, region=None,
                  fmt: str = "xlsx") -> str:
    """E.g. ``2020-06价格临时补贴发放名单-民政部门-柯城区.xlsx`` (issue 12 §4); an adjustment roll
    says which (调整1)."""
    kind = "" if run.sequence == 0 else f"(调整{run.sequence})"
    parts = [f"{run.month:%Y-%m}{run.policy.payment_label}发放名单{kind}",
             DEPARTMENT_LABELS.get(department, "全部发放部门") if department else "全部发放部门",
             region.name if region is not None else "全部区划"]
    return "-".join(parts) + f".{fmt}"


def report_filename(run: SubsidyRun) -> str:
    kind = "" if run.sequence == 0 else f"(调整{run.sequence})"
    return f"{run.month:%Y-%m}{run.policy.payment_label}上报表{kind}.xlsx"


def format_for(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"不支持的导出格式“{suffix}”,请使用 .csv 或 .xlsx")
    return suffix[1:]


def report_workbook(run: SubsidyRun, target, *, user=None) -> None:
    """上报表 (八: 人次和金额): sheets by category, region, department and universities."""
    from openpyxl import Workbook

    summary = selectors.run_summary(run, user=user)
    book = Workbook(write_only=True)
    excel_sheet(book, "汇总", ["月份", "是否启动", "补贴涨幅(%)", "状态", "人数", "金额(元)"],
                [[summary["month"], "是" if summary["triggered"] else "否", summary["rate"] or "",
                  run.get_status_display(), summary["persons"], summary["amount"]]],
                amounts=["金额(元)"], totals=False)
    for title, by in (("按类别", "category"), ("按区划", "region"), ("按发放部门", "department")):
        excel_sheet(book, title, [title[1:], "人数", "金额(元)"],
                    [[row["key"], row["persons"], row["amount"]]
                     for row in selectors.run_totals(run, user=user, by=by)],
                    amounts=["金额(元)"], counts=["人数"])
    excel_sheet(book, "高校伙食补贴", ["学校", "在校学生数", "金额(元)"],
                [[row["school"], row["students"], row["amount"]] for row in summary["universities"]],
                amounts=["金额(元)"], counts=["在校学生数"])
    book.save(target)
