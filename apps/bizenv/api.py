"""``GET /api/bizenv/tasks`` and ``/api/bizenv/indicators`` (issue 15 §7, 衢政办发〔2020〕21号)."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, api_view

from . import selectors


@api_view(permission="bizenv.view_bizenvtask")
def tasks(request):
    """[as_of] (default today), [organisation] name or alias, [overdue=1|0]."""
    query = request.GET
    as_of = params.date(query, "as_of") or timezone.localdate()
    overdue = params.choice(query, "overdue", ["0", "1", "true", "false"], default="0")
    try:
        return selectors.tasks(as_of=as_of, organisation_name=params.text(query, "organisation"),
                               overdue=overdue in {"1", "true"})
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc


@api_view(permission="bizenv.view_indicator")
def indicators(request):
    """[lead] a 牵头部门 by name or alias."""
    try:
        return selectors.indicators(lead=params.text(request.GET, "lead"))
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc
