"""Reading 衢政办发〔2020〕18号 (issue 15 §6): the spots of 二(一), the free period of 二(二)1
and the dates and shares of 三.

二(一) names the core spots in one sentence (“将烂柯山、…、信安湖水利风景区等15个核心收费
景区列入”), entries separated by 、 outside brackets and quotes, an exclusion printed in
brackets (“江郎山(不含‘郎峰’)”); then the other spots (“将水亭门、…等100余个景区纳入”):
only ten are named, the approximate total is kept as printed and reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass
class Spot:
    name: str
    printed: str
    core: bool
    position: int
    exclusions: list[str] = field(default_factory=list)


@dataclass
class ParsedFreeTour:
    year: int | None = None
    spots: list[Spot] = field(default_factory=list)
    declared_core: int | None = None
    declared_other: str = ""
    ends_on: dt.date | None = None
    extension_later: bool = False
    reward_divisor: int | None = None
    settle_by: dt.date | None = None
    findings: list[str] = field(default_factory=list)

    def core(self) -> list[Spot]:
        return [s for s in self.spots if s.core]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def split_top_level(text: str, separator: str = "、") -> list[str]:
    """Split on ``separator`` outside brackets and quotes (“仙霞关(不含‘戴笠秘宅’二楼)” whole)."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "((“":
            depth += 1
        elif char in "))”" and depth:
            depth -= 1
        if char == separator and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [part for part in parts if part]


def _spot(printed: str, core: bool, position: int) -> Spot:
    """“江郎山(不含‘郎峰’)” → 江郎山, exclusion “‘郎峰’” as printed."""
    found = re.fullmatch(r"(.+?)[((]不含(.+)[))]", printed)
    if found:
        return Spot(found.group(1), printed, core, position, [found.group(2)])
    return Spot(printed, printed, core, position)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def parse_free_tour(body: str, title: str = "") -> ParsedFreeTour:
    parsed = ParsedFreeTour()
    flat = _flat(body)
    found = re.search(r"(\d{4})年“全球免费游衢州”活动方案", _flat(title) + flat)
    parsed.year = int(found.group(1)) if found else None
    core = re.search(r"将(.+?)等(\d+)个核心收费景区列入", flat)
    if core:
        parsed.declared_core = int(core.group(2))
        parsed.spots += [_spot(p, True, n) for n, p in enumerate(split_top_level(core.group(1)), start=1)]
    else:
        parsed.findings.append("二(一):未找到“等N个核心收费景区”,核心景区未登记")
    other = re.search(r"在此基础上,将(.+?)等(\d+余?个)景区纳入", flat)
    if other:
        parsed.declared_other = other.group(2)
        start = len(parsed.spots)
        parsed.spots += [_spot(p, False, start + n)
                         for n, p in enumerate(split_top_level(other.group(1)), start=1)]
    else:
        parsed.findings.append("二(一):未找到“等N余个景区纳入”,其他景区未登记")
    until = re.search(r"至(\d{4})年(\d{1,2})月(\d{1,2})日,将除法定节假日外的普通双休日纳入", flat)
    if until:
        parsed.ends_on = dt.date(int(until.group(1)), int(until.group(2)), int(until.group(3)))
    parsed.extension_later = "具体开始时间另行确定" in flat
    share = re.search(r"补助额的1/(\d+)给予奖励", flat)
    parsed.reward_divisor = int(share.group(1)) if share else None
    settle = re.search(r"结算工作应于(\d{4})年(\d{1,2})月底前完成", flat)
    if settle:
        parsed.settle_by = _month_end(int(settle.group(1)), int(settle.group(2)))
    return parsed
