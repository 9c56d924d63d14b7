"""``pairing_import`` and the admin upload (衢政办发〔2020〕17号 三(三)): one validation for both.

Columns ``结对单位,日期,类型,金额,说明`` (CSV UTF-8/GBK or XLSX). The whole file is checked
first — unknown unit, a date outside the 结对期限 or after today, an unknown 类型, an amount
missing for 资金/物资 or given for another type, a line repeated in the file or already
recorded — and any bad line → ``ImportRejected`` naming 第N行 (header = 第1行), nothing saved.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from apps.core import authority
from apps.core.tabular import ImportRejected, RowError, read_rows, width_hints

from . import selectors, services

HEADERS = ["结对单位", "日期", "类型", "金额", "说明"]
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_date(text: str) -> dt.date | None:
    """2020-07-01, 2020/7/1, 2020.7.1 or 2020年7月1日 (an XLSX date cell reads as ISO)."""
    found = _DATE.match(text)
    if not found:
        return None
    try:
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def parse_amount(text: str) -> Decimal | None:
    """Yuan as typed (“100000”, “100000.50”, “100,000”); never through float."""
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def validate(data: bytes, filename: str, *, actor=None) -> list[dict]:
    """Every row converted, or ``ImportRejected`` listing each bad line."""
    rows = read_rows(data, filename, HEADERS)
    errors: list[RowError] = []
    units: dict[str, object] = {}
    seen: dict[tuple, int] = {}
    clean: list[dict] = []
    for line, cells in rows:
        values = {k: v.strip() for k, v in cells.items()}
        found: list[tuple[str, str]] = []
        for column in ("结对单位", "日期", "类型"):
            if not values[column]:
                found.append((column, "不能为空"))
        unit = values["结对单位"]
        if unit and unit not in units:
            units[unit] = selectors.pairing_for_unit(unit)
        pairing = units.get(unit)
        if unit and pairing is None:
            found.append(("结对单位", f"未知的结对单位“{unit[:50]}”(应为衢政办发〔2020〕17号附件所列单位)"))
        on = parse_date(values["日期"]) if values["日期"] else None
        if values["日期"] and on is None:
            found.append(("日期", f"应为日期,如2020-07-01(收到“{values['日期'][:20]}”)"))
        amount = parse_amount(values["金额"]) if values["金额"] else None
        if values["金额"] and amount is None:
            found.append(("金额", f"应为金额(元),如100000.00(收到“{values['金额'][:20]}”)"))
        if not found:
            found = services.activity_problems(pairing=pairing, kind=values["类型"], on=on,
                                               amount=amount, note=values["说明"])
        if not found:
            key = (pairing.pk, on, values["类型"], amount, values["说明"])
            if key in seen:
                found.append(("", f"与第{seen[key]}行重复"))
            seen.setdefault(key, line)
        if found:
            errors += [RowError(line, column, message) for column, message in found]
        else:
            clean.append({"pairing": pairing, "on": on, "kind": values["类型"], "amount": amount,
                          "note": values["说明"]})
    if errors:
        raise ImportRejected(width_hints(errors[:500], rows))
    return clean


def import_file(*, data: bytes, filename: str, actor=None) -> dict[str, int]:
    """Check who imports, validate the whole file, then record every line (all or nothing)."""
    actor = authority.resolve(actor)
    authority.check_city_level(actor, services.WHAT)
    authority.check_permission(actor, "pairings.add_pairingactivity", "登记帮扶活动")
    rows = validate(data, filename, actor=actor)
    created = services.activities_record(rows=rows, source=filename, actor=actor)
    return {"登记": len(created)}
