"""``tourism_import closures|settlements FILE`` and the admin uploads: one validation each.

The whole file is checked first (unknown spot, bad date or amount, 奖补比例 outside 0–1, a
non-core spot's settlement, a county user's row of another county's spot); any bad line →
``ImportRejected`` naming 第N行 (header = 第1行), nothing saved (issue 15 Common).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from apps.core import authority
from apps.core.tabular import ImportRejected, RowError, read_rows

from . import selectors, services
from .models import ScenicSpot

CLOSURE_HEADERS = ["景区", "起", "止"]
SETTLEMENT_HEADERS = ["景区", "年度", "2019年补助额", "日均门票收入", "奖补比例", "游客人数"]
KINDS = {"closures": CLOSURE_HEADERS, "settlements": SETTLEMENT_HEADERS}
_DATE = re.compile(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?")
_NUMBER = re.compile(r"-?\d{1,20}(\.\d{1,20})?")


def _date(text: str) -> dt.date | None:
    found = _DATE.fullmatch(text)
    if not found:
        return None
    try:
        return dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def _spot(values: dict, bad, own, year: int | None, year_column: str) -> ScenicSpot | None:
    """The spot of ``year``'s programme (a 2020 file still reads 2020's spots once a later
    programme exists); ``year`` None when the line's year is unreadable (then the latest)."""
    name = values["景区"]
    if not name:
        bad("景区", "不能为空")
        return None
    try:
        spot = selectors.spot_named(name, year)
    except selectors.NotFound:
        if year is not None and selectors.spot_exists(name):
            bad(year_column, f"{name[:50]}不在{year}年免费游活动方案中")
        else:
            bad("景区", f"未知的景区“{name[:50]}”")
        return None
    if own is not None and spot.region_id != own.pk:
        where = spot.region.name if spot.region else "尚未录入所在县(市、区)"
        bad("景区", f"{spot.name}{'属于' if spot.region else ''}{where},您只能录入{own.name}的景区")
    return spot


def validate_closures(data: bytes, filename: str, *, actor=None) -> list[dict]:
    """``景区,起,止``: a known spot, two dates, 起 ≤ 止; the same closure twice is refused."""
    own = authority.actor_region(authority.resolve(actor))
    errors: list[RowError] = []
    clean: list[dict] = []
    seen: dict[tuple, int] = {}
    for line, cells in read_rows(data, filename, CLOSURE_HEADERS):
        before = len(errors)

        def bad(column: str, message: str, line=line) -> None:
            errors.append(RowError(line, column, message))

        values = {k: v.strip() for k, v in cells.items()}
        days = {}
        for column in ("起", "止"):
            days[column] = _date(values[column])
            if days[column] is None:
                bad(column, f"应为日期,如2020-03-01(收到“{values[column][:20]}”)" if values[column] else "不能为空")
        spot = _spot(values, bad, own, days["起"].year if days["起"] else None, "起")
        if spot is not None and days["起"] and days["止"]:
            for column, message in services.closure_check(spot=spot, starts_on=days["起"],
                                                          ends_on=days["止"]):
                bad(column, message)
        if spot is not None and days["起"] and days["止"] and len(errors) == before:
            key = (spot.pk, days["起"], days["止"])
            if key in seen:
                bad("景区", f"与第{seen[key]}行重复")
            seen.setdefault(key, line)
        if len(errors) == before:
            clean.append({"spot": spot, "starts_on": days["起"], "ends_on": days["止"]})
    if errors:
        raise ImportRejected(errors[:500])
    return clean


def _number(values: dict, column: str, bad, what: str) -> Decimal | None:
    """A number as written (thousands separators allowed); its range is the check's rule."""
    text = values[column].replace(",", "")
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        bad(column, f"应为{what}(收到“{values[column][:20]}”)")
        return None
    return Decimal(text)


def validate_settlements(data: bytes, filename: str, *, actor=None) -> list[dict]:
    """``景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数``: a core spot of that year's
    programme; amounts ≥ 0; 0 ≤ 奖补比例 ≤ 1; blank = not known yet, but not every value."""
    own = authority.actor_region(authority.resolve(actor))
    errors: list[RowError] = []
    clean: list[dict] = []
    seen: dict[tuple, int] = {}
    for line, cells in read_rows(data, filename, SETTLEMENT_HEADERS):
        before = len(errors)

        def bad(column: str, message: str, line=line) -> None:
            errors.append(RowError(line, column, message))

        values = {k: v.strip() for k, v in cells.items()}
        year = int(values["年度"]) if re.fullmatch(r"\d{4}", values["年度"]) else None
        spot = _spot(values, bad, own, year, "年度")
        if year is None:
            bad("年度", f"应为四位年份(收到“{values['年度'][:20]}”)" if values["年度"] else "不能为空")
        base = _number(values, "2019年补助额", bad, "金额(元)")
        daily = _number(values, "日均门票收入", bad, "金额(元)")
        ratio = _number(values, "奖补比例", bad, "0至1之间的数")
        visitors = None
        if values["游客人数"]:
            if re.fullmatch(r"\d{1,10}", values["游客人数"].replace(",", "")):
                visitors = int(values["游客人数"].replace(",", ""))
            else:
                bad("游客人数", f"应为不小于0的整数(收到“{values['游客人数'][:20]}”)")
        if spot is not None and year is not None:
            unreadable = len(errors) > before
            for column, message in services.settlement_check(
                    spot=spot, year=year, base_2019=base, daily_ticket_income=daily,
                    reward_ratio=ratio, visitors=visitors):
                if not (unreadable and message.endswith("不能全部为空")):
                    bad(column, message)
        if spot is not None and year is not None:
            key = (spot.pk, year)
            if key in seen:
                bad("景区", f"{spot.name}{year}年与第{seen[key]}行重复(更正请单独导入)")
            seen.setdefault(key, line)
        if len(errors) == before:
            clean.append({"spot": spot, "year": year, "base_2019": base, "daily_ticket_income": daily,
                          "reward_ratio": ratio, "visitors": visitors})
    if errors:
        raise ImportRejected(errors[:500])
    return clean


def import_file(*, kind: str, data: bytes, filename: str, actor=None) -> dict[str, int]:
    """Validate the whole file, then record every row (all or nothing)."""
    if kind == "closures":
        rows = validate_closures(data, filename, actor=actor)
        return {"关闭时段": len(services.closures_record(rows=rows, actor=actor, source=filename))}
    rows = validate_settlements(data, filename, actor=actor)
    return {"结算依据": len(services.settlements_record(rows=rows, actor=actor, source=filename))}
