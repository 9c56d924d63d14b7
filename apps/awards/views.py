"""Awards API and staff pages (thin: selectors do the work)."""

from __future__ import annotations

import io

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse

from apps.core import frame, params
from apps.core.api import ApiError, api_view
from apps.core.docnumbers import InvalidDocumentNumber
from apps.core.exporting import XLSX_CONTENT_TYPE, attach, excel_sheet

from . import selectors
from .models import AwardKind


@api_view(permission="awards.view_recipient")
def honours_api(request):
    """GET /api/awards/honours?person=<name>[&unit=<unit>] — a person's or a unit's honours."""
    person = params.text(request.GET, "person")
    unit = params.text(request.GET, "unit")
    if not person and not unit:
        raise ApiError("请提供 person(姓名)或 unit(单位)参数")
    return [selectors.honour_row(r) for r in selectors.honours(person=person, unit=unit or None)]


@api_view(permission="awards.view_decision")
def decision_api(request, number: str):
    """GET /api/awards/decisions/<number> — the number in any bracket form."""
    number = number.replace("\x00", "\ufffd")
    try:
        decision = selectors.decision_by_number(number)
    except InvalidDocumentNumber as exc:
        raise ApiError(str(exc)) from exc
    if decision is None:
        raise ApiError(f"未找到文号为“{number}”的表彰决定", status=404)
    return selectors.decision_detail(decision)


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
