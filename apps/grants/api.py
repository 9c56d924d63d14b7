"""``GET /api/grants/items`` and ``/api/grants/calc`` (issue 15 §4, 衢政办发〔2020〕16号)."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, ApiRouter

from . import selectors
from .models import Group

router = ApiRouter("grants")
PERMISSION = "grants.view_grantitem"


@router.get("items", permission=PERMISSION, url_name="grants-items")
def items(request, project_year: params.Integer(minimum=1949, maximum=2199, required=True),
          group: params.Choice(Group.values) = None, q: params.Text = "", date: params.Date = None):
    """project_year (项目年度, required), [group], [q] title words, [date] (default today)."""
    try:
        return selectors.items(project_year=project_year, on=date or timezone.localdate(),
                               group=group, q=q)
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc


@router.get("calc", permission=PERMISSION, url_name="grants-calc")
def calc(request, item: params.RequiredText, amount: params.Text = "",
         passengers: params.Integer(minimum=0) = None, grade: params.Text = "",
         term_months: params.Integer(minimum=1) = None, rate: params.Text = "",
         date: params.Date = None):
    """item, amount (元), [passengers], [grade], [term_months], [rate], [date] (default
    today). Amounts are strings (元)."""
    given = selectors.CalcInput(amount=amount, passengers=passengers, grade=grade,
                                term_months=term_months, rate=rate)
    try:
        return selectors.calc(key=item, on=date or timezone.localdate(), given=given)
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc
