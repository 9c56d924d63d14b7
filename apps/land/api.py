"""``GET /api/land/compensation`` (issue 15 §1): the compensation of 衢政发〔2020〕16号."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, api_view

from . import selectors


@api_view(permission="land.view_landprice")
def compensation(request):
    """zone, land_type, area_mu | area_m2, [region], [date] (default today)."""
    query = request.GET
    try:
        result = selectors.compensation(
            zone=params.required_text(query, "zone"), land_type=params.required_text(query, "land_type"),
            area_mu=params.text(query, "area_mu"), area_m2=params.text(query, "area_m2"),
            region=params.text(query, "region"),
            on=params.date(query, "date") or timezone.localdate())
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc
    return result.as_json()
