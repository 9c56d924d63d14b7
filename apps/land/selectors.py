"""Reads of the land app: the compensation for an area of one land type in one zone."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from apps.core.models import Region
from apps.core.money import round_money
from apps.core.params import BadParameter

from . import parsing
from .models import CollectiveFundRate, LandPolicyVersion, LandPrice, LandZone

MU_PER_M2 = Decimal("0.0015")  # 1 亩 = 666.67 m²; the policy's 亩 × 0.0015 (issue 15 §1), unrounded
LAND_TYPES = {**{t: "A" for t in parsing.CLASS_A}, **{t: "B" for t in parsing.CLASS_B}}
ZERO = Decimal("0.00")


class NotFound(Exception):
    """No standard is registered (the gazette has not been imported)."""


@dataclass(frozen=True)
class Compensation:
    policy: LandPolicyVersion
    zone: LandZone
    land_type: str
    land_class: str
    area_mu: Decimal
    price_per_mu: Decimal
    total: Decimal
    land_compensation: Decimal
    resettlement: Decimal
    collective_fund: Decimal

    def as_json(self) -> dict:
        return {
            "document": self.policy.number, "zone": self.zone.number, "land_type": self.land_type,
            "land_class": self.land_class, "area_mu": _plain(self.area_mu),
            "price_per_mu": str(self.price_per_mu), "total": str(self.total),
            "land_compensation": str(self.land_compensation),
            "resettlement": str(self.resettlement), "collective_fund": str(self.collective_fund),
        }


def _plain(value: Decimal) -> str:
    """An area without exponent or trailing zeros (0.000045, 10)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def policy_on(on: dt.date) -> LandPolicyVersion | None:
    return LandPolicyVersion.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def parse_zone(value: str) -> int:
    """zone ``1`` | ``一`` | ``区片一``."""
    number = parsing.zone_number(value) if value else None
    if number is None:
        raise BadParameter("zone", f"应为区片编号,如 1、一、区片一(收到“{value[:20]}”)")
    return number


def parse_area(value: str, name: str, places: int) -> Decimal:
    """A positive decimal with at most ``places`` decimals (no exponent, no sign games)."""
    if not re.fullmatch(r"\d{1,12}(\.\d+)?", value):
        raise BadParameter(name, f"应为正数(收到“{value[:20]}”)")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BadParameter(name, f"应为正数(收到“{value[:20]}”)") from None
    if number <= 0:
        raise BadParameter(name, "应大于0")
    if "." in value and len(value.split(".")[1]) > places:
        raise BadParameter(name, f"最多{places}位小数")
    return number


def area_in_mu(*, area_mu: str = "", area_m2: str = "") -> Decimal:
    """One of ``area_mu`` (≤4 decimals) or ``area_m2`` (≤2 decimals; 亩 = m² × 0.0015)."""
    if bool(area_mu) == bool(area_m2):
        raise BadParameter("area_mu", "与 area_m2 须且只须提供一个")
    if area_mu:
        return parse_area(area_mu, "area_mu", 4)
    return parse_area(area_m2, "area_m2", 2) * MU_PER_M2


def region_lookup(value: str) -> Region | None:
    """A region by code, name or short name (330802, 柯城区, 柯城)."""
    return Region.objects.filter(Q(code=value) | Q(name=value)).first() or next(
        (r for r in Region.objects.all() if value in (r.short_names or [])), None)


def check_region(value: str, policy: LandPolicyVersion) -> None:
    """一: the policy applies in 柯城区、衢江区 (and the functional areas of 七) only."""
    region = region_lookup(value)
    allowed = policy.regions or []
    if region is None or region.name not in allowed:
        shown = f"“{value[:20]}”" if region is None else region.name
        raise BadParameter("region", f"{shown}不在{policy.number}适用范围内,可选值为:{'、'.join(allowed)}")


def compensation(*, zone: str, land_type: str, area_mu: str = "", area_m2: str = "",
                 on: dt.date, region: str = "") -> Compensation:
    """衢政发〔2020〕16号 三、五: total = round(price × 亩); 土地补偿费 = round(total × 40%);
    安置补助费 = total − 土地补偿费 (the parts add up); 集体经济发展资金 = round(rate × 亩) for
    耕地/园地 only. 四 (附着物、青苗) and 六 (social security) are not computed here."""
    number = parse_zone(zone)
    if land_type not in LAND_TYPES:
        raise BadParameter("land_type", f"可选值为:{'、'.join(LAND_TYPES)}")
    mu = area_in_mu(area_mu=area_mu, area_m2=area_m2)
    policy = policy_on(on)
    if policy is None:
        first = LandPolicyVersion.objects.order_by("effective_from").first()
        if first is None:
            raise NotFound("尚未登记征地补偿标准(请先导入政报)")
        raise BadParameter("date", f"早于{first.number}的施行日期{first.effective_from}")
    if region:
        check_region(region, policy)
    zone_row = LandZone.objects.filter(policy=policy, number=number).first()
    if zone_row is None:
        numbers = "、".join(str(n) for n in policy.zones.values_list("number", flat=True))
        raise BadParameter("zone", f"{policy.number}没有区片{zone},可选值为:{numbers}")
    land_class = LAND_TYPES[land_type]
    price = LandPrice.objects.filter(zone=zone_row, land_class=land_class).first()
    if price is None:
        raise NotFound(f"区片{number}未登记{land_class}类地价")
    total = round_money(price.price_per_mu * mu)
    land_part = round_money(total * policy.land_compensation_share)
    fund = ZERO
    if land_type in parsing.FUND_TYPES:
        rate = CollectiveFundRate.objects.filter(zone=zone_row).first()
        if rate is None:
            raise NotFound(f"区片{number}未登记集体经济发展资金标准")
        fund = round_money(rate.rate_per_mu * mu)
    return Compensation(policy=policy, zone=zone_row, land_type=land_type, land_class=land_class,
                        area_mu=mu, price_per_mu=price.price_per_mu, total=total,
                        land_compensation=land_part, resettlement=total - land_part,
                        collective_fund=fund)
