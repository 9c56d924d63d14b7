"""Reading 衢政发〔2020〕16号 as printed: zones (附件1), prices (附件3), fund rates (五).

The text is the gazette's extraction: tables are tab-separated rows; a zone whose 四至
run onto a second row has an empty first cell there; 附件3's header prints
“养殖水面除林地外的其他农用地” without the 、 that separates 养殖水面 from 其他农用地.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# 附件3 column A, as the policy means it (the header lacks a 、 before 除林地外).
CLASS_A = ["耕地", "园地", "养殖水面", "其他农用地", "建设用地"]
CLASS_B = ["林地", "未利用地"]
FUND_TYPES = ["耕地", "园地"]  # 五: 按实际征收耕地(含园地)的面积
TEN_THOUSAND = Decimal(10000)
ZONE_LABELS = {v: k for k, v in CN_DIGITS.items()}


@dataclass
class Zone:
    number: int
    description: str = ""
    east: str = ""
    south: str = ""
    west: str = ""
    north: str = ""


@dataclass
class ParsedPolicy:
    declared_zones: int | None = None
    land_share: Decimal | None = None
    from_publication: bool = False
    zones: list[Zone] = field(default_factory=list)
    prices: dict[tuple[int, str], str] = field(default_factory=dict)  # (zone, class) → 万元 as printed
    fund_rates: dict[int, str] = field(default_factory=dict)  # zone → 万元 as printed
    header_a: str = ""
    findings: list[str] = field(default_factory=list)


def zone_number(text: str) -> int | None:
    """“1”, “一”, “区片一” → 1."""
    value = text.strip().removeprefix("区片").strip()
    if value.isdigit():
        return int(value)
    return CN_DIGITS.get(value)


def wan_to_yuan(printed: str) -> Decimal:
    """万元 as printed (“7.3”, “4”) → yuan."""
    return Decimal(printed.strip()) * TEN_THOUSAND


def _section(lines: list[str], heading: str, stop: str | None) -> list[str]:
    try:
        start = lines.index(heading)
    except ValueError:
        return []
    rest = lines[start + 1:]
    if stop and stop in rest:
        rest = rest[:rest.index(stop)]
    return rest


def parse_policy(body: str) -> ParsedPolicy:
    parsed = ParsedPolicy()
    flat = re.sub(r"\s+", "", body)
    found = re.search(r"划分为(\d+|[一二三四五六七八九])个区片", flat)
    if found:
        parsed.declared_zones = zone_number(found.group(1))
    found = re.search(r"分别占征地区片综合地价的(\d+)%和(\d+)%", flat)
    if found:
        parsed.land_share = Decimal(found.group(1)) / 100
        if int(found.group(1)) + int(found.group(2)) != 100:
            parsed.findings.append(f"三:土地补偿费{found.group(1)}%与安置补助费{found.group(2)}%之和不是100%")
    parsed.from_publication = "自发布之日起实施" in flat or "自发布之日起施行" in flat
    for zone, amount in re.findall(r"区片([一二三四五六七八九])(\d+(?:\.\d+)?)万元/亩", flat):
        parsed.fund_rates[zone_number(zone)] = amount

    lines = [line.rstrip() for line in body.splitlines()]
    _zones(parsed, _section(lines, "附件1", "附件2"))
    _prices(parsed, _section(lines, "附件3", None))
    return parsed


def _zones(parsed: ParsedPolicy, lines: list[str]) -> None:
    """附件1: 区片 东 南 西 北; a row with an empty first cell continues the zone above."""
    current: Zone | None = None
    for line in lines:
        if "\t" not in line:
            continue
        cells = [c.strip() for c in line.split("\t")]
        if cells[0] == "区片":
            continue
        number = zone_number(cells[0]) if cells[0] else None
        if number is not None:
            current = Zone(number=number)
            parsed.zones.append(current)
            rest = cells[1:]
            if len(rest) == 1 or (len(rest) > 1 and not any(rest[1:])):
                current.description = rest[0]
                continue
        elif current is None:
            parsed.findings.append(f"附件1:无法归入区片的一行“{line.strip()}”")
            continue
        else:
            rest = cells[1:]
            parsed.findings.append(f"附件1:区片{ZONE_LABELS[current.number]}的四至印在下一行(首格为空),"
                                   f"并入区片{ZONE_LABELS[current.number]}")
        rest = rest + [""] * (4 - len(rest))
        current.east, current.south, current.west, current.north = rest[:4]


def _prices(parsed: ParsedPolicy, lines: list[str]) -> None:
    """附件3: 区片 地类 <A column> <B column>, 万元/亩."""
    for line in lines:
        if "\t" not in line:
            continue
        cells = [c.strip() for c in line.split("\t")]
        if cells[0] == "区片":
            parsed.header_a = cells[2] if len(cells) > 2 else ""
            if "养殖水面除林地外" in parsed.header_a:
                parsed.findings.append(
                    "附件3:表头“养殖水面除林地外的其他农用地”漏印顿号,按“养殖水面、除林地外的其他农用地”"
                    "读作两类(A类:耕地、园地、养殖水面、其他农用地、建设用地)")
            continue
        number = zone_number(cells[0])
        if number is None:
            continue
        values = [c for c in cells[1:] if c]
        if len(values) != 2:
            parsed.findings.append(f"附件3:区片{cells[0]}应有2个地价,实际“{line.strip()}”")
            continue
        parsed.prices[(number, "A")], parsed.prices[(number, "B")] = values
