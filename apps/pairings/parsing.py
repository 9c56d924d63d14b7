"""Reading 衢政办发〔2020〕17号 as printed (issue 15 §5).

二 declares the units (“参与结对的单位共20家”), the term (“帮扶结对期限为2020—2022年”) and
the aid floor (“每个结对乡(村、连队)受助不少于10万元资金或物资”); 三(一) the yearly
专题研究/调研对接 counts, 三(三) the half-yearly written report. The 附件 is a tab-separated
table ``序号 结对单位名称 结对帮扶安排``; an arrangement cell is “村1个”, “连队2个” (several
parts, separated by 、 or ,, are read too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

CN_NUMBERS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
TARGET_KINDS = ["乡镇", "村", "连队"]
_PART = re.compile(r"(乡镇|村|连队)(\d+|[一两二三四五六七八九十])个")
TEN_THOUSAND = Decimal(10000)


@dataclass
class Row:
    position: int
    unit: str
    arrangement: str
    targets: dict[str, int] = field(default_factory=dict)


@dataclass
class ParsedPlan:
    declared_count: int | None = None
    term: tuple[int, int] | None = None
    aid_floor_wan: str | None = None  # 万元 as printed
    yearly_studies: int | None = None
    yearly_visits: int | None = None
    half_yearly_reports: bool = False
    rows: list[Row] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


def number(text: str) -> int | None:
    return int(text) if text.isdigit() else CN_NUMBERS.get(text)


def arrangement_targets(text: str) -> tuple[dict[str, int], str]:
    """“连队2个” → ({"连队": 2}, ""); what is left unread is returned for a finding."""
    targets: dict[str, int] = {}
    for kind, count in _PART.findall(text):
        targets[kind] = targets.get(kind, 0) + number(count)
    rest = re.sub(r"[、,,;;\s]", "", _PART.sub("", text))
    return targets, rest


def parse_plan(body: str) -> ParsedPlan:
    parsed = ParsedPlan()
    flat = re.sub(r"\s+", "", body)
    found = re.search(r"参与结对的单位共(\d+)家", flat)
    parsed.declared_count = int(found.group(1)) if found else None
    found = re.search(r"帮扶结对期限为(\d{4})[—\-–~至]+(\d{4})年", flat)
    parsed.term = (int(found.group(1)), int(found.group(2))) if found else None
    found = re.search(r"受助不少于(\d+(?:\.\d+)?)万元资金或物资", flat)
    parsed.aid_floor_wan = found.group(1) if found else None
    found = re.search(r"每年专题研究帮扶结对工作不少于(\d+|[一两二三四五六七八九十])次", flat)
    parsed.yearly_studies = number(found.group(1)) if found else None
    found = re.search(r"每年到受援地调研对接不少于(\d+|[一两二三四五六七八九十])次", flat)
    parsed.yearly_visits = number(found.group(1)) if found else None
    parsed.half_yearly_reports = bool(re.search(r"每半年要将工作开展情况,以书面形式报送", flat))
    _table(parsed, body.splitlines())
    return parsed


def _table(parsed: ParsedPlan, lines: list[str]) -> None:
    """The 附件 rows: 序号, 结对单位名称, 结对帮扶安排."""
    start = next((i for i, line in enumerate(lines)
                  if line.replace(" ", "").startswith("序号\t结对单位")), None)
    if start is None:
        parsed.findings.append("附件:未找到结对安排表(表头“序号 结对单位名称 结对帮扶安排”)")
        return
    for line in lines[start + 1:]:
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) < 2 or not cells[0].isdigit():
            if line.strip():
                break  # the table ends where the next document begins
            continue
        if len(cells) != 3:
            parsed.findings.append(f"附件:序号{cells[0]}应有3格,实际“{line.strip()}”")
            continue
        targets, rest = arrangement_targets(cells[2])
        if not targets or rest:
            parsed.findings.append(f"附件:序号{cells[0]}的结对帮扶安排“{cells[2]}”未能完全读出,请核对")
        parsed.rows.append(Row(int(cells[0]), cells[1], cells[2], targets))
