"""Gazette handler for 衢政办发〔2020〕20号: the policy version is checked against the text.

The parameters are read from the article (thresholds 3 % / 6 %, 2倍, 18元, 50 %, start date)
and compared with the stored version; a missing version is created, a differing one is
reported to staff, never silently overwritten. Idempotent: a second import changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from apps.gazette.registry import ParseResult

from .models import PolicyVersion

NUMBER = "衢政办发〔2020〕20号"

PATTERNS = {
    "scpi_threshold": r"SCPI\)单月同比涨幅达到\s*(\d+(?:\.\d+)?)\s*%",
    "food_threshold": r"食品价格指数单月同比涨幅达到\s*(\d+(?:\.\d+)?)\s*%",
    "minimum_rate": r"涨幅低于\s*\d+(?:\.\d+)?\s*%\s*的,按照\s*(\d+(?:\.\d+)?)\s*%\s*计算",
    "multiplier": r"月度同比涨幅的\s*(\d+)\s*倍",
    "floor": r"不低于每人每月\s*(\d+(?:\.\d+)?)\s*元",
    "edge_ratio": r"边缘对象基本生活价格补贴,按不低于城乡最低生活保障对象基本生活价格补贴的\s*(\d+)\s*%",
    "university_ratio": r"城镇低保对象价格补贴的\s*(\d+)\s*%",
}
START = r"所涉政策自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起执行"
PERCENT_FIELDS = {"edge_ratio", "university_ratio"}


def read_parameters(text: str) -> tuple[dict, list[str]]:
    """The policy parameters printed in the article, and what could not be found."""
    flat = re.sub(r"\s*\n\s*", "", text)
    found, missing = {}, []
    for name, pattern in PATTERNS.items():
        match = re.search(pattern, flat)
        if match is None:
            missing.append(name)
            continue
        value = Decimal(match.group(1))
        found[name] = value / 100 if name in PERCENT_FIELDS else value
    match = re.search(START, flat)
    if match:
        found["effective_from"] = dt.date(*(int(g) for g in match.groups()))
    else:
        missing.append("effective_from")
    return found, missing


def parse_policy(article) -> ParseResult:
    result = ParseResult()
    found, missing = read_parameters(article.body)
    if missing:
        result.messages.append(f"{NUMBER}未能读出:{'、'.join(missing)}")
    if "effective_from" not in found:
        return result
    version = PolicyVersion.objects.filter(effective_from=found["effective_from"]).first()
    if version is None:
        if missing:
            return result
        PolicyVersion.objects.create(document=NUMBER, **found)
        result.created = 1
        return result
    for name, value in found.items():
        if getattr(version, name) != value:
            result.messages.append(f"{NUMBER}的{PolicyVersion._meta.get_field(name).verbose_name}"
                                   f"原文为{value},系统中为{getattr(version, name)},请核对")
    return result
