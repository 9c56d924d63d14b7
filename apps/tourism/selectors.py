"""Reads of the tourism app: is a day free at a spot, and a core spot's settlement (衢政办发
〔2020〕18号 二(二)1, 三(一)(三); issue 15 §6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from apps.core import workdays
from apps.core.money import round_money
from apps.core.params import BadParameter

from .models import FreeTourYear, ScenicSpot, SettlementStatement, SpotClosure, SpotSettlement

ZERO = Decimal("0.00")
DIRECTIONS = {1: "补", -1: "退", 0: "无"}  # 三(三) 多退少补: the county pays more, or the spot returns


class NotFound(LookupError):
    pass


class InputsMissing(LookupError):
    """The settlement cannot be computed yet (409): ``missing`` names the inputs."""

    def __init__(self, message: str, missing: list[str]):
        super().__init__(message)
        self.missing = missing


def spot_named(name: str, year: int | None = None) -> ScenicSpot:
    """A spot by its name as printed (“桃源七里景区”), with or without 景区 (“桃源七里”)."""
    rows = ScenicSpot.objects.select_related("programme", "region")
    if year is not None:
        rows = rows.filter(programme__year=year)
    rows = rows.order_by("-programme__year")
    found = (rows.filter(name=name).first() or rows.filter(name=f"{name}景区").first()
             or rows.filter(name=name.removesuffix("景区")).first())
    if found is None:
        raise NotFound(f"未找到免费游景区“{name[:50]}”")
    return found


def spot_exists(name: str) -> bool:
    """A spot of that name in any year's programme (for a precise import message)."""
    try:
        spot_named(name)
    except NotFound:
        return False
    return True


@dataclass(frozen=True)
class Calendar:
    """A spot's closures and the programme's free period: one query, then pure date work."""

    programme: FreeTourYear
    closed: tuple[tuple[dt.date, dt.date], ...]

    @classmethod
    def of(cls, spot: ScenicSpot, programme: FreeTourYear) -> Calendar:
        # A voided closure (作废, or replaced by its correction) no longer counts.
        spans = SpotClosure.objects.filter(spot=spot, ends_on__gte=programme.starts_on,
                                           starts_on__lte=programme.ends_on, void__isnull=True)
        return cls(programme, tuple(spans.values_list("starts_on", "ends_on")))

    def closure(self, day: dt.date) -> tuple[dt.date, dt.date] | None:
        return next((span for span in self.closed if span[0] <= day <= span[1]), None)

    def answer(self, day: dt.date) -> tuple[bool, str]:
        """二(二)1: free on a working day (make-up Saturdays included) that is not closed; from
        the date 另行确定 to 12-31 also on a rest day that is not a statutory holiday."""
        programme = self.programme
        if not programme.starts_on <= day <= programme.ends_on:
            return False, f"不在{programme.year}年免费游活动期内({programme.starts_on}至{programme.ends_on})"
        span = self.closure(day)
        if span is not None:
            return False, f"景区关闭({span[0]}至{span[1]}),二(二)1:受疫情影响景区关闭时间除外"
        note = "(暂定:当年放假安排尚未录入)" if workdays.is_provisional(day) else ""
        if workdays.is_workday(day):
            kind = "调休上班日" if day.weekday() >= 5 else "工作日"
            return True, f"{kind},二(二)1:免费开放{note}"
        if workdays.is_statutory_holiday(day):
            return False, f"国家法定节假日,二(二)1:不在免费范围{note}"
        extension = programme.weekend_extension_from
        if extension is not None and day >= extension:
            return True, f"普通双休日,自{extension}起纳入免费范围(二(二)1){note}"
        if extension is None:
            return False, f"双休日,二(二)1:不在免费范围(纳入双休日的开始时间尚未确定){note}"
        return False, f"双休日,二(二)1:{extension}起方纳入免费范围{note}"

    def free_days(self) -> tuple[int, bool]:
        """实际免费天数 (三(三)): the programme's days that ``answer`` finds free, and whether
        any of them rests on a provisional calendar year (暂定, ``workdays.is_provisional``)."""
        day, count, provisional = self.programme.starts_on, 0, False
        while day <= self.programme.ends_on:
            if self.answer(day)[0]:
                count += 1
                provisional = provisional or workdays.is_provisional(day)
            day += dt.timedelta(days=1)
        return count, provisional


def programme_for(day: dt.date) -> FreeTourYear | None:
    return FreeTourYear.objects.filter(year=day.year).first()


def free_day(*, spot: str, on: dt.date) -> dict:
    """``{free, reason}`` for one participating spot and day (二(二)1); the printed exclusion
    of a spot (江郎山 不含“郎峰”) is named, and tickets only (导游、停车、游览车 not free)."""
    programme = programme_for(on)
    row = spot_named(spot, programme.year if programme else None)
    if programme is None:
        return {"free": False, "reason": f"{on.year}年无全球免费游活动方案"}
    free, reason = Calendar.of(row, programme).answer(on)
    if free and row.exclusions:
        reason += f";{row.name}不含{'、'.join(row.exclusions)}"
    return {"free": free, "reason": reason}


