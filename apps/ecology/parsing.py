"""Reading 衢政通〔2020〕1号 (禁用区) and 衢环发〔2020〕73号 附件1 (不予处罚清单) as printed.

The list's conditions come through the page layout with their numbering damaged: item 6
prints “1.5≤pH≤6” (the number 1. fused into the value 5≤pH≤6) and, like item 5, lacks the
“3.” of its third condition; each is mended here and reported as a finding.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

CATEGORIES = ["工程机械", "农业机械", "林业机械", "材料装卸机械", "工业钻井机械设备", "机场地勤设备"]
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"


def _date(found: re.Match) -> dt.date:
    return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))


def normalise_law(text: str) -> str:
    """《中华人民共和国水污染防治法》 ≡ 水污染防治法 (issue 15 §3)."""
    return re.sub(r"[《》<>〈〉\s]", "", text or "").replace("中华人民共和国", "")


# --- 衢政通〔2020〕1号 -------------------------------------------------------------------


@dataclass
class ParsedZone:
    sections: list[list[str]] = field(default_factory=list)
    roads_excluded: bool = False
    effective_from: dt.date | None = None
    categories: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


def parse_zone(body: str) -> ParsedZone:
    parsed = ParsedZone()
    flat = re.sub(r"\s+", "", body)
    found = re.search(r"禁止使用区范围(.+?)合围的区域(.{0,30})", flat)
    if found:
        parsed.roads_excluded = "不含边界道路" in found.group(2)
        for section in found.group(1).split("以及"):
            roads = [r for r in re.split(r"—+|-{2,}", section) if r]
            parsed.sections.append(roads)
    else:
        parsed.findings.append("一:未找到禁用区边界道路")
    found = re.search(r"本通告自" + _DATE + r"起施行", flat)
    if found:
        parsed.effective_from = _date(found)
    else:
        parsed.findings.append("四:未找到施行日期")
    found = re.search(r"主要包括但不限于(.+?)等非道路移动机械", flat)
    if found:
        listed = re.sub(r"[((][^))]*[))]", "", found.group(1))
        parsed.categories = [c for c in listed.split("、") if c]
        if parsed.categories != CATEGORIES:
            parsed.findings.append(f"二:列出的机械类别“{'、'.join(parsed.categories)}”与登记类别不一致")
    return parsed


# --- 衢环发〔2020〕73号 ------------------------------------------------------------------


@dataclass
class ParsedItem:
    position: int
    category: str
    category_inherited: bool
    behaviour: str
    basis: str
    law: str = ""
    article: int | None = None
    paragraph: int | None = None
    item: int | None = None
    conditions_text: str = ""
    requirement: str = ""
    conditions: list[str] = field(default_factory=list)
    correction_days: int | None = None
    fine_below: Decimal | None = None
    excludes_natural_person: bool = False


@dataclass
class ParsedList:
    effective_from: dt.date | None = None
    trial: bool = False
    notes: list[str] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


_CITATION = re.compile(r"^《(?P<law>[^》]+)》\s*(?:第\s*(?P<article>\d+)\s*条)?"
                       r"\s*(?:第\s*(?P<paragraph>\d+)\s*款)?\s*(?:第\s*(?P<item>\d+)\s*项)?$")
_NUMBERED = re.compile(r"^\s*(\d+)\s*\.\s*")


def parse_citation(basis: str) -> tuple[str, int | None, int | None, int | None] | None:
    """“《中华人民共和国环境影响评价法》第31条第3款” → (环境影响评价法, 31, 3, None)."""
    found = _CITATION.match(basis.strip())
    if not found:
        return None
    article, paragraph, item = (int(found.group(n)) if found.group(n) else None
                                for n in ("article", "paragraph", "item"))
    return normalise_law(found.group("law")), article, paragraph, item


def split_conditions(position: int, text: str, findings: list[str]) -> tuple[str, list[str]]:
    """“…下列行为之一: 1.…; 2.…” → (lead-in, [condition, …]); numbering mended and reported."""
    lead, colon, rest = re.split(r"([::])", text, maxsplit=1) if re.search(r"之一的?\s*[::]", text) \
        else (text, "", "")
    if not colon:
        return "", [text.strip()]
    parts = [p.strip() for p in re.split(r"[;;]", rest) if p.strip()]
    conditions = []
    for expected, part in enumerate(parts, start=1):
        found = _NUMBERED.match(part)
        if found and int(found.group(1)) == expected:
            value = part[found.end():].strip()
            if re.match(r"\d", value) and not part[:found.end()].endswith(" "):
                findings.append(f"第{position}项情形{expected}:编号“{expected}.”与数值连排,"
                                f"印作“{part[:9]}…”,读作“{expected}. {value[:8]}…”")
            conditions.append(value)
        else:
            findings.append(f"第{position}项情形{expected}:缺少编号“{expected}.”"
                            f"(“{part[:14]}…”),按第{expected}种情形登记")
            conditions.append(part)
    return lead.strip(), conditions


def parse_list(body: str) -> ParsedList:
    parsed = ParsedList()
    flat = re.sub(r"\s+", "", body)
    found = re.search(r"自" + _DATE + r"起施行", flat)
    if found:
        parsed.effective_from = _date(found)
    else:
        parsed.findings.append("六:未找到施行日期")
    parsed.trial = "(试行)" in flat or "(试行)" in flat
    parsed.notes = [m.strip() for m in re.findall(r"(?:注:\s*)?\d\.\s*(本目录清单[^\n]+)", body)]
    category = ""
    for line in body.splitlines():
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != 5 or not cells[0].isdigit():
            continue
        position, printed_category, behaviour, basis, conditions_text = cells
        inherited = not printed_category
        if printed_category:
            category = printed_category
        item = ParsedItem(position=int(position), category=category, category_inherited=inherited,
                          behaviour=behaviour, basis=basis, conditions_text=conditions_text)
        citation = parse_citation(basis)
        if citation:
            item.law, item.article, item.paragraph, item.item = citation
        elif basis not in ("/", "/", ""):
            parsed.findings.append(f"第{position}项:无法读出法律条款“{basis}”")
        item.requirement, item.conditions = split_conditions(item.position, conditions_text,
                                                             parsed.findings)
        days = re.search(r"(\d+)\s*日内", conditions_text)
        item.correction_days = int(days.group(1)) if days else None
        fine = re.search(r"金额少于\s*(\d+(?:\.\d+)?)\s*元", conditions_text)
        if fine:
            item.fine_below = Decimal(fine.group(1))
        item.excludes_natural_person = "不包括自然人" in conditions_text
        parsed.items.append(item)
    positions = [i.position for i in parsed.items]
    expected = list(range(1, len(positions) + 1))
    if positions != expected:
        parsed.findings.append(f"附件1序号不连续:{positions}")
    return parsed
