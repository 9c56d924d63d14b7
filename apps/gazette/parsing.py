"""Splitting a gazette's text into its table of contents and its articles.

Pure functions on text, no database: an article starts at its title block, the line
above a line that is only a document number; its signature is the first issuing-body
line followed by a date line (``2020 年 6 月 8 日``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber
from apps.core.text import normalise_name

DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
TOC_ENTRY = re.compile(r"^(?P<title>.*?)[(（](?P<number>[^()（）]+号)[)）]\s*(?P<page>\d+)$")
KINDS = ["实施意见", "决定", "通报", "通知", "通告", "办法", "意见"]


@dataclass
class TocEntry:
    title: str
    number: DocumentNumber
    printed: str
    page: int


@dataclass
class ParsedArticle:
    number: DocumentNumber
    printed: str
    title: str
    first_line: int  # 1-based line of the title
    number_line: int
    lines: list[str] = field(default_factory=list)  # body: after the number line
    issuing_body: str = ""
    date: dt.date | None = None
    public: bool = False

    @property
    def body(self) -> str:
        return "\n".join(self.lines).strip("\n")

    @property
    def kind(self) -> str:
        return next((k for k in KINDS if self.title.endswith(k)), "")


def squash(text: str) -> str:
    """Titles and issuing bodies on one spelling: no typesetting spaces, （）≡() (issue 10 §14)."""
    return normalise_name(text)


def _number_line(line: str) -> DocumentNumber | None:
    text = line.strip()
    if not text or len(text) > 30 or not text.endswith("号"):
        return None
    try:
        return DocumentNumber.parse(text)
    except InvalidDocumentNumber:
        return None


def parse_toc(lines: list[str]) -> list[TocEntry]:
    """The 目录 entries: title lines ending in ``(number) page``."""
    try:
        start = next(i for i, line in enumerate(lines) if squash(line) == "目录")
    except StopIteration:
        return []
    entries: list[TocEntry] = []
    block: list[str] = []
    for line in lines[start + 1:]:
        text = line.strip()
        if not text:
            block = []
            continue
        if _number_line(text):  # first article's number line: the TOC is over
            break
        if text.startswith("●"):
            block = []
            continue
        match = TOC_ENTRY.match(text)
        if match:
            try:
                number = DocumentNumber.parse(match["number"])
            except InvalidDocumentNumber:
                block.append(text)
                continue
            title = squash("".join(block) + match["title"])
            entries.append(TocEntry(title, number, match["number"], int(match["page"])))
            block = []
        else:
            block.append(text)
    return entries


def parse_articles(lines: list[str]) -> list[ParsedArticle]:
    """Articles in order of appearance, each with its signature and body lines."""
    starts: list[ParsedArticle] = []
    for index, line in enumerate(lines):
        number = _number_line(line)
        if number is None:
            continue
        title_end = index - 1
        while title_end >= 0 and not lines[title_end].strip():
            title_end -= 1
        title_start = title_end
        while title_start - 1 >= 0 and lines[title_start - 1].strip():
            title_start -= 1
        if title_end < 0:
            continue
        title = squash("".join(lines[title_start:title_end + 1]))
        starts.append(ParsedArticle(number, line.strip(), title, title_start + 1, index + 1))
    for position, article in enumerate(starts):
        end = starts[position + 1].first_line - 1 if position + 1 < len(starts) else len(lines)
        article.lines = [line.rstrip() for line in lines[article.number_line:end]]
        _find_signature(article)
    return starts


def _find_signature(article: ParsedArticle) -> None:
    for index, line in enumerate(article.lines):
        match = DATE_LINE.match(line.strip())
        if not match:
            continue
        previous = index - 1
        while previous >= 0 and not article.lines[previous].strip():
            previous -= 1
        body = article.lines[previous].strip() if previous >= 0 else ""
        if not body or len(body) > 30 or any(ch in body for ch in ",。:;,"):
            continue
        article.issuing_body = squash(body)
        article.date = dt.date(int(match[1]), int(match[2]), int(match[3]))
        following = [text.strip() for text in article.lines[index + 1:index + 4] if text.strip()]
        article.public = bool(following) and "此件公开发布" in following[0]
        return


def issue_title(lines: list[str]) -> str:
    """E.g. ``衢州政報 2020年6、7月 第6、7期``."""
    head = [line.strip() for line in lines[:12] if line.strip()]
    parts = [p for p in head if "政報" in p or "政报" in p or p.startswith("第") or "月" in p]
    return " ".join(parts[:3]) or "衢州政报"
