"""``GET /api/bizenv/tasks`` and ``/api/bizenv/indicators`` (issue 15 §7, 衢政办发〔2020〕21号)."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, ApiRouter

from . import selectors

router = ApiRouter("bizenv")


@router.get("tasks", permission="bizenv.view_bizenvtask", url_name="bizenv-tasks")
def tasks(request, as_of: params.Date = None, organisation: params.Text = "",
          overdue: params.Choice(["0", "1", "true", "false"]) = None):
    """[as_of] (default today), [organisation] name or alias, [overdue=1|0]."""
    try:
        return selectors.tasks(as_of=as_of or timezone.localdate(), organisation_name=organisation,
                               overdue=(overdue or "0") in {"1", "true"})
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc


@router.get("indicators", permission="bizenv.view_indicator", url_name="bizenv-indicators")
def indicators(request, lead: params.Text = ""):
    """[lead] a 牵头部门 by name or alias."""
    try:
        return selectors.indicators(lead=lead)
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc
