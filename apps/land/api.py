"""``GET /api/land/compensation`` (issue 15 §1): the compensation of 衢政发〔2020〕16号."""

from __future__ import annotations

from django.utils import timezone
from ninja import Schema

from apps.core import params
from apps.core.api import ApiError, ApiRouter, Money

from . import selectors

router = ApiRouter("land")


class Compensation(Schema):
    document: str | None  # the policy's 文号
    zone: int
    land_type: str
    land_class: str
    area_mu: str  # 亩, without exponent or trailing zeros
    price_per_mu: Money
    total: Money
    land_compensation: Money
    resettlement: Money
    collective_fund: Money


@router.get("compensation", permission="land.view_landprice", response=Compensation,
            url_name="land-compensation")
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
