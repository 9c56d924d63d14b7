"""Staff pages: the registry search and each document's timeline (thin: selectors do the work)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from apps.core import frame, params
from apps.core.paging import EstimatedCountPaginator, url_around_pk

from .filters import DocumentFilter
from .models import NormativeDocument
from .selectors import standing_on, timeline, with_history

PERMISSION = "regulations.view_normativedocument"
PAGE_SIZE = 100


@login_required
@permission_required(PERMISSION, raise_exception=True)
def document_search(request):
    """“Is this document in force on date D, and if not, since when and by what act?”"""
    filterset = DocumentFilter(request.GET or None, queryset=NormativeDocument.objects.all())
    searched = bool(request.GET)
    rows = []
    page = None
    on = timezone.localdate()
    if searched and filterset.is_valid():
        on = filterset.on
        ordered = filterset.qs.order_by("-number_year", "number_issuer_code", "number_serial",
                                        "title", "pk")
        # Counted as the admin lists are: PostgreSQL's estimate over ADMIN_EXACT_COUNT_LIMIT
        # rows ("约"), exact under it (issue 13 §1: an exact count of 100,000 matches cost 57 ms).
        page = EstimatedCountPaginator(with_history(ordered), PAGE_SIZE).get_page(request.GET.get("page"))
        # Status filtering happened in the database; only this page's rows are derived here.
        rows = [(doc, standing_on(doc, on)) for doc in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return frame.render(request, "regulations/search.html", {
        "filter": filterset, "rows": rows, "rows_html": _rows_html(rows, on), "page": page,
        "on": on, "searched": searched,
        "title": "规范性文件查询", "query": query.urlencode(),
    })


def _day(value) -> str:
    return value.isoformat() if value else ""


def _rows_html(rows, on) -> str:
    """The result table's rows formatted in Python, not a template loop (100 rows × 7 cells
    with a URL each: most of the page's CPU, issue 13 §1); the same HTML as before."""
    head, tail = url_around_pk("regulations:detail")
    as_of = _day(on)
    return format_html_join("", (
        '<tr><td><a class="doc-link" href="{}{}{}?as_of={}">{}</a></td><td>{}</td><td>{}</td>'
        '<td class="status">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'), (
        (head, doc.pk, tail, as_of, doc.number or "(无文号)", doc.title, doc.issuer or "",
         standing.label, _day(standing.since) or "日期不详", standing.by or "",
         _day(standing.deadline))
        for doc, standing in rows)) or format_html('<tr><td colspan="7">{}</td></tr>',
                                                   "没有符合条件的文件")


@login_required
@permission_required(PERMISSION, raise_exception=True)
def document_detail(request, pk: int):
    """A document's timeline, its campaigns and the links to and from other documents."""
    doc = get_object_or_404(with_history(NormativeDocument.objects.all()), pk=pk)
    try:
        on = params.date(request.GET, "as_of") or timezone.localdate()
    except params.BadParameter:
        on = timezone.localdate()  # the page shows today's standing for a bad date
    return frame.render(request, "regulations/detail.html", {
        "doc": doc, "on": on, "standing": standing_on(doc, on),
        "entries": timeline(doc), "title": doc.label,
        "items": doc.campaign_items.select_related("campaign"),
        "links_out": doc.links_out.select_related("target"),
        "links_in": doc.links_in.select_related("source"),
    }, crumbs=[("规范性文件查询", reverse("regulations:search"))])
