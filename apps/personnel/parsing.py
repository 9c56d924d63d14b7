"""Reading appointment notices (衢政干〔2020〕9号, 衢政办干〔2020〕5号) and the duty division
(衢政办发〔2020〕19号) out of gazette text. Pure functions, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apps.core.text import clean, split_list

NAMES = r"(?P<names>[\u4e00-\u9fff、]+?)"
APPOINT = re.compile(rf"^{NAMES}同志任(?P<what>.+?)(?P<probation>\(试用期(?P<term>[^)]+)\))?[;。]?$")
REMOVE = re.compile(rf"^(?:免去)?{NAMES}同志的(?P<what>.+?)(?P<type>职务|职级)[;。]?$")
ELECTION = re.compile(r"^同意(?P<text>.+?选举结果):$")
RANK = re.compile(r"^(?:[一二三四]级(?:巡视员|调研员|主任科员|科员)|科员|办事员)$")
# A unit's name ends with one of these; what follows is the post (衢州市人民政府办公室|秘书处副处长).
UNIT_ENDINGS = ("联合社", "办公室", "督查室", "研究室", "委员会", "管委会", "局", "中心", "院",
                "所", "公司", "集团", "政府")
TERMS = {"一年": 12, "半年": 6, "两年": 24, "二年": 24}


def split_post(text: str) -> tuple[str, str]:
    """(unit, post): the shortest prefix ending like a unit's name, beyond 衢州市人民政府."""
    for end in range(2, len(text)):
        prefix = text[:end]
        if prefix.endswith("政府") and text[end:].startswith(("办公室", "督查室", "研究室")):
            continue
        if prefix.endswith(UNIT_ENDINGS):
            return prefix, text[end:]
    return "", text


def probation_months(term: str | None) -> int | None:
    if not term:
        return None
    if term in TERMS:
        return TERMS[term]
    match = re.fullmatch(r"(\d+)个月", term)
    if match:
        return int(match[1])
    raise ValueError(f"无法识别的试用期“{term}”")


@dataclass
class ParsedItem:
    name: str
    action: str  # "appoint" / "remove"
    kind: str  # "post" / "rank"
    unit: str
    title: str
    probation_months: int | None
    election_text: str
    text: str


