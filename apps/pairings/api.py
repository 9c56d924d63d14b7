"""``GET /api/pairings`` (issue 15 §5, 衢政办发〔2020〕17号): who is behind in a year."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, api_view

from . import selectors


@api_view(permission="pairings.view_pairing")
def pairings(request):
    """year (required, within the 结对期限), [unit] as printed or an organisation alias,
    [as_of] (default today)."""
    query = request.GET
    year = params.integer(query, "year", minimum=1949, maximum=2199)
    if year is None:
        raise params.BadParameter("year", "不能为空(统计年度)")
    try:
        return selectors.report(year=year, as_of=params.date(query, "as_of") or timezone.localdate(),
                                unit=params.text(query, "unit"))
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc
    except selectors.YearOutsideTerm as exc:
        raise params.BadParameter("year", f"可选值为:{exc}(帮扶结对期限)") from exc
