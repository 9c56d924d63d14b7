"""``GET /api/regulations/documents`` (issue 5): documents with their status on a date."""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse
from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, api_view
from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber

from .models import CleanupCampaign, NormativeDocument, Status
from .selectors import documents_in_status, standing_on, timeline, with_history

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def _as_of(value: str | None) -> dt.date:
    return params.date({"as_of": value or ""}, "as_of") or timezone.localdate()


def _whole(params, name: str, default: int, *, low: int, high: int | None = None) -> int:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ApiError(f"{name} 参数应为整数,收到“{value}”") from exc
    if number < low or (high is not None and number > high):
        bound = f"{low}–{high}" if high is not None else f"不小于{low}"
        raise ApiError(f"{name} 参数应在 {bound} 之间,收到 {number}")
    return number


def document_json(doc: NormativeDocument, on: dt.date) -> dict:
    standing = standing_on(doc, on)
    return {
        "number": doc.number,
        "title": doc.title,
        "issuer": doc.issuer.name if doc.issuer else None,
        "status": standing.status,
        "status_label": standing.label,
        "status_since": standing.since.isoformat() if standing.since else None,
        "deadline": standing.deadline.isoformat() if standing.deadline else None,
        "history": [
            {"status": e.status, "date": e.date.isoformat() if e.date else None, "by": e.by}
            for e in timeline(doc, as_of=on)
        ],
    }


@api_view(permission="regulations.view_normativedocument")
def documents(request):
    """Filters: number (any form), q (title words), campaign (number), status, as_of.

    Paged with ``limit`` (default 100, at most 500) and ``offset``; the body stays the
    issue's JSON list, the total is in ``X-Total-Count`` (and ``Link: rel="next"``).
    """
    params = request.GET
    on = _as_of(params.get("as_of"))
    queryset = NormativeDocument.objects.all()
    if params.get("number"):
        try:
            queryset = queryset.filter(number=str(DocumentNumber.parse(params["number"])))
        except InvalidDocumentNumber as exc:
            raise ApiError(f"number 参数:{exc}") from exc
    for word in params.get("q", "").split():
        queryset = queryset.filter(title__icontains=word)
    if params.get("campaign"):
        try:
            number = str(DocumentNumber.parse(params["campaign"]))
        except InvalidDocumentNumber as exc:
            raise ApiError(f"campaign 参数:{exc}") from exc
        campaign = CleanupCampaign.objects.filter(number=number).first()
        if campaign is None:
            raise ApiError(f"没有文号为{number}的清理工作", status=404)
        queryset = queryset.filter(campaign_items__campaign=campaign).distinct()
    status = params.get("status")
    if status and status not in Status.values:
        raise ApiError(f"status 应为 {'、'.join(Status.values)} 之一,收到“{status}”")
    limit = _whole(params, "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    offset = _whole(params, "offset", 0, low=0)
    if status:
        queryset = documents_in_status(queryset, status=status, on=on)
    queryset = queryset.order_by("number_year", "number_issuer_code", "number_serial", "pk")
    total = queryset.count()
    rows = [document_json(doc, on) for doc in with_history(queryset)[offset:offset + limit]]
    response = JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
    response["X-Total-Count"] = str(total)
    response["X-Limit"], response["X-Offset"] = str(limit), str(offset)
    if offset + limit < total:
        following = params.copy()
        following["limit"], following["offset"] = str(limit), str(offset + limit)
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return response
