"""Reads of the pairings app: the unit lookup and “who is behind?” (issue 15 §5).

衢政办发〔2020〕17号: 二 每个结对乡(村、连队)受助不少于10万元资金或物资 over the term
2020—2022 (二 has no 每年: judged once the term has ended); 三(一) 每年专题研究不少于2次、
每年到受援地调研对接不少于1次; 三(三) 每半年书面报送, from the half-year of signing
(2020-07-28 → 2020年下半年). A period counts once ``as_of`` is past its last day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q

from apps.core.money import round_money
from apps.core.services import organisation_find
from apps.core.text import normalise_name

from .models import AID_KINDS, ActivityKind, Pairing, PairingActivity, PairingPlan, TargetKind

AID_SHORTFALL_KIND = "资金或物资"  # 二: 受助不少于10万元资金或物资 (either counts)


class NotFound(LookupError):
    pass


class YearOutsideTerm(Exception):
    """The year asked lies outside every plan's 结对期限; ``years`` are those that can be asked."""

    def __init__(self, years: list[int]):
        self.years = years
        super().__init__("、".join(str(y) for y in years))


@dataclass(frozen=True)
class HalfYear:
    year: int
    half: int  # 1 or 2

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def __str__(self) -> str:
        return f"{self.year}年{'上' if self.half == 1 else '下'}半年"


def plan_for_year(year: int) -> PairingPlan:
    """The plan whose 结对期限 covers ``year``; none imported → ``NotFound``; a year outside
    every term → ``YearOutsideTerm`` listing the years that can be asked."""
    plans = list(PairingPlan.objects.all())
    if not plans:
        raise NotFound("尚未导入援疆结对安排(衢政办发〔2020〕17号),请先导入政报")
    for plan in plans:
        if plan.term_from.year <= year <= plan.term_to.year:
            return plan
    years = sorted({y for p in plans for y in range(p.term_from.year, p.term_to.year + 1)})
    raise YearOutsideTerm(years)


def pairing_for_unit(name: str, plan: PairingPlan | None = None) -> Pairing | None:
    """The pairing of the unit named ``name``: as printed in the 附件, or any name or alias of
    its linked organisation (市金控集团 ≡ 衢州市金控集团 when the organisation knows both)."""
    clean = normalise_name(name)
    pairings = Pairing.objects.select_related("plan")
    if plan is not None:
        pairings = pairings.filter(plan=plan)
    found = pairings.filter(unit=clean).first()
    if found is None and clean:
        organisation = organisation_find(clean)
        if organisation is not None:
            found = pairings.filter(organisation=organisation).first()
    return found


def half_years_due(plan: PairingPlan, year: int, as_of: dt.date) -> list[HalfYear]:
    """三(三): the half-years of ``year`` from ``reports_from`` whose last day ``as_of`` has passed."""
    return [h for h in (HalfYear(year, 1), HalfYear(year, 2))
            if h.first_day >= plan.reports_from and as_of > h.last_day]


def _counted(activities: list[PairingActivity], kind: str, first: dt.date, last: dt.date) -> list:
    return [a for a in activities if a.kind == kind and first <= a.on <= last]


def pairing_report(pairing: Pairing, *, year: int, as_of: dt.date) -> dict:
    """One unit's row; ``pairing`` comes with its targets and valid activities prefetched."""
    plan = pairing.plan
    targets = {kind: 0 for kind in TargetKind.values}
    for target in pairing.targets.all():
        targets[target.kind] += 1
    activities = [a for a in pairing.valid_activities if a.on <= as_of]
    aid_floor = round_money(plan.aid_floor_per_target * sum(targets.values()))
    aid_total = round_money(sum((a.amount for a in activities
                                 if a.kind in AID_KINDS and plan.term_from <= a.on <= plan.term_to),
                                Decimal(0)))
    shortfalls = []
    if as_of > plan.term_to and aid_total < aid_floor:
        shortfalls.append({"kind": AID_SHORTFALL_KIND, "required": str(aid_floor),
                           "recorded": str(aid_total)})
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if as_of > last:
        for kind, required in ((ActivityKind.STUDY, plan.yearly_studies),
                               (ActivityKind.VISIT, plan.yearly_visits)):
            recorded = len(_counted(activities, kind, first, last))
            if recorded < required:
                shortfalls.append({"kind": kind.value, "required": required, "recorded": recorded})
    due = half_years_due(plan, year, as_of)
    missing = [h for h in due if not _counted(activities, ActivityKind.REPORT, h.first_day, h.last_day)]
    if missing:
        shortfalls.append({"kind": ActivityKind.REPORT.value, "required": len(due),
                           "recorded": len(due) - len(missing), "missing": [str(h) for h in missing]})
    return {"position": pairing.position, "unit": pairing.unit, "targets": targets,
            "aid_floor": str(aid_floor), "aid_total": str(aid_total), "shortfalls": shortfalls}


def report(*, year: int, as_of: dt.date, unit: str = "") -> list[dict]:
    """Every unit of the plan covering ``year`` (or the one named ``unit``), in 附件 order."""
    plan = plan_for_year(year)
    pairings = (Pairing.objects.filter(plan=plan).select_related("plan")
                .prefetch_related("targets", Prefetch(
                    "activities", to_attr="valid_activities",
                    queryset=PairingActivity.objects.filter(Q(void__isnull=True), on__lte=as_of))))
    if unit:
        found = pairing_for_unit(unit, plan)
        if found is None:
            raise NotFound(f"未找到结对单位“{unit}”")
        pairings = pairings.filter(pk=found.pk)
    return [pairing_report(p, year=year, as_of=as_of) for p in pairings.order_by("position")]