@dataclass
class ParsedNotice:
    items: list[ParsedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def notice_paragraphs(body: str) -> list[str]:
    """Lines rejoined across page breaks: every paragraph of a notice ends with ;, 。 or :
    (an item, a heading such as "免去:"), so a line ending otherwise was cut by a page break,
    wherever the break falls ("周扬涛同志任…副" + "处长(试用期一年)。", "刘秀云、汪水木、" +
    "顾劲立…")."""
    result: list[str] = []
    for line in (clean(raw) for raw in body.splitlines()):
        if not line:
            continue
        if result and result[-1][-1] not in ";。:":
            result[-1] += line
        else:
            result.append(line)
    return result


def parse_notice(body: str) -> ParsedNotice:
    """Ordered items of an appointment notice."""
    result = ParsedNotice()
    election = ""
    removing = False
    for text in notice_paragraphs(body):
        match = ELECTION.match(text)
        if match:
            election = match["text"]
            continue
        if text == "免去:":
            removing, election = True, ""
            continue
        match = REMOVE.match(text)
        if match:
            action, kind = "remove", "rank" if match["type"] == "职级" else "post"
        else:
            match = APPOINT.match(text)
            if match is None:
                if "同志" in text:
                    result.problems.append(f"无法识别的任免事项:“{text}”")
                continue
            if removing:
                result.problems.append(f"“免去”之后出现任职事项:“{text}”")
            action = "appoint"
        unit, title = split_post(match["what"])
        if action == "appoint":
            kind = "rank" if RANK.match(title) else "post"
        try:
            months = probation_months(match.groupdict().get("term"))
        except ValueError as exc:
            result.problems.append(str(exc))
            months = None
        if not unit:
            result.problems.append(f"无法从“{match['what']}”中分出单位和职务")
        for name in split_list(match["names"]):
            result.items.append(ParsedItem(
                name=name, action=action, kind=kind, unit=unit, title=title,
                probation_months=months if action == "appoint" else None,
                election_text=election if action == "appoint" else "", text=text))
        if text.endswith("。"):  # "同意…选举结果:" covers the items up to the sentence's end
            election = ""
    if not result.items:
        result.problems.append("未找到任免事项")
    return result


@dataclass
class ParsedDuty:
    name: str
    titles: list[str]
    duties: str
    offices: list[tuple[str, str]]  # (office, "in_charge" / "assisting" / "presiding")


_ELLIPTICAL = re.compile(r"党组(?:副)?书记|党组成员|副?主任")
_ORG_OF_TITLE = re.compile(r"(.+?)(?:党组|副主任|主任|副秘书长|秘书长)")


def titles_of(text: str) -> list[str]:
    """A leader's titles, with the unit of an elided title restored from the title before it:
    "办公室党组副书记、主任" → 办公室党组副书记, 办公室主任; "市协作中心主任、党组书记" →
    市协作中心主任, 市协作中心党组书记 (衢政办发〔2020〕19号 prints the unit once)."""
    titles: list[str] = []
    for group in re.split(r"[,,]", clean(text)):
        unit = ""
        for part in (p for p in group.split("、") if p):
            if unit and _ELLIPTICAL.fullmatch(part):
                part = unit + part
            else:
                match = _ORG_OF_TITLE.match(part)
                unit = match[1] if match else ""
            titles.append(part)
    return titles


LEADER = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,4})\s+(?P<titles>\S.*)$")
CHARGE = re.compile(r"^(?P<assist>协助)?分管(?P<offices>.+)$")
# “主持市协作中心和市招商办工作”, “主持市政府研究室日常工作”, “主持办公室党组全面工作”.
PRESIDE = re.compile(r"^主持(?P<offices>.+?)(?:全面|日常)?工作$")
_NEXT_UNIT = re.compile(r"和(?=市|衢州)")


def _units(text: str) -> list[str]:
    """Offices of an enumeration: split on 、, and on 和 only before another unit's name
    (“市协作中心和市招商办”), never inside one (“反走私和口岸管理办公室”)."""
    return [unit for part in split_list(text) for unit in _NEXT_UNIT.split(part) if unit]


def offices_in(duties: str) -> list[tuple[str, str]]:
    """Offices named after 分管 / 协助分管 (not “协助分管副市长…”), and the offices a leader
    presides over (“主持…工作”, issue 10 §13), in a duties text (衢政办发〔2020〕19号)."""
    found = []
    for clause in re.split(r"[;。,]", clean(duties)):
        match = CHARGE.match(clause)
        if match and "副市长" not in clause and "处理" not in clause:
            relation = "assisting" if match["assist"] else "in_charge"
            found.extend((office, relation) for office in _units(match["offices"]))
            continue
        match = PRESIDE.match(clause)
        if match:
            found.extend((office, "presiding") for office in _units(match["offices"]))
    return found


def parse_duties(body: str) -> list[ParsedDuty]:
    """Each leader's line ("郑河江 市政府秘书长、办公室党组书记") and duties paragraph.

    A duties paragraph cut by a page break (a line not ending in 。) is joined to the next
    line; an unfinished fragment before the signature is dropped with it.
    """
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    duties: list[ParsedDuty] = []
    current: ParsedDuty | None = None
    pending = ""
    for line in lines:
        if line.startswith("(此件") or re.match(r"^\d{4}\s*年", line):
            break
        match = LEADER.match(line)
        if match and not line.endswith(("。", ":", ":")):
            current = ParsedDuty(match["name"], titles_of(match["titles"]), "", [])
            duties.append(current)
            pending = ""
            continue
        if current is None:
            continue
        text = pending + clean(line)
        if not text.endswith("。"):
            pending = text
            continue
        pending = ""
        current.duties += text
        current.offices = offices_in(current.duties)
    return duties