@dataclass(frozen=True)
class Settlement:
    """A settlement: the live preview (``statement`` None) or a stored 结算单."""

    free_days: int
    final: Decimal
    advance: Decimal
    city_reward: Decimal
    difference: Decimal
    settle_by: dt.date
    provisional: bool = False
    inputs: SpotSettlement | None = None
    statement: int | None = None
    computed_on: dt.date | None = None

    @property
    def direction(self) -> str:
        return DIRECTIONS[(self.difference > 0) - (self.difference < 0)]

    @classmethod
    def of_statement(cls, row: SettlementStatement) -> Settlement:
        return cls(free_days=row.free_days, final=row.final, advance=row.advance,
                   city_reward=row.city_reward, difference=row.difference, settle_by=row.settle_by,
                   provisional=row.provisional, inputs=None, statement=row.pk,
                   computed_on=row.computed_on)

    def as_json(self) -> dict:
        return {"free_days": self.free_days, "final": str(self.final), "advance": str(self.advance),
                "city_reward": str(self.city_reward), "difference": str(self.difference),
                "direction": self.direction, "settle_by": self.settle_by.isoformat(),
                "provisional": self.provisional, "statement": self.statement,
                "computed_on": self.computed_on.isoformat() if self.computed_on else None}


def current_settlement(spot: ScenicSpot, year: int) -> SpotSettlement | None:
    """The statement in effect: the last one, which no later row supersedes."""
    return (SpotSettlement.objects.filter(spot=spot, year=year, superseded_by__isnull=True)
            .order_by("-pk").first())


def current_statement(spot: ScenicSpot, year: int) -> SettlementStatement | None:
    """The 结算单 in force: the newest, which no later statement supersedes."""
    return (SettlementStatement.objects.filter(spot=spot, year=year, superseded_by__isnull=True)
            .order_by("-pk").first())


def settlement_preview(row: ScenicSpot, year: int) -> Settlement:
    """三 of 衢政办发〔2020〕18号, computed live from today's inputs, closures and calendar:
    final = round(日均门票收入 × 实际免费天数 × 奖补比例) (三(三), with the 四(二) assessment
    ratio); advance = the 2019 amount (三(一) 以2019年度补助额为基数预拨); city_reward =
    round(advance / 3) (三(一), paid within the year); difference = final − advance, 多退少补;
    settle by 2021-05-31. Half-up once per final amount; 暂定 when a counted free day rests
    on a provisional calendar year. ``InputsMissing`` names what is not known yet."""
    if not row.core:
        raise BadParameter("spot", f"“{row.name}”不是核心收费景区;三:补助只对15个核心收费景区")
    programme = row.programme
    inputs = current_settlement(row, year)
    names = {"base_2019": "2019年补助额", "daily_ticket_income": "日均门票收入", "reward_ratio": "奖补比例"}
    missing = list(names.values()) if inputs is None else [
        label for field, label in names.items() if getattr(inputs, field) is None]
    if missing:
        raise InputsMissing(f"{row.name}{year}年结算依据缺少:{'、'.join(missing)}", missing)
    days, provisional = Calendar.of(row, programme).free_days()
    final = round_money(inputs.daily_ticket_income * days * inputs.reward_ratio)
    advance = round_money(inputs.base_2019)
    return Settlement(free_days=days, final=final, advance=advance,
                      city_reward=round_money(advance / programme.city_reward_divisor),
                      difference=final - advance, settle_by=programme.settle_by,
                      provisional=provisional, inputs=inputs)


def core_spot(*, spot: str, year: int, region=None) -> ScenicSpot:
    """The spot of ``year``'s programme a user may settle or read (404 otherwise)."""
    if not FreeTourYear.objects.filter(year=year).exists():
        raise NotFound(f"{year}年无全球免费游活动方案(或尚未导入政报)")
    row = spot_named(spot, year)
    if region is not None and row.region_id != region.pk:
        # A county sees its own spots' money only (as in the admin): another county's spot
        # answers as if unknown, like the doctors API.
        raise NotFound(f"未找到免费游景区“{spot[:50]}”")
    if not row.core:
        raise BadParameter("spot", f"“{row.name}”不是核心收费景区;三:补助只对15个核心收费景区")
    return row


def settlement(*, spot: str, year: int, region=None) -> Settlement:
    """The stored 结算单 in force when one exists (``statement``, ``computed_on``); the live
    preview otherwise (``statement`` None). 三(一)(三) of 衢政办发〔2020〕18号."""
    row = core_spot(spot=spot, year=year, region=region)
    stored = current_statement(row, year)
    if stored is not None:
        return Settlement.of_statement(stored)
    return settlement_preview(row, year)


def latest_year() -> int:
    """The latest programme's year (the settlement's default)."""
    year = FreeTourYear.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        raise NotFound("尚未登记全球免费游活动方案(请先导入政报)")
    return year
