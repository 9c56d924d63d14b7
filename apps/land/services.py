"""Writes of the land app: the gazette import of 衢政发〔2020〕16号 (issue 15 §1)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from apps.core import authority
from apps.gazette.registry import ParseResult

from . import parsing
from .models import CollectiveFundRate, LandPolicyVersion, LandPrice, LandZone

# 一: 衢州市区 = 柯城区、衢江区; 七 names the functional areas that apply the policy too.
POLICY_REGIONS = ["柯城区", "衢江区", "绿色产业集聚区", "智慧新城"]


@transaction.atomic
def policy_record(*, number: str, title: str, signed_on: dt.date, parsed: parsing.ParsedPolicy,
                  source_article=None, actor=None) -> ParseResult:
    """Store the zones, prices and fund rates as printed (附件1、附件3、五), idempotently.

    施行: “本通知自发布之日起实施” → in force from the signing date. The declared zone count
    (三: “划分为3个区片”) is reconciled with the zones of 附件1 and the rows of 附件3. Called
    by the gazette import, which has already checked who imports (city level)."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "征地补偿标准")
    result = ParseResult(messages=list(parsed.findings))
    if parsed.land_share is None:
        result.messages.append("三:未找到土地补偿费比例,未登记")
        return result
    if not parsed.from_publication:
        result.messages.append("未找到“自发布之日起实施”,按成文日期施行,请核对")
    with authority.acting_as(actor):
        policy = result.upsert(LandPolicyVersion, {"number": number}, {
            "title": title, "signed_on": signed_on, "effective_from": signed_on,
            "land_compensation_share": parsed.land_share,
            "declared_zone_count": parsed.declared_zones, "regions": POLICY_REGIONS,
            "source_article": source_article})
        for zone in parsed.zones:
            row = result.upsert(LandZone, {"policy": policy, "number": zone.number}, {
                "description": zone.description, "east": zone.east, "south": zone.south,
                "west": zone.west, "north": zone.north})
            for land_class in ("A", "B"):
                printed = parsed.prices.get((zone.number, land_class))
                if printed is None:
                    result.messages.append(f"附件3:区片{zone.number}缺少{land_class}类地价")
                    continue
                result.upsert(LandPrice, {"zone": row, "land_class": land_class}, {
                    "price_per_mu": parsing.wan_to_yuan(printed), "printed": printed})
            printed = parsed.fund_rates.get(zone.number)
            if printed is None:
                result.messages.append(f"五:区片{zone.number}缺少集体经济发展资金标准")
            else:
                result.upsert(CollectiveFundRate, {"zone": row}, {
                    "rate_per_mu": parsing.wan_to_yuan(printed), "printed": printed})
    result.messages.extend(reconcile(parsed))
    return result


def reconcile(parsed: parsing.ParsedPolicy) -> list[str]:
    """三 declares the number of zones; 附件1, 附件3 and 五 must each list that many."""
    declared = parsed.declared_zones
    listed = {
        "附件1区片划分": len(parsed.zones),
        "附件3综合地价": len({zone for zone, _ in parsed.prices}),
        "五集体经济发展资金": len(parsed.fund_rates),
    }
    if declared is None:
        return ["三:未找到公布的区片数,无法核对"]
    return [f"三公布{declared}个区片,{where}列出{count}个,相差{abs(declared - count)}个"
            for where, count in listed.items() if count != declared]
