"""Reading commendation decisions (衢政发〔2020〕12–15号) out of gazette text.

Pure functions, no database. The gazette breaks pages inside names and lists
("黄华伟(市农\\n\\n业农村局)"), so paragraphs are rejoined before anything is split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apps.core.text import clean, split_list

NUMERALS = "一二三四五六七八九十"
AWARD_LABELS = [
    "先进集体", "先进个人",
    "集体一等功", "集体二等功", "集体三等功", "集体嘉奖",
    "个人一等功", "个人二等功", "个人三等功", "个人嘉奖",
]
COLLECTIVE_LABELS = {"先进集体", "集体一等功", "集体二等功", "集体三等功", "集体嘉奖"}
_LABELS = "|".join(AWARD_LABELS)
_COUNT = r"\((?P<count>\d+)(?P<unit>家|名|人)\)"

HEADING = re.compile(rf"^[{NUMERALS}]+、(?P<title>[^:。]+?)(?:{_COUNT})?$")
SUB_LIST = re.compile(rf"^\([{NUMERALS}]+\)(?P<title>[^:]+?){_COUNT}:(?P<list>.+)$")
KIND_LIST = re.compile(rf"^(?P<title>{_LABELS}){_COUNT}:(?P<list>.+)$")
SINGLE = re.compile(rf"决定给予(?P<name>[\u4e00-\u9fff]{{2,4}}?)同志记(?P<award>{_LABELS})")
BASIS = re.compile(r"根据((?:《[^》]+》)+)")
_NUMBERING = re.compile(rf"^[{NUMERALS}]+、")
PERSON = re.compile(r"^(?P<name>[^()]+)\((?P<unit>.+)\)$")


def _depth(text: str) -> int:
    return text.count("(") - text.count(")")


def paragraphs(body: str) -> list[str]:
    """Non-empty lines, with page breaks inside names and lists mended.

    In a commendation every paragraph ends with 。 or :, and headings start with 一、二、…;
    any other line was cut by a page break and continues on the next non-empty line
    ("黄华伟(市农" + "业农村局)", "…、马" + "龙举(…)", "…、徐峰(市住建局)" + "、黄华伟…").
    """
    lines = [clean(line) for line in body.splitlines()]
    lines = [line for line in lines if line]
    result: list[str] = []
    for line in lines:
        if result:
            last = result[-1]
            open_paren = _depth(last) > 0
            cut = last[-1] not in "。;:" and not _NUMBERING.match(last)
            continues = line[0] in "、。;,)"
            if open_paren or cut or continues:
                result[-1] = last + line
                continue
        result.append(line)
    return result


@dataclass
class ParsedRecipient:
    text: str  # as printed (after mending page breaks)
    name: str  # person name, or organisation name for a collective
    unit: str = ""  # work unit of a person, as printed


@dataclass
class ParsedSection:
    title: str
    award: str | None  # an AWARD_LABELS entry, or None for a grouping heading
    declared: int | None
    parent: int | None = None  # index of the parent section in ParsedDecision.sections
    recipients: list[ParsedRecipient] = field(default_factory=list)

    @property
    def collective(self) -> bool:
        return self.award in COLLECTIVE_LABELS


@dataclass
class ParsedDecision:
    basis: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _award_in(title: str) -> str | None:
    return next((label for label in AWARD_LABELS if label in title), None)


def _recipients(text: str, section: ParsedSection, problems: list[str]) -> None:
    for item in split_list(text):
        if section.collective:
            section.recipients.append(ParsedRecipient(text=item, name=item))
            continue
        match = PERSON.match(item)
        if match is None:
            problems.append(f"“{section.title}”中的“{item}”不是“姓名(单位)”格式")
            section.recipients.append(ParsedRecipient(text=item, name=item))
        else:
            section.recipients.append(
                ParsedRecipient(text=item, name=match["name"], unit=match["unit"]))


def parse_decision(body: str) -> ParsedDecision:
    """Sections (with declared counts) and recipients of one commendation decision."""
    result = ParsedDecision()
    flat = "".join(paragraphs(body))
    basis = BASIS.search(flat)
    result.basis = basis.group(1) if basis else ""
    top: int | None = None
    waiting: int | None = None  # a heading whose list is the next paragraph
    for text in paragraphs(body):
        if text.startswith("希望"):
            break
        match = SUB_LIST.match(text) or KIND_LIST.match(text)
        if match:
            award = _award_in(match["title"])
            if award is None and top is not None:
                award = result.sections[top].award
            section = ParsedSection(match["title"], award, int(match["count"]), parent=top)
            result.sections.append(section)
            _recipients(match["list"], section, result.problems)
            waiting = None
            continue
        match = HEADING.match(text)
        if match:
            count = int(match["count"]) if match["count"] else None
            section = ParsedSection(match["title"], _award_in(match["title"]), count)
            result.sections.append(section)
            top = waiting = len(result.sections) - 1
            continue
        if waiting is not None and result.sections[waiting].award:
            _recipients(text, result.sections[waiting], result.problems)
            waiting = None
            continue
        match = SINGLE.search(text)
        if match and not result.sections:
            section = ParsedSection(match["award"], match["award"], None)
            section.recipients.append(ParsedRecipient(text=match["name"], name=match["name"]))
            result.sections.append(section)
    if not result.sections:
        result.problems.append("未找到表彰名单")
    return result


def descendants(sections: list[ParsedSection], index: int) -> list[int]:
    return [i for i, s in enumerate(sections) if s.parent == index]


def listed_count(sections: list[ParsedSection], index: int) -> int:
    """Recipients listed in a section and its sub-sections."""
    return len(sections[index].recipients) + sum(
        listed_count(sections, child) for child in descendants(sections, index))
