"""Reading 衢政办发〔2020〕21号 (issue 15 §7): the tasks of 二 and the 附件 indicator list.

二 has six headings ``(一)致力…。`` and 22 tasks ``N.标题。正文`` each closed by ``责任单位:…``
and ``完成时间:2020年全年|2020年N月底前``; page breaks split words (“营商环境迭代\\n\\n升级”),
so 二 is read with all whitespace removed. The 附件 is a tab-separated table repeated under a
header on every page: a row with a 序号 starts an indicator, a row without one is another
牵头领导 line of the indicator above; a 主要任务 cell holds ``(1)…(2)…`` items. Printed
numbers are kept as printed; where they do not run 1, 2, 3… inside a cell (the table breaks
across pages and a cell's items continue under the next indicator) that is a finding.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

GROUP_NUMERALS = "一二三四五六"
_TASK = re.compile(
    r"(?:[((]([一二三四五六])[))](致力[^。]*)。)?(\d{1,2})\.(.+?)责任单位:(.+?)"
    r"完成时间:(\d{4}年(?:全年|\d{1,2}月底前))")
_DEADLINE = re.compile(r"(\d{4})年(?:(全年)|(\d{1,2})月底前)")
_SUB = re.compile(r"(?:^|(?<=\s))[((](\d{1,2})[))]")
COUNTIES = ["柯城区", "衢江区", "常山县", "开化县", "龙游县", "江山市"]
ALL_COUNTIES = "各县(市、区)政府"


@dataclass
class Task:
    number: int
    group: str
    group_title: str
    title: str
    text: str
    owners_text: str
    owners: list[str]
    deadline_text: str
    deadline: dt.date


@dataclass
class Lead:
    leader: str
    departments: list[str]
    departments_text: str
    responsible_text: str


@dataclass
class Subtask:
    number: int
    text: str


@dataclass
class Indicator:
    number: int
    name: str
    subtasks: list[Subtask] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)


@dataclass
class ParsedPlan:
    tasks: list[Task] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


def deadline_of(text: str) -> dt.date:
    """完成时间 as a date: “2020年全年” → 12-31; “2020年N月底前” → the last day of month N
    (inclusive; issue 15 §7)."""
    found = _DEADLINE.fullmatch(text.strip())
    if not found:
        raise ValueError(f"无法识别的完成时间“{text}”")
    year = int(found.group(1))
    if found.group(2):
        return dt.date(year, 12, 31)
    month = int(found.group(3))
    if not 1 <= month <= 12:
        raise ValueError(f"完成时间“{text}”的月份无效")
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _normalise_brackets(text: str) -> str:
    return text.replace("(", "(").replace(")", ")")


def unit_names(text: str) -> list[str]:
    """A printed list of units → names in order: split on 、 , , and spaces, a trailing 等
    dropped, 各县(市、区)政府 expanded to the six ``X人民政府``."""
    text = _normalise_brackets(text).replace(ALL_COUNTIES, "\x00")
    names: list[str] = []
    for part in re.split(r"[、,,\s]+", text):
        part = part.strip()
        if part.endswith("等"):
            part = part[:-1]
        if not part:
            continue
        if part == "\x00":
            names += [f"{county}人民政府" for county in COUNTIES]
        else:
            names.append(part.replace("\x00", ALL_COUNTIES))
    return names


def _section(flat: str, start: str, end: str) -> str:
    begin = flat.find(start)
    if begin < 0:
        return ""
    stop = flat.find(end, begin)
    return flat[begin + len(start): stop if stop > 0 else len(flat)]


def parse_tasks(body: str, parsed: ParsedPlan) -> None:
    flat = re.sub(r"\s+", "", body)
    section = _section(flat, "二、工作重点", "三、工作保障")
    if not section:
        parsed.findings.append("二:未找到“工作重点”,未读到任务")
        return
    group, group_title = "", ""
    for found in _TASK.finditer(section):
        if found.group(1):
            group, group_title = found.group(1), found.group(2)
        text = found.group(4)
        title = text.split("。", 1)[0]
        parsed.tasks.append(Task(
            number=int(found.group(3)), group=group, group_title=group_title, title=title[:200],
            text=text, owners_text=found.group(5), owners=unit_names(found.group(5)),
            deadline_text=found.group(6), deadline=deadline_of(found.group(6))))
    numbers = [task.number for task in parsed.tasks]
    if numbers != list(range(1, len(numbers) + 1)):
        parsed.findings.append(f"二:任务序号不连续({'、'.join(map(str, numbers))}),请核对")
    groups = sorted({task.group for task in parsed.tasks})
    if "".join(groups) != "".join(sorted(GROUP_NUMERALS)):
        parsed.findings.append(f"二:工作重点应为(一)至(六),读到{'、'.join(groups)}")
    if any(not task.group for task in parsed.tasks):
        parsed.findings.append("二:有任务出现在第一个工作重点标题之前,请核对")


def _subtasks(cell: str) -> list[Subtask]:
    text = re.sub(r"</?p>", " ", cell)
    pieces = _SUB.split(" " + text)
    return [Subtask(int(number), re.sub(r"\s+", " ", item).strip())
            for number, item in zip(pieces[1::2], pieces[2::2], strict=False)]


def _numbering_findings(indicator: Indicator) -> list[str]:
    """Printed item numbers should run 1, 2, 3… inside a cell; say where they do not."""
    found = []
    numbers = [sub.number for sub in indicator.subtasks]
    where = f"指标清单{indicator.number}“{indicator.name}”主要任务"
    if numbers and numbers[0] != 1:
        found.append(f"{where}编号从({numbers[0]})开始,前面的条目疑印在上一指标栏内(表格跨页)")
    for previous, current in zip(numbers, numbers[1:], strict=False):
        if current <= previous:
            found.append(f"{where}编号在({previous})之后重新从({current})开始(表格跨页续排),"
                         "按原文顺序导入,请核对归属")
        elif current != previous + 1:
            found.append(f"{where}编号由({previous})跳至({current}),缺少中间编号")
    return found


def parse_indicators(body: str, parsed: ParsedPlan) -> None:
    start = body.find("序号\t指标名称")
    if start < 0:
        parsed.findings.append("附件:未找到指标清单表格")
        return
    current: Indicator | None = None
    for line in body[start:].splitlines():
        cells = line.split("\t")
        if len(cells) != 6 or cells[0] == "序号":
            if len(cells) == 1 and cells[0].strip() and current is not None:
                break  # the table ended: the next article's text
            continue
        number, name, tasks, leader, departments, responsible = (c.strip() for c in cells)
        if number:
            current = Indicator(int(number), name, _subtasks(tasks))
            parsed.indicators.append(current)
        elif current is None or name or tasks:
            parsed.findings.append(f"附件:无法归属的表格行“{line[:40]}”")
            continue
        current.leads.append(Lead(leader=leader, departments=departments.split(),
                                  departments_text=departments, responsible_text=responsible))
    numbers = [indicator.number for indicator in parsed.indicators]
    if numbers != list(range(1, len(numbers) + 1)):
        parsed.findings.append(f"附件:指标序号不连续({'、'.join(map(str, numbers))})")
    for indicator in parsed.indicators:
        parsed.findings += _numbering_findings(indicator)
        for lead in indicator.leads:
            if not 1 <= len(lead.departments) <= 2:
                parsed.findings.append(f"指标清单{indicator.number}:牵头部门“{lead.departments_text}”"
                                       "应为1至2个单位")


def parse_plan(body: str) -> ParsedPlan:
    parsed = ParsedPlan()
    parse_tasks(body, parsed)
    parse_indicators(body, parsed)
    return parsed
