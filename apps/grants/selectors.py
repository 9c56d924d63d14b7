"""Reads of the grants app: an item's status on a date and the two answers of issue 15 §4."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from apps.core.money import round_money
from apps.core.params import BadParameter

from .models import EVENT_STATUS, GrantItem, Group, Status
from .services import PRIOR_DOCUMENT

CURRENT_DOCUMENT = "衢政办发〔2020〕16号"
WAN = Decimal(10000)


class NotFound(LookupError):
    pass


def status_on(item: GrantItem, on: dt.date) -> str:
    """The last event on or before ``on`` decides; past ``valid_until`` (三: “有效期截至
    2020年12月31日”, that day included) an item in force is expired."""
    events = [e for e in item.events.all() if e.on <= on]
    if not events:
        return Status.NOT_YET.value
    last = max(events, key=lambda e: (e.on, e.pk))
    status = EVENT_STATUS[last.kind]
    if status == Status.IN_FORCE and item.valid_until and on > item.valid_until:
        return Status.EXPIRED.value
    return status.value


def items(*, project_year: int, on: dt.date, group: str | None = None, q: str = "") -> dict:
    """三: 2019年度的奖补项目按衢政办发〔2019〕35号执行 (no items here), 2020年度的按本通知执行."""
    if project_year <= 2019:
        return {"governed_by": PRIOR_DOCUMENT, "items": []}
    rows = GrantItem.objects.filter(document=CURRENT_DOCUMENT).prefetch_related("events")
    if not rows.exists():
        raise NotFound(f"尚未导入{CURRENT_DOCUMENT}的政策条目")
    if group:
        rows = rows.filter(group=group)
    for word in q.split():
        rows = rows.filter(title__icontains=word)
    return {"governed_by": CURRENT_DOCUMENT, "items": [
        {"key": row.key, "group": row.group, "title": row.title, "status": status_on(row, on),
         "valid_until": row.valid_until.isoformat() if row.valid_until else None}
        for row in sorted(rows, key=lambda r: (list(Group.values).index(r.group), r.position))]}


@dataclass
class CalcInput:
    amount: str = ""
    passengers: int | None = None
    grade: str = ""
    term_months: int | None = None
    rate: str = ""


def _decimal(value: str, name: str, *, required: bool = True) -> Decimal | None:
    if not value:
        if required:
            raise BadParameter(name, "不能为空")
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BadParameter(name, f"应为数字(收到“{value[:20]}”)") from None
    if not number.is_finite() or number < 0:
        raise BadParameter(name, "应为不小于0的数字")
    if number.adjusted() >= 15:  # 1e15 yuan and up (or 1e100000) is no project: never a 500
        raise BadParameter(name, "数值过大")
    return number


FORMULA_ITEMS = ["added-1", "added-2", "added-3", "added-4"]
GRADES = ["major", "key", "general"]


def calc(*, key: str, on: dt.date, given: CalcInput) -> dict:
    """The grant of one 新增执行 item (二(一)1–4); not in force on ``on`` → not payable."""
    item = GrantItem.objects.filter(key=key).prefetch_related("events").first()
    if item is None:
        raise NotFound(f"未找到奖补政策条目“{key}”")
    if key not in FORMULA_ITEMS:
        raise BadParameter("item", f"该条目无计算公式,可选值为:{'、'.join(FORMULA_ITEMS)}")
    answer = {"item": key, "payable": False, "grant": None, "reason": ""}
    compute = {"added-1": _added_1, "added-2": _added_2, "added-3": _added_3, "added-4": _added_4}[key]
    answer.update(compute(given))
    status = status_on(item, on)
    if status != Status.IN_FORCE:
        answer.update(payable=False, grant=None,
                      reason=f"{on}该条目{Status(status).label},不予补助")
    return answer


def _added_1(given: CalcInput) -> dict:
    """二(一)1: 设备投资额500万元(含)以内的按60%补助,超出500万元以上部分按50%补助."""
    amount = _decimal(given.amount, "amount")
    first = min(amount, 500 * WAN)
    grant = round_money(first * Decimal("0.60") + (amount - first) * Decimal("0.50"))
    return {"payable": grant > 0, "grant": str(grant),
            "reason": "二(一)1:500万元(含)以内60%,超出部分50%"}


def _added_2(given: CalcInput) -> dict:
    """二(一)2: 乘车人员数10人以上的(含10人),按照包车费用50%的比例补助企业."""
    amount = _decimal(given.amount, "amount")
    if given.passengers is None:
        raise BadParameter("passengers", "不能为空(乘车人员数)")
    if given.passengers < 10:
        return {"payable": False, "grant": None,
                "reason": f"二(一)2:乘车人员{given.passengers}人,不足10人"}
    return {"payable": True, "grant": str(round_money(amount * Decimal("0.50"))),
            "reason": "二(一)2:乘车人员10人以上,按包车费用50%补助"}


def _added_3(given: CalcInput) -> dict:
    """二(一)3: 重大项目按研发投入预算额的25%给予最高300万元补助;重点项目20—50万元;一般项目10—20万元."""
    if given.grade not in GRADES:
        raise BadParameter("grade", f"可选值为:{'、'.join(GRADES)}")
    if given.grade == "major":
        amount = _decimal(given.amount, "amount")
        grant = round_money(min(amount * Decimal("0.25"), 300 * WAN))
        return {"payable": grant > 0, "grant": str(grant),
                "reason": "二(一)3:重大项目按研发投入预算额25%,最高300万元"}
    low, high = (20 * WAN, 50 * WAN) if given.grade == "key" else (10 * WAN, 20 * WAN)
    label = "重点项目" if given.grade == "key" else "一般项目"
    return {"payable": True, "grant": None, "min": str(round_money(low)), "max": str(round_money(high)),
            "reason": f"二(一)3:{label}给予单个项目{low / WAN:.0f}—{high / WAN:.0f}万元补助,金额由评审确定"}


def _added_4(given: CalcInput) -> dict:
    """二(一)4: 期限最长不超过1年、利率不高于4.5%的再贷款,按贷款金额的1%贴息."""
    amount = _decimal(given.amount, "amount")
    if given.term_months is None:
        raise BadParameter("term_months", "不能为空(贷款期限,月)")
    rate = _decimal(given.rate, "rate")
    if given.term_months > 12:
        return {"payable": False, "grant": None, "reason": "二(一)4:贷款期限超过1年"}
    if rate > Decimal("4.5"):
        return {"payable": False, "grant": None, "reason": "二(一)4:贷款利率高于4.5%"}
    return {"payable": True, "grant": str(round_money(amount * Decimal("0.01"))),
            "reason": "二(一)4:按贷款金额1%贴息"}
