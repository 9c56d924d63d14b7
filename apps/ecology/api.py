"""Ecology API (issue 15 §2–§3): machine checks and the no-penalty list (thin)."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, ApiRouter

from . import selectors

router = ApiRouter("ecology")


@router.get("machines/check", permission="ecology.view_machine", url_name="ecology-machine-check")
def machine_check(request, machine: params.RequiredText, date: params.Date = None,
                  road: params.Text = ""):
    """machine = 出厂编号 or 识别标志编号; date (default today); [road]."""
    try:
        return selectors.machine_check(key=machine, on=date or timezone.localdate(), road=road)
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc


@router.get("no-penalty", permission="ecology.view_nopenaltyitem", url_name="ecology-no-penalty")
def no_penalty(request, law: params.RequiredText,
               article: params.Integer(minimum=1, required=True),
               paragraph: params.Integer(minimum=1) = None, item: params.Integer(minimum=1) = None,
               date: params.Date = None, found_on: params.Date = None,
               proposed_fine: params.Text = "", party: params.Choice(selectors.PARTIES) = None):
    """law, article [paragraph] [item] [date] [found_on] [proposed_fine (元) party]."""
    try:
        return selectors.no_penalty(
            law=law, article=article, paragraph=paragraph, clause=item,
            on=date or timezone.localdate(), found_on=found_on,
            fine=selectors.fine_amount(proposed_fine), party=party)
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc


@router.get("no-penalty/items", permission="ecology.view_nopenaltyitem",
            url_name="ecology-no-penalty-items")
def no_penalty_items(request):
    """The list as printed."""
    listing = selectors.current_list()
    if listing is None:
        raise ApiError("尚未登记不予行政处罚清单(请先导入政报)", status=404)
    return selectors.list_json(listing)
