"""Reading cleanup notices and “同时废止” clauses from gazette text (pure functions, no DB).

The gazette breaks pages inside sentences and tables: table rows are rejoined until their
last tab-separated field is a document number, and clauses are read from the squashed text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber

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
    return re.sub(r"\s+", "", text).replace("(", "(").replace(")", ")")


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
    clause: str
    title: str
    number: DocumentNumber | None
    number_as_printed: str
    date: dt.date | None  # when named only by title and date
    issuer: str  # as written, e.g. 衢州市环境保护局 (the 原 dropped)


def effective_date(body: str) -> dt.date | None:
    match = EFFECTIVE.search(squash(body))
    return _date(match) if match else None


def parse_repeal_clauses(body: str) -> list[RepealClause]:
    """Documents a text repeals “同时废止”, named by number or only by title and date."""
    flat = re.sub(r"\s*\n\s*", "", body)
    clauses = []
    for sentence in re.split(r"[。;;]", flat):
        if "同时废止" not in sentence:
            continue
        sentence = sentence.strip()
        before = sentence[: sentence.index("同时废止")]
        # The sentence may first state the effective date (本通知自…起施行);
        # the repealed text is what follows the last comma or full stop.
        tail = re.split(r"[,,]", before)[-1] if "起施行" in before else before
        titles = re.findall(r"《([^》]+)》", tail)
        title = squash(titles[-1]) if titles else ""
        found = DocumentNumber.find_all(tail)
        number, printed = (found[-1] if found else (None, ""))
        date_match = re.search(DATE, tail)
        issuer = ""
        if date_match:
            issuer_match = re.search(DATE + r"\s*原?(.+?)(?:发布|印发)的", tail)
            issuer = squash(issuer_match[4]) if issuer_match else ""
        elif title:
            issuer = title_issuer(title)
        clauses.append(RepealClause(
            clause=squash(sentence),
            title=title, number=number, number_as_printed=printed.strip(),
            date=_date(date_match) if date_match and number is None else None,
            issuer=issuer))
    return clauses


def title_issuer(title: str) -> str:
    """The issuing body a title starts with (衢州市人民政府关于… → 衢州市人民政府), or ''."""
    match = re.match(r"^(衢州市\S{0,20}?(?:人民政府办公室|人民政府|局|委员会|办公室))(?:关于|转发|印发)",
                     title)
    return match[1] if match else ""
