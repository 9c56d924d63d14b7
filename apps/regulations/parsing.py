"""Reading cleanup notices and “同时废止” clauses from gazette text (pure functions, no DB).

The gazette breaks pages inside sentences and tables: table rows are rejoined until their
last tab-separated field is a document number, and clauses are read from the squashed text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber
from apps.core.text import normalise_name

from .models import Outcome

DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
EFFECTIVE = re.compile(r"自\s*" + DATE + r"\s*起\s*(?:施行|实施|执行|生效)")
DEADLINE = re.compile(r"有效期\s*(?:截止|截至)(?:到|至)?\s*" + DATE)
LEGAL_BASIS = re.compile(r"根据\s*(《[^》]+》\s*(?:\([^)]*\))?)")
HEADING = re.compile(r"(继续有效|需修改|废止|宣布失效)\S*?目录(?:\(共(\d+)件\))?")
ROW_START = re.compile(r"^\s*(\d+)\t")
HEADING_OUTCOME = {"继续有效": Outcome.CONTINUE, "需修改": Outcome.REVISE,
                   "废止": Outcome.REPEAL, "宣布失效": Outcome.INVALID}
ANNOUNCED = {
    "total": re.compile(r"共计\s*(\d+)\s*件"),
    Outcome.CONTINUE: re.compile(r"(?:继续保留|继续有效的(?:行政)?规范性文件)\s*(\d+)\s*件"),
    Outcome.REVISE: re.compile(r"需修改的(?:行政)?规范性文件\s*(\d+)\s*件"),
    Outcome.REPEAL: re.compile(r"废止(?:的(?:行政)?规范性文件)?\s*(\d+)\s*件"),
    Outcome.INVALID: re.compile(r"宣布失效的(?:行政)?规范性文件\s*(\d+)\s*件"),
}
# Words that belong to a list's heading, not to a title (衢市监规〔2020〕1号 附件2 第6项).
STRAY_TITLE_WORDS = ["继续有效", "需修改", "宣布失效"]


def squash(text: str) -> str:
    """Titles and clauses on one spelling: （）≡(), no spaces (issue 10 §14)."""
    return normalise_name(text)


def _date(match: re.Match) -> dt.date:
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


@dataclass
class ListedItem:
    outcome: str
    position: int
    title: str  # as printed
    number: DocumentNumber
    number_as_printed: str
    line: int  # 1-based line of the body


@dataclass
class CampaignText:
    announced: dict[str, int] = field(default_factory=dict)
    heading_counts: dict[str, int] = field(default_factory=dict)
    effective_date: dt.date | None = None
    revise_deadline: dt.date | None = None
    legal_basis: str = ""
    items: list[ListedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_campaign(body: str) -> CampaignText:
    """The announced totals, dates and every list row of a cleanup notice."""
    result = CampaignText()
    flat = squash(body)
    for key, pattern in ANNOUNCED.items():
        match = pattern.search(flat)
        if match:
            result.announced[str(key)] = int(match[1])
    match = EFFECTIVE.search(flat)
    result.effective_date = _date(match) if match else None
    match = DEADLINE.search(flat)
    result.revise_deadline = _date(match) if match else None
    match = LEGAL_BASIS.search(flat)
    result.legal_basis = match[1] if match else ""

    outcome: str | None = None
    row: list[str] = []
    row_line = 0

    def close_row() -> None:
        if not row:
            return
        text = "".join(row)
        fields = [f.strip() for f in text.split("\t") if f.strip()]
        try:
            position = int(fields[0])
            printed = fields[-1]
            number = DocumentNumber.parse(printed)
            title = squash("".join(fields[1:-1]))
        except (IndexError, ValueError, InvalidDocumentNumber) as exc:
            result.problems.append(f"第{row_line}行无法识别为目录条目:“{text.strip()}”({exc})")
        else:
            if outcome is None:
                result.problems.append(f"第{row_line}行的条目不在任何目录标题之下:“{text.strip()}”")
            else:
                result.items.append(ListedItem(outcome, position, title, number, printed, row_line))
        row.clear()

    for index, line in enumerate(body.splitlines(), start=1):
        text = line.strip()
        heading = HEADING.fullmatch(squash(text)) if text else None
        if heading:
            close_row()
            outcome = HEADING_OUTCOME[heading[1]]
            if heading[2]:
                result.heading_counts[str(outcome)] = int(heading[2])
            continue
        if not text:
            continue
        if squash(text) == "序号文件名称文号":
            close_row()
            continue
        if ROW_START.match(line):
            close_row()
            row.append(line)
            row_line = index
            continue
        if row and not _row_complete(row):
            row.append(line)  # a title broken by the page
            continue
        close_row()
    close_row()
    return result


def _row_complete(row: list[str]) -> bool:
    last = "".join(row).split("\t")[-1]
    try:
        DocumentNumber.parse(last)
    except InvalidDocumentNumber:
        return False
    return True


def stray_words(title: str) -> tuple[str, str]:
    """(clean title, stray words) — a title ending in a list heading's words."""
    for word in STRAY_TITLE_WORDS:
        if title.endswith(word) and len(title) > len(word) + 4:
            return title[: -len(word)], word
    return title, ""


@dataclass
class RepealClause:
    """One document a “同时废止” clause repeals (a clause naming several gives one each)."""

    clause: str
    title: str
    number: DocumentNumber | None
    number_as_printed: str
    date: dt.date | None  # when named only by title and date
    issuer: str  # as written, e.g. 衢州市环境保护局 (the 原 dropped)
    former_issuer: bool = False  # printed “原衢州市环境保护局”: a body since abolished


