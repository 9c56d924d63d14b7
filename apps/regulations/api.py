"""``GET /api/regulations/documents`` (issue 5): documents with their status on a date.

Filtered by ``DocumentFilter`` (the staff search page's filter set): a number in any form or
a fragment of one, title words, the campaign (given here by its number), the status on a
date."""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse
from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, ApiRouter
from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber

from .filters import DocumentFilter
from .models import CleanupCampaign, NormativeDocument, Status
from .selectors import standing_on, timeline, with_history

router = ApiRouter("regulations")

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


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


@router.get("documents", permission="regulations.view_normativedocument",
            url_name="regulations-documents")
def documents(request, number: params.Text = "", q: params.Text = "", campaign: params.Text = "",
              status: params.Choice(Status.values) = None, as_of: params.Date = None,
              limit: params.Integer(minimum=1, maximum=MAX_LIMIT) = DEFAULT_LIMIT,
              offset: params.Integer(minimum=0) = 0):
    """Filters: number (any form), q (title words), campaign (its number), status on as_of
    (default today).

    Paged with ``limit`` (default 100, at most 500) and ``offset``; the body stays the
    issue's JSON list, the total is in ``X-Total-Count`` (and ``Link: rel="next"``).
    """
    on = as_of or timezone.localdate()
    limit = DEFAULT_LIMIT if limit is None else limit
    offset = offset or 0
    data = {"number": number, "q": q, "status": status or "", "as_of": on.isoformat()}
    if campaign:
        try:
            campaign_number = str(DocumentNumber.parse(campaign))
        except InvalidDocumentNumber as exc:
            raise params.BadParameter("campaign", f"有误:{exc}") from exc
        found = CleanupCampaign.objects.filter(number=campaign_number).first()
        if found is None:
            raise ApiError(f"没有文号为{campaign_number}的清理工作", status=404)
        data["campaign"] = str(found.pk)
    search = DocumentFilter(data, queryset=NormativeDocument.objects.all())
    if not search.is_valid():
        name, errors = next(iter(search.errors.items()))
        raise params.BadParameter(name, f"有误:{errors[0]}")
    queryset = search.qs.order_by("number_year", "number_issuer_code", "number_serial", "pk")
    total = queryset.count()
    rows = [document_json(doc, on) for doc in with_history(queryset)[offset:offset + limit]]
    response = JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
    response["X-Total-Count"] = str(total)
    response["X-Limit"], response["X-Offset"] = str(limit), str(offset)
    if offset + limit < total:
        following = request.GET.copy()
        following["limit"], following["offset"] = str(limit), str(offset + limit)
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return response
