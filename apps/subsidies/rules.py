"""The policy's arithmetic, free of the database (衢政办发〔2020〕20号 三、四、五).

Every amount goes through ``apps.core.money.round_money`` with the policy's rounding unit.
Parameters come from a ``PolicyVersion`` (anything with the same attribute names).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from apps.core.money import round_money, to_decimal

from .models import PAYING_DEPARTMENT, Category, Residence

HUNDRED = Decimal(100)

# Categories paid at rate × multiplier × 低保 standard (衢政办发〔2020〕20号 四 first formula).
DIBAO_LIKE = (Category.DIBAO, Category.TEKUN, Category.SANLAO, Category.ORPHAN, Category.YOUFU)

# When two categories give the same amount the person is listed under the first of these.
PRIORITY = {c: i for i, c in enumerate([
    Category.DIBAO, Category.TEKUN, Category.SANLAO, Category.ORPHAN, Category.YOUFU,
    Category.UNEMPLOYMENT, Category.EDGE,
], start=1)}

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*$")


class BadMonth(ValueError):
    pass


def parse_month(text: str | dt.date) -> dt.date:
    """``2020-06`` (also 2020/6, 2020年6月) → 2020-06-01; anything else raises ``BadMonth``."""
    if isinstance(text, dt.date):
        return text.replace(day=1)
    match = _MONTH.match(str(text))
    if (not match or not 1 <= int(match.group(2)) <= 12
            or not 1949 <= int(match.group(1)) <= 2199):
        raise BadMonth(f"月份“{str(text)[:20]}”格式不正确,应为YYYY-MM,如2020-06")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def is_triggered(policy, *, scpi: Decimal, cpi_food: Decimal) -> bool:
    """三: SCPI单月同比涨幅达到3%,或CPI食品单月同比涨幅达到6% (“达到” includes equality)."""
    return to_decimal(scpi) >= policy.scpi_threshold or to_decimal(cpi_food) >= policy.food_threshold


def subsidy_rate(policy, *, scpi: Decimal, cpi_food: Decimal) -> Decimal | None:
    """四: the SCPI change in percent, but 3 % when it is lower; None when not triggered."""
    if not is_triggered(policy, scpi=scpi, cpi_food=cpi_food):
        return None
    return max(to_decimal(scpi), policy.minimum_rate)


def _floored(policy, amount: Decimal) -> Decimal:
    """四: 月度价格补贴发放金额不低于每人每月18元."""
    return max(round_money(amount, policy.rounding_unit), policy.floor)


def dibao_amount(policy, *, rate: Decimal, dibao_standard: Decimal) -> Decimal:
    """四: 月度补贴金额 = SCPI涨幅 × 2 × 当地现行城乡月低保标准 (at least the floor)."""
    return _floored(policy, rate / HUNDRED * policy.multiplier * to_decimal(dibao_standard))


def unemployment_amount(policy, *, rate: Decimal, unemployment_standard: Decimal) -> Decimal:
    """四: 月度补贴金额 = SCPI涨幅 × 当地现行失业保险金标准 (at least the floor)."""
    return _floored(policy, rate / HUNDRED * to_decimal(unemployment_standard))


def edge_amount(policy, *, rate: Decimal, dibao_standard: Decimal) -> Decimal:
    """四: 低保边缘对象按低保对象补贴的50%发放 (at least the floor)."""
    full = dibao_amount(policy, rate=rate, dibao_standard=dibao_standard)
    return _floored(policy, full * policy.edge_ratio)


@dataclass(frozen=True)
class RateRow:
    region_id: int
    residence: str
    category: str
    department: str
    standard: Decimal
    amount: Decimal
    priority: int


def category_amount(policy, *, rate: Decimal, category: str, residence: str,
                    standard) -> tuple[Decimal, Decimal]:
    """(standard used, amount) for one category; ``standard`` has urban_dibao, rural_dibao and
    unemployment (城镇 uses the urban 低保 standard, 农村 the rural one)."""
    dibao = standard.urban_dibao if residence == Residence.URBAN else standard.rural_dibao
    if category == Category.UNEMPLOYMENT:
        base = standard.unemployment
        return base, unemployment_amount(policy, rate=rate, unemployment_standard=base)
    if category == Category.EDGE:
        return dibao, edge_amount(policy, rate=rate, dibao_standard=dibao)
    if category in DIBAO_LIKE:
        return dibao, dibao_amount(policy, rate=rate, dibao_standard=dibao)
    raise ValueError(f"未知的补贴类别“{category}”")


def amount_table(policy, *, rate: Decimal, standards: dict) -> list[RateRow]:
    """Every (region, 城乡, category) amount of a month: ``standards`` maps region id → the
    standard in force. The run joins persons to this small table (set-based)."""
    rows = []
    for region_id, standard in sorted(standards.items()):
        for residence in Residence.values:
            for category in Category.values:
                base, amount = category_amount(policy, rate=rate, category=category,
                                               residence=residence, standard=standard)
                rows.append(RateRow(region_id, residence, category,
                                    PAYING_DEPARTMENT[category], base, amount,
                                    PRIORITY[category]))
    return rows


def best_category(amounts: dict[str, Decimal]) -> tuple[str, Decimal]:
    """二: 具有多重身份的按照就高不就低的原则,以其中一种身份享受 — the highest amount wins."""
    category = min(amounts, key=lambda c: (-amounts[c], PRIORITY[c]))
    return category, amounts[category]


def university_per_student(policy, *, rate: Decimal, urban_dibao_standard: Decimal) -> Decimal:
    """五: 按在校学生人数和学校所在地城镇低保对象价格补贴的50%计算 — per student."""
    urban_amount = dibao_amount(policy, rate=rate, dibao_standard=urban_dibao_standard)
    return round_money(urban_amount * policy.university_ratio, policy.rounding_unit)