@dataclass
class RepealSentence:
    """A sentence with “同时废止”: the documents it names, and what could not be read."""

    clause: str
    targets: list[RepealClause] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)


def effective_date(body: str) -> dt.date | None:
    match = EFFECTIVE.search(squash(body))
    return _date(match) if match else None


# “《title》(衢政办发(2016)7号)”: the number follows its title in brackets of any width.
_MENTION_NUMBER = re.compile("^\\s*[(\uff08]\\s*([^《》,,、]{1,40}?号)\\s*[)\uff09]")
_BY_DATE = re.compile(DATE + r"\s*(原)?(.+?)(?:发布|印发|制定)的\s*$")
_CONNECTORS = re.compile(r"^(?:[、,,和及与以及原等的文件同时废止\s]|以下)*$")


def _titles(text: str) -> list[tuple[int, int, str]]:
    """(start, end, title) of every outermost 《…》, nested 《》 kept inside the title."""
    found, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "《":
            if depth == 0:
                start = index
            depth += 1
        elif char == "》" and depth:
            depth -= 1
            if depth == 0:
                found.append((start, index + 1, text[start + 1:index]))
    return found


def _mentions(segment: str) -> tuple[list[RepealClause], list[str]]:
    """Documents named in ``segment`` in order — 《title》, 《title》(number) in any bracket
    form, or a bare number — and the leftover text that names something unreadable."""
    items: list[tuple[int, int, str, str]] = []  # start, end, title, printed number
    for start, end, title in _titles(segment):
        match = _MENTION_NUMBER.match(segment[end:])
        printed = ""
        if match:
            try:
                DocumentNumber.parse(match[1])
                printed, end = match[1], end + match.end()
            except InvalidDocumentNumber:
                pass
        items.append((start, end, title, printed))
    masked = list(segment)
    for start, end, _t, _p in items:
        masked[start:end] = "、" * (end - start)
    masked_text = "".join(masked)
    for _number, printed in DocumentNumber.find_all(masked_text):
        start = masked_text.index(printed)
        items.append((start, start + len(printed), "", printed))
        masked_text = masked_text[:start] + "、" * len(printed) + masked_text[start + len(printed):]
    items.sort()
    targets, unread, previous = [], [], 0
    for start, end, title, printed in items:
        between = segment[previous:start]
        date = issuer = ""
        former = False
        by_date = _BY_DATE.search(between)
        if by_date:
            date, former, issuer = _date(by_date), bool(by_date[4]), squash(by_date[5])
        elif not _CONNECTORS.match(squash(between)):
            unread.append(squash(between))
        number = DocumentNumber.parse(printed) if printed else None
        title = squash(title)
        if not issuer and title:
            issuer = title_issuer(title)
        targets.append(RepealClause(
            clause="", title=title, number=number, number_as_printed=printed.strip(),
            date=date if date and number is None else None, issuer=issuer,
            former_issuer=former))
        previous = end
    rest = squash(segment[previous:])
    if rest and not _CONNECTORS.match(rest):
        unread.append(rest)
    return targets, unread


def parse_repeal_sentences(body: str) -> list[RepealSentence]:
    """Every “同时废止” sentence and each document it repeals (issue 10 §11): “原《A》(甲号)、
    《B》和乙号同时废止” or “…起施行,同时废止《A》《B》” repeal every document named."""
    flat = re.sub(r"\s*\n\s*", "", body)
    sentences = []
    for sentence in re.split(r"[。;;]", flat):
        if "同时废止" not in sentence:
            continue
        sentence = sentence.strip()
        at = sentence.index("同时废止")
        before, after = sentence[:at], sentence[at + len("同时废止"):]
        # The sentence may first state the effective date (本通知自…起施行);
        # the repealed text is what follows the last comma.
        segment = re.split(r"[,,]", before)[-1] if "起施行" in before else before
        if not squash(segment) or _CONNECTORS.match(squash(segment)):
            segment = after  # “…起施行,同时废止《A》”
        targets, unread = _mentions(segment)
        for target in targets:
            target.clause = squash(sentence)
        sentences.append(RepealSentence(squash(sentence), targets, unread))
    return sentences


def parse_repeal_clauses(body: str) -> list[RepealClause]:
    """Every document the text repeals “同时废止”, one entry per document named."""
    return [target for sentence in parse_repeal_sentences(body) for target in sentence.targets]


_ISSUER = re.compile(r"衢州市\S{0,20}?(?:人民政府办公室|人民政府|委员会|办公室|局)(?=衢州市|$)")
_ISSUER_HEAD = re.compile(r"^(衢州市.+?)(?:等\d+个?(?:部门|单位))?(?:关于|转发|印发)")


def title_issuers(title: str) -> list[str]:
    """The issuing bodies a title starts with, lead first: “衢州市生态环境局衢州市财政局关于…”
    → [衢州市生态环境局, 衢州市财政局]; “衢州市生态环境局等9部门关于…” → [衢州市生态环境局];
    a title that names no issuer (“关于印发…”) → []."""
    head = _ISSUER_HEAD.match(squash(title))
    if head is None:
        return []
    names = _ISSUER.findall(head[1])
    return names if "".join(names) == head[1] else []


def title_issuer(title: str) -> str:
    """The (lead) issuing body a title starts with (衢州市人民政府关于… → 衢州市人民政府), or ''."""
    names = title_issuers(title)
    return names[0] if names else ""
