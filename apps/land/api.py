"""``GET /api/land/compensation`` (issue 15 §1): the compensation of 衢政发〔2020〕16号."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, ApiRouter

from . import selectors

router = ApiRouter("land")


@router.get("compensation", permission="land.view_landprice", url_name="land-compensation")
def compensation(request, zone: params.RequiredText, land_type: params.RequiredText,
                 area_mu: params.Text = "", area_m2: params.Text = "", region: params.Text = "",
                 date: params.Date = None):
    """zone, land_type, area_mu | area_m2 (one of them), [region], [date] (default today).
    Amounts are strings (元)."""
    try:
        result = selectors.compensation(
            zone=zone, land_type=land_type, area_mu=area_mu, area_m2=area_m2, region=region,
            on=date or timezone.localdate())
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc
    return result.as_json()
