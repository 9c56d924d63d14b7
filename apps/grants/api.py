"""``GET /api/grants/items`` and ``/api/grants/calc`` (issue 15 §4, 衢政办发〔2020〕16号)."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, api_view

from . import selectors
from .models import Group


@api_view(permission="grants.view_grantitem")
def items(request):
    """project_year (required), [group], [q] title words, [date] (default today)."""
    query = request.GET
    year = params.integer(query, "project_year", minimum=1949, maximum=2199)
    if year is None:
        raise params.BadParameter("project_year", "不能为空(项目年度)")
    try:
        return selectors.items(project_year=year, on=params.date(query, "date") or timezone.localdate(),
                               group=params.choice(query, "group", Group.values),
                               q=params.text(query, "q"))
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc


@api_view(permission="grants.view_grantitem")
def calc(request):
    """item, amount, [passengers], [grade], [term_months], [rate], [date] (default today)."""
    query = request.GET
    given = selectors.CalcInput(
        amount=params.text(query, "amount"),
        passengers=params.integer(query, "passengers", minimum=0),
        grade=params.text(query, "grade"),
        term_months=params.integer(query, "term_months", minimum=1),
        rate=params.text(query, "rate"))
    try:
        return selectors.calc(key=params.required_text(query, "item"),
                              on=params.date(query, "date") or timezone.localdate(), given=given)
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc
