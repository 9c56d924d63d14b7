"""Ecology API (issue 15 §2–§3): machine checks and the no-penalty list (thin)."""

from __future__ import annotations

from django.utils import timezone

from apps.core import params
from apps.core.api import ApiError, api_view

from . import selectors


def _on(query, name: str = "date"):
    return params.date(query, name) or timezone.localdate()


@api_view(permission="ecology.view_machine")
def machine_check(request):
    """GET /api/ecology/machines/check?machine=<出厂编号|识别标志编号>&date=D[&road=]"""
    query = request.GET
    try:
        return selectors.machine_check(key=params.required_text(query, "machine"), on=_on(query),
                                       road=params.text(query, "road"))
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc


@api_view(permission="ecology.view_nopenaltyitem")
def no_penalty(request):
    """GET /api/ecology/no-penalty?law=&article=N[&paragraph=N][&item=N][&date=][&found_on=]
    [&proposed_fine=&party=organisation|natural_person]"""
    query = request.GET
    try:
        return selectors.no_penalty(
            law=params.required_text(query, "law"),
            article=params.integer(query, "article", minimum=1) or _missing("article"),
            paragraph=params.integer(query, "paragraph", minimum=1),
            clause=params.integer(query, "item", minimum=1),
            on=_on(query), found_on=params.date(query, "found_on"),
            fine=selectors.fine_amount(params.text(query, "proposed_fine")),
            party=params.choice(query, "party", selectors.PARTIES))
    except selectors.NotFound as exc:
        raise ApiError(str(exc), status=404) from exc


def _missing(name: str):
    raise params.BadParameter(name, "不能为空")


@api_view(permission="ecology.view_nopenaltyitem")
def no_penalty_items(request):
    """GET /api/ecology/no-penalty/items — the list as printed."""
    listing = selectors.current_list()
    if listing is None:
        raise ApiError("尚未登记不予行政处罚清单(请先导入政报)", status=404)
    return selectors.list_json(listing)
