"""``GET /api/tourism/free-day`` and ``/api/tourism/spots/<name>/settlement`` (issue 15 §6,
衢政办发〔2020〕18号)."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, api_view

from . import selectors


@api_view(permission="tourism.view_scenicspot")
def free_day(request):
    """spot (name as printed), [date] (default today) → {free, reason}."""
    query = request.GET
    try:
        return selectors.free_day(spot=params.required_text(query, "spot"),
                                  on=params.date(query, "date") or timezone.localdate())
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc


@api_view(permission="tourism.view_spotsettlement")
def settlement(request, name: str):
    """year (default the latest programme) → {free_days, final, advance, city_reward,
    difference, direction, settle_by}; 400 non-core spot, 409 inputs missing."""
    year = params.integer(request.GET, "year", minimum=1949, maximum=2199)
    try:
        return selectors.settlement(spot=name, year=year or selectors.latest_year()).as_json()
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc
    except selectors.InputsMissing as exc:
        raise ApiError(str(exc), status=409, missing=exc.missing) from exc
