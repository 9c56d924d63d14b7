"""Document numbers (文号): ``<issuer code>〔<year>〕<serial>号`` (DOMAIN §0).

The gazette prints the brackets as 〔〕, [] or () — half or full width — and sometimes
puts spaces before 号; all are the same number. ``DocumentNumber`` keeps the parts and
one normalised text with 〔〕.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = "〔[(（【［"
CLOSE = "〕])）】］"
_CJK = r"\u3400-\u9fff"
# Issuer codes start with the place (衢, 浙); national ones with 国 or 财.
ISSUER_PLACES = "衢浙"
ISSUER_NATIONAL = "国财"


def _issuer_start(issuer: str) -> int:
    """Where the issuer code starts in a run of Chinese that ends with it ("根据衢政发")."""
    place = max(issuer.rfind(c) for c in ISSUER_PLACES)
    if place >= 0:
        return place
    national = [issuer.find(c) for c in ISSUER_NATIONAL if c in issuer]
    return min(national) if national else 0

_NUMBER = re.compile(
    rf"(?P<issuer>[{_CJK}]+(?:[{_CJK}]|\s)*?)\s*"
    rf"[{re.escape(OPEN)}]\s*(?P<year>\d{{4}})\s*[{re.escape(CLOSE)}]\s*"
    r"(?P<serial>\d{1,5})\s*号"
)


class InvalidDocumentNumber(ValueError):
    """Text that is not a document number; the message says why, in Chinese."""


@dataclass(frozen=True, order=True)
class DocumentNumber:
    issuer: str
    year: int
    serial: int

    @classmethod
    def parse(cls, text: str) -> DocumentNumber:
        """Parse one number written in any accepted form; reject anything else."""
        if text is None:
            raise InvalidDocumentNumber("文号为空")
        raw = str(text).strip()
        if not raw:
            raise InvalidDocumentNumber("文号为空")
        if raw in {"/", "-", "—", "无"}:
            raise InvalidDocumentNumber(f"“{raw}”不是文号:文号应为 机关代字〔年份〕序号号")
        match = _NUMBER.fullmatch(raw)
        if match is None:
            raise InvalidDocumentNumber(cls._explain(raw))
        issuer = re.sub(r"\s+", "", match["issuer"])
        year = int(match["year"])
        if not 1949 <= year <= 2100:
            raise InvalidDocumentNumber(f"“{raw}”的年份 {year} 不合理")
        serial = int(match["serial"])
        if serial <= 0:
            raise InvalidDocumentNumber(f"“{raw}”的序号必须大于0")
        return cls(issuer=issuer, year=year, serial=serial)

    @staticmethod
    def _explain(raw: str) -> str:
        if not re.search(rf"[{_CJK}]", raw):
            return f"“{raw}”不是文号:缺少机关代字(应为 机关代字〔年份〕序号号)"
        if not any(c in raw for c in OPEN) or not any(c in raw for c in CLOSE):
            return f"“{raw}”不是文号:年份须用〔〕、[]或()括起"
        if not re.search(r"[" + re.escape(CLOSE) + r"]\s*\d", raw):
            return f"“{raw}”不是文号:括号后缺少序号"
        if not raw.endswith("号"):
            return f"“{raw}”不是文号:应以“号”结尾"
        if not re.search(r"\d{4}", raw):
            return f"“{raw}”不是文号:年份应为四位数字"
        return f"“{raw}”不是文号:格式应为 机关代字〔年份〕序号号"

    @classmethod
    def find_all(cls, text: str) -> list[tuple[DocumentNumber, str]]:
        """All numbers in running text, with the exact text as printed."""
        found = []
        for match in _NUMBER.finditer(text):
            printed = match.group(0)
            issuer = re.sub(r"\s+", "", match["issuer"])
            # In running text the match can swallow words before the issuer code
            # ("废止衢政发…"); issuer codes start with the place abbreviation.
            cut = _issuer_start(issuer)
            if cut > 0:
                issuer = issuer[cut:]
                printed = printed[printed.index(issuer[0], _raw_offset(printed, cut)):]
            found.append((cls(issuer, int(match["year"]), int(match["serial"])), printed))
        return found

    @staticmethod
    def is_standard_form(text: str) -> bool:
        """True when printed exactly as normalised: 〔〕 and no spaces."""
        try:
            return str(DocumentNumber.parse(text)) == text.strip()
        except InvalidDocumentNumber:
            return False

    def __str__(self) -> str:
        return f"{self.issuer}〔{self.year}〕{self.serial}号"


def _raw_offset(raw: str, chars: int) -> int:
    """Index in ``raw`` of its ``chars``-th non-space character."""
    seen = 0
    for index, ch in enumerate(raw):
        if not ch.isspace():
            if seen == chars:
                return index
            seen += 1
    return len(raw)


def normalise(text: str) -> str:
    """The normalised 〔〕 form of a number in any accepted form."""
    return str(DocumentNumber.parse(text))
