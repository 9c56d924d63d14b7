"""Awards API (thin: selectors do the work)."""

from __future__ import annotations

from apps.core import params
from apps.core.api import ApiError, ApiRouter
from apps.core.docnumbers import InvalidDocumentNumber

from . import selectors

router = ApiRouter("awards")


@router.get("honours", permission="awards.view_recipient", url_name="awards-honours")
def honours(request, person: params.Text = "", unit: params.Text = ""):
    """A person's or a unit's honours (``person`` = 姓名, ``unit`` = 单位; one of them)."""
    if not person and not unit:
        raise ApiError("请提供 person(姓名)或 unit(单位)参数")
    return [selectors.honour_row(r) for r in selectors.honours(person=person, unit=unit or None)]


@router.get("decisions/{str:number}", permission="awards.view_decision", url_name="awards-decision")
def decision(request, number: str):
    """A 表彰决定 by its number, in any bracket form."""
    number = number.replace("\x00", "\ufffd")
    try:
        found = selectors.decision_by_number(number)
    except InvalidDocumentNumber as exc:
        raise ApiError(str(exc)) from exc
    if found is None:
        raise ApiError(f"未找到文号为“{number}”的表彰决定", status=404)
    return selectors.decision_detail(found)
