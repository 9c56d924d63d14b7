"""``GET /api/tourism/free-day`` and ``/api/tourism/spots/<name>/settlement`` (issue 15 §6,
衢政办发〔2020〕18号)."""

from __future__ import annotations

from django.utils import timezone

from apps.core import authority, params
from apps.core.api import ApiError, ApiRouter

from . import selectors

router = ApiRouter("tourism")


@router.get("free-day", permission="tourism.view_scenicspot", url_name="tourism-free-day")
def free_day(request, spot: params.RequiredText, date: params.Date = None):
    """spot (景区, name as printed), [date] (default today) → {free, reason}."""
    try:
        return selectors.free_day(spot=spot, on=date or timezone.localdate())
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc


@router.get("spots/{str:name}/settlement", permission="tourism.view_spotsettlement",
            url_name="tourism-settlement")
def settlement(request, name: str, year: params.Integer(minimum=1949, maximum=2199) = None):
    """year (default the latest programme) → {free_days, final, advance, city_reward,
    difference, direction, settle_by, provisional, statement, computed_on}: the stored 结算单
    in force when one was issued (``statement`` its id, ``computed_on`` its date), the live
    preview otherwise (both null); ``provisional`` true (暂定) when a counted free day rests on
    a provisional calendar year. 400 non-core spot, 409 inputs missing (preview only); county
    staff only for their county's spots (another county's: 404). Amounts are strings (元)."""
    name = name.replace("\x00", "\ufffd")
    try:
        return selectors.settlement(spot=name, year=year or selectors.latest_year(),
                                    region=authority.actor_region(request.user)).as_json()
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc
    except selectors.InputsMissing as exc:
        raise ApiError(str(exc), status=409, missing=exc.missing) from exc
