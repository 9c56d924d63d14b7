"""``GET /api/pairings`` (issue 15 §5, 衢政办发〔2020〕17号): who is behind in a year."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, ApiRouter

from . import selectors

router = ApiRouter("pairings")


@router.get("pairings", permission="pairings.view_pairing", url_name="pairings")
def pairings(request, year: params.Integer(minimum=1949, maximum=2199, required=True),
             unit: params.Text = "", as_of: params.Date = None):
    """year (统计年度, required, within the 结对期限), [unit] as printed or an organisation
    alias, [as_of] (default today)."""
    try:
        return selectors.report(year=year, as_of=as_of or timezone.localdate(), unit=unit)
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc
    except selectors.YearOutsideTerm as exc:
        raise params.BadParameter("year", f"可选值为:{exc}(帮扶结对期限)") from exc
