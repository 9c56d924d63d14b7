"""Awards staff pages (thin: selectors do the work); the API is ``api.py``."""

from __future__ import annotations

import io

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse

from apps.core import frame, params
from apps.core.exporting import XLSX_CONTENT_TYPE, attach, excel_sheet

from . import selectors
from .models import AwardKind


def _award_filters(request) -> tuple[int | None, str | None, str | None]:
    """year, award kind (value or label) and unit from the query; bad values are a 400."""
    year = params.integer(request.GET, "year", minimum=1949, maximum=2199)
    award = params.choice(request.GET, "award",
                          [k.label for k in AwardKind] + [k.value for k in AwardKind])
    return year, award, params.text(request.GET, "unit") or None


@staff_member_required
@permission_required("awards.view_recipient", raise_exception=True)
@params.page_params
def export_xlsx(request):
    """Recipients by year, award kind and unit as XLSX (?year=2020&award=个人三等功&unit=…)."""
    from openpyxl import Workbook

    year, award, unit = _award_filters(request)
    rows = selectors.recipients_filtered(year=year, award=award, unit=unit)
    book = Workbook(write_only=True)
    excel_sheet(book, "表彰名单",
                ["文号", "成文日期", "栏目", "奖励类别", "姓名/集体", "单位(原文)", "单位(规范名称)"],
                ([r.section.decision.number, r.section.decision.date, r.section.title,
                  r.section.get_award_display(), r.person_name or r.text, r.unit_text,
                  r.organisation.name if r.organisation else ""] for r in rows))
    excel_sheet(book, "按单位统计", ["单位", "合计", "其中个人"],
                ([line["organisation__name"] or "单位不详", line["total"], line["individuals"]]
                 for line in selectors.counts_per_unit(rows)))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    # e.g. 2020年个人三等功表彰名单.xlsx; built from validated filters (issue 11 §6, 12 §4).
    kind = dict(AwardKind.choices).get(award, award or "")
    name = f"{f'{year}年' if year else ''}{kind}表彰名单{f'-{unit}' if unit else ''}.xlsx"
    attach(response, name)
    return response


@staff_member_required
@permission_required("awards.view_recipient", raise_exception=True)
@params.page_params
def lists_page(request):
    """Honours by year, kind and unit, with counts per unit and an XLSX export of the same list."""
    year, award, unit = _award_filters(request)
    rows = selectors.recipients_filtered(year=year, award=award, unit=unit)
    return frame.render(request, "awards/lists.html", {
        "title": "表彰名单与统计", "year": year or "", "award": award or "", "unit": unit or "",
        "awards": [k.label for k in AwardKind], "rows": rows[:500], "total": rows.count(),
        "per_unit": selectors.counts_per_unit(rows), "query": request.GET.urlencode(),
    })
