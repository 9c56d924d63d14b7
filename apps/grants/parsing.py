"""Reading 衢政办发〔2020〕16号 (issue 15 §4): the four groups of 二 and the periods of 三.

二(一)/(二) number their items ``1.``; (二)1 has sub-points ``(1)``, ``(2)`` (keys ``.1``, ``.2``);
(三)/(四) are one sentence each, a list whose entries are separated by the top-level comma
(a 、 inside an entry such as “运用、服务、保护项目” stays in it), ending in “的奖补政策暂缓执行”
/ “停止执行”. A page break can split a word (“企业\\n\\n家”): paragraphs of one item are joined
without a separator. No group declares a count (“一批”), so nothing is reconciled.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

GROUPS = {"一": "added", "二": "adjusted", "三": "suspended", "四": "stopped"}
GROUP_HEADINGS = {"added": "新增执行", "adjusted": "调整优化", "suspended": "暂缓执行", "stopped": "停止执行"}


@dataclass
class Item:
    group: str
    key: str
    title: str
    text: str
    position: int
    valid_until: dt.date | None = None


@dataclass
class ParsedGrants:
    items: list[Item] = field(default_factory=list)
    from_publication: bool = False
    old_number: str | None = None
    findings: list[str] = field(default_factory=list)

    def get(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _sections(flat: str) -> dict[str, str]:
    """二's four parts, from “(一)新增执行一批政策。” to the next heading or “三、调整期限”."""
    marks = list(re.finditer(r"[((]([一二三四])[))](新增执行|调整优化|暂缓执行|停止执行)一批政策。", flat))
    end = flat.find("三、调整期限")
    parts = {}
    for index, mark in enumerate(marks):
        stop = marks[index + 1].start() if index + 1 < len(marks) else (end if end > 0 else len(flat))
        parts[GROUPS[mark.group(1)]] = flat[mark.end():stop]
    return parts


def _numbered(group: str, text: str) -> list[Item]:
    """“1.标题。正文” items; “(1)标题。正文” sub-points become ``<key>.1``."""
    items: list[Item] = []
    pieces = re.split(r"(?:(?<=^)|(?<=。))(\d+)\.", text)
    for number, body in zip(pieces[1::2], pieces[2::2], strict=False):
        title, _, _ = body.partition("。")
        key = f"{group}-{number}"
        items.append(Item(group, key, title, body, len(items) + 1))
        subs = re.split(r"[((](\d+)[))]", body)
        for sub_number, sub_body in zip(subs[1::2], subs[2::2], strict=False):
            sub_title, _, _ = sub_body.partition("。")
            items.append(Item(group, f"{key}.{sub_number}", sub_title, sub_body, len(items) + 1))
    return items


def _top_level_split(text: str) -> list[str]:
    """Split on commas outside brackets and quotes (“绿色园区(工厂、设计产品)” stays whole)."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "((“":
            depth += 1
        elif char in "))”" and depth:
            depth -= 1
        if char in ",," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [part for part in parts if part]


def _listed(group: str, text: str, tail: str) -> tuple[list[Item], list[str]]:
    findings = []
    sentence = text.rstrip("。")
    if sentence.endswith(tail):
        sentence = sentence[: -len(tail)]
    else:
        findings.append(f"{GROUP_HEADINGS[group]}:未找到结尾“{tail}”,请核对")
    items = [Item(group, f"{group}-{n}", entry, entry, n)
             for n, entry in enumerate(_top_level_split(sentence), start=1)]
    return items, findings


def parse_grants(body: str) -> ParsedGrants:
    parsed = ParsedGrants()
    flat = _flat(body)
    parts = _sections(flat)
    for group in GROUPS.values():
        if group not in parts:
            parsed.findings.append(f"二:未找到“{GROUP_HEADINGS[group]}一批政策”")
    parsed.items += _numbered("added", parts.get("added", ""))
    parsed.items += _numbered("adjusted", parts.get("adjusted", ""))
    for group, tail in (("suspended", "的奖补政策暂缓执行"), ("stopped", "的奖补政策停止执行")):
        items, findings = _listed(group, parts.get(group, ""), tail)
        parsed.items += items
        parsed.findings += findings
    parsed.from_publication = "本通知自公布之日起施行" in flat or "本通知自发布之日起施行" in flat
    found = re.search(r"2019年度的奖补项目按.*?[((](衢政办发〔2019〕35号)[))]执行", flat)
    parsed.old_number = found.group(1) if found else None
    _periods(parsed, flat)
    return parsed


def _periods(parsed: ParsedGrants, flat: str) -> None:
    """三: “…有效期截至2020年12月31日” for the quoted items; the 第14号令 items get no date."""
    section = flat[flat.find("三、调整期限"):]
    found = re.search(r"新增项目中的“([^”]+)”和调整优化项目中的“([^”]+)”增加资金有效期截至(\d{4})年(\d{1,2})月(\d{1,2})日",
                      section)
    if not found:
        parsed.findings.append("三:未找到“有效期截至”的日期,请人工录入到期日")
        return
    until = dt.date(int(found.group(3)), int(found.group(4)), int(found.group(5)))
    for group, title in (("added", found.group(1)), ("adjusted", found.group(2))):
        item = next((i for i in parsed.items if i.group == group and title in i.text), None)
        if item is None:
            parsed.findings.append(f"三:未找到“{title}”对应的条目,有效期未登记")
        else:
            item.valid_until = until
    ordered = re.search(r"新增项目中的(.+?)按照.*?“(第\d+号令)”", section)
    if ordered:
        titles = [t for t in re.findall(r"([^“”]+)", ordered.group(1)) if "补助" in t]
        parsed.findings.append(
            f"三:{'、'.join(titles)}按“{ordered.group(2)}”等限定时间执行,该令未在政报刊载,"
            "到期日期请经信部门以“到期”事件录入")
