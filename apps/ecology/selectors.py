"""Reads of the ecology app: may a machine work in the zone; is a violation on the list."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db.models import Q

from apps.core.params import BadParameter

from . import parsing
from .models import Machine, NoPenaltyItem, NoPenaltyList, RestrictedZone

PARTIES = ["organisation", "natural_person"]


class NotFound(Exception):
    """An unknown machine, or nothing registered yet (the gazette not imported)."""


# --- 禁用区 (衢政通〔2020〕1号) -------------------------------------------------------------


def zone_on(on: dt.date) -> RestrictedZone | None:
    """The zone whose notice applies on ``on`` (the latest in force, else the first one)."""
    return (RestrictedZone.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
            or RestrictedZone.objects.order_by("effective_from").first())


def machine_find(key: str) -> Machine | None:
    return Machine.objects.select_related("region").filter(
        Q(serial_number=key) | Q(sign_number=key)).first()


def machine_json(machine: Machine) -> dict:
    return {"serial_number": machine.serial_number, "sign_number": machine.sign_number,
            "owner": machine.owner, "region": machine.region.name,
            "category": machine.get_category_display(), "model": machine.model_name,
            "fuel": machine.get_fuel_display(), "smoke_class": machine.get_smoke_class_display()}


def machine_check(*, key: str, on: dt.date, road: str = "") -> dict:
    """衢政通〔2020〕1号: before 四's 2020-08-13 nothing is restricted; a boundary road is not in
    the zone (一 不含边界道路); GB36886 is a diesel standard, so non-diesel machines may work;
    a diesel machine only with 排气烟度 Ⅲ类 (三(一)) — 未检测 is not shown to meet it. Not
    county-scoped: a site in the zone may use a machine registered in any county."""
    machine = machine_find(key)
    if machine is None:
        raise NotFound(f"没有出厂编号或识别标志编号为“{key[:40]}”的登记机械")
    zone = zone_on(on)
    if zone is None:
        raise NotFound("尚未登记禁用区(请先导入政报)")
    in_force = on >= zone.effective_from
    inside = not (road and road in zone.roads)
    answer = {"machine": machine_json(machine), "in_force": in_force, "inside_zone": inside}
    if not in_force:
        return {**answer, "allowed": True,
                "reason": f"{zone.number}自{zone.effective_from}起施行,{on}尚未施行"}
    if not inside:
        return {**answer, "allowed": True, "reason": f"{road}是禁用区边界道路,不在禁用区内(不含边界道路)"}
    if machine.fuel != Machine.Fuel.DIESEL:
        return {**answer, "allowed": True,
                "reason": f"{machine.get_fuel_display()}机械,GB36886-2018排气烟度限值只适用于柴油机械"}
    if machine.smoke_class == Machine.Smoke.III:
        return {**answer, "allowed": True, "reason": "柴油机械排气烟度达到Ⅲ类限值,可在禁用区内使用(三(一))"}
    return {**answer, "allowed": False,
            "reason": f"柴油机械排气烟度类别为{machine.get_smoke_class_display()},未达到GB36886-2018 Ⅲ类限值,"
                      "禁止在禁用区内使用(三(一))"}


# --- 不予处罚清单 (衢环发〔2020〕73号) -----------------------------------------------------


def current_list(on: dt.date | None = None) -> NoPenaltyList | None:
    lists = NoPenaltyList.objects.order_by("-effective_from")
    if on is not None:
        return lists.filter(effective_from__lte=on).first() or lists.last()
    return lists.first()


def fine_amount(value: str) -> Decimal | None:
    if not value:
        return None
    if not re.fullmatch(r"[+-]?\d{1,12}(\.\d{1,2})?", value):
        raise BadParameter("proposed_fine", f"应为金额(元,最多两位小数)(收到“{value[:20]}”)")
    amount = Decimal(value)
    if amount < 0:
        raise BadParameter("proposed_fine", "不能为负数")
    return amount


def item_json(item: NoPenaltyItem, *, found_on: dt.date | None = None) -> dict:
    days = item.correction_days
    return {
        "position": item.position, "category": item.category, "behaviour": item.behaviour,
        "basis": item.basis, "law": item.law or None, "article": item.article,
        "paragraph": item.paragraph, "item": item.item, "requirement": item.requirement,
        "conditions": item.conditions, "correction_days": days,
        # 注1: natural days; the day found is not counted, no holiday shift.
        "correct_by": (found_on + dt.timedelta(days=days)).isoformat()
        if found_on is not None and days is not None else None,
    }


def _cites(item: NoPenaltyItem, *, law: str, article: int, paragraph: int | None,
           clause: int | None) -> bool:
    """An item citing a 款/项 needs that 款/项; one citing only the 条 covers all of it."""
    if not item.law or item.law != parsing.normalise_law(law) or item.article != article:
        return False
    if item.paragraph is not None and item.paragraph != paragraph:
        return False
    return item.item is None or item.item == clause


def no_penalty(*, law: str, article: int, paragraph: int | None, clause: int | None, on: dt.date,
               found_on: dt.date | None, fine: Decimal | None, party: str | None) -> dict:
    """衢环发〔2020〕73号: from 六's 2020-08-15, cases not yet decided included (四); 二 only a
    first violation in 12 months; item 13 any citation when the proposed fine is 少于 1000
    元 (strict) and the party is not a natural person; correct_by in natural days (注1)."""
    listing = current_list(on)
    if listing is None:
        raise NotFound("尚未登记不予行政处罚清单(请先导入政报)")
    answer = {"list": listing.number, "in_force": on >= listing.effective_from,
              "first_in_12_months_required": listing.first_in_12_months, "matches": []}
    if not answer["in_force"]:
        return answer
    for item in listing.items.order_by("position"):
        if item.fine_below is not None:
            hit = (fine is not None and fine < item.fine_below
                   and not (item.excludes_natural_person and party == "natural_person"))
        else:
            hit = _cites(item, law=law, article=article, paragraph=paragraph, clause=clause)
        if hit:
            answer["matches"].append(item_json(item, found_on=found_on))
    return answer


def list_json(listing: NoPenaltyList) -> dict:
    return {"number": listing.number, "effective_from": listing.effective_from.isoformat(),
            "trial": listing.trial, "notes": listing.notes,
            "items": [item_json(i) for i in listing.items.order_by("position")]}

