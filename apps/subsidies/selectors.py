"""Reads for the subsidy module: the policy and standards in force, run summaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Max, Q, Sum

from apps.core import roles
from apps.core.money import round_money

from .models import (
    Category,
    Department,
    Job,
    JobStatus,
    LocalStandard,
    PolicyVersion,
    RunStatus,
    RunTotal,
    SubsidyRun,
    UniversityLine,
)
from .rules import month_end

ZERO = Decimal("0.00")


def policy_for(month: dt.date) -> PolicyVersion | None:
    """The policy version in force in ``month`` (effective on or before its last day)."""
    return (PolicyVersion.objects.filter(effective_from__lte=month_end(month))
            .order_by("-effective_from").first())


def standards_in_force(month: dt.date) -> dict[int, LocalStandard]:
    """{region id: the standard with the latest start month not after ``month``} (DOMAIN §5)."""
    result: dict[int, LocalStandard] = {}
    for standard in (LocalStandard.objects.filter(from_month__lte=month)
                     .order_by("region_id", "-from_month")):
        result.setdefault(standard.region_id, standard)
    return result


def regular_run(month: dt.date) -> SubsidyRun | None:
    return SubsidyRun.objects.filter(month=month, sequence=0).first()


# A paying department's staff see their own rolls (衢政办发〔2020〕20号 一:职责分工);
# 发改委 (coordination), 市府办 and the auditor see every department.
DEPARTMENT_OF_GROUP = {"民政": Department.CIVIL_AFFAIRS, "人社": Department.HRSS,
                       "退役军人": Department.VETERANS}


def user_departments(user) -> list[str] | None:
    """The departments whose roll lines ``user`` may see, or None for all."""
    if user is None or user.is_superuser:
        return None
    groups = set(user.groups.values_list("name", flat=True))
    if groups & {"发改委", "市府办", "审计"}:
        return None
    departments = [d for g, d in DEPARTMENT_OF_GROUP.items() if g in groups]
    return departments or None


def scope_lines(lines, user):
    """Roll lines (or run totals) limited to the user's region and paying department."""
    if user is None:
        return lines
    lines = roles.scope_queryset(lines, user, "region")
    departments = user_departments(user)
    return lines if departments is None else lines.filter(department__in=departments)


def line_regions(run: SubsidyRun) -> list[int]:
    """Region ids paid in ``run`` (for the disclosure record of a whole-city roll)."""
    return sorted(set(RunTotal.objects.filter(run=run).values_list("region_id", flat=True)))


def run_figures(runs, user=None):
    """The runs' derived totals (``RunTotal``: region × department × category, written with
    the lines) limited to the user's part: the run page and the summary API read these few
    rows, never a year of lines (issue 13 §1)."""
    totals = RunTotal.objects.filter(run__in=runs) if isinstance(runs, list | tuple) else (
        RunTotal.objects.filter(run=runs))
    return scope_lines(totals, user)


def _money(value) -> str:
    return f"{(value or ZERO):.2f}"


def run_totals(run: SubsidyRun, *, user=None, by: str) -> list[dict]:
    """Persons and amount of ``run`` grouped by ``by`` (category, region code, department)."""
    lines = run_figures(run, user)
    field = {"category": "category", "region": "region__code", "department": "department"}[by]
    labels = {"category": dict(Category.choices), "department": dict(Department.choices)}.get(by)
    names = ["region__name"] if by == "region" else []  # the code for machines, the name for people
    rows = (lines.values(field, *names).annotate(persons=Sum("persons"), amount=Sum("amount"))
            .order_by(field))
    return [{"key": labels.get(r[field], r[field]) if labels else r[field],
             **({"name": r["region__name"]} if names else {}),
             "persons": r["persons"], "amount": _money(r["amount"])} for r in rows]


def run_summary(run: SubsidyRun, *, user=None) -> dict:
    """The upward report of one roll (衢政办发〔2020〕20号 八: 人次和金额)."""
    universities = UniversityLine.objects.filter(run=run)
    if user is not None:
        universities = roles.scope_queryset(universities, user, "region")
    totals = run_figures(run, user).aggregate(persons=Sum("persons"), amount=Sum("amount"))
    return {
        "month": f"{run.month:%Y-%m}",
        "triggered": run.triggered,
        "rate": None if run.rate is None else f"{run.rate:.2f}",
        "status": run.status,
        "persons": totals["persons"] or 0,
        "amount": _money(round_money(totals["amount"] or ZERO)),
        "by_category": run_totals(run, user=user, by="category"),
        "by_region": run_totals(run, user=user, by="region"),
        "universities": [{"school": u.school, "students": u.students, "amount": _money(u.amount)}
                         for u in universities.order_by("school")],
    }


def month_summary(month: dt.date, *, user=None) -> dict | None:
    """The month as paid (八: 人次和金额): the regular roll's report, every roll of the month
    (regular and adjustments, each with status, persons and amount) and ``net_amount`` — the
    month's persons' total after corrections — plus the schools' net total. ``stale`` is true
    when an unapproved roll's inputs changed after it was computed. Amounts are strings.

    These figures are the user's part of the month (department and county, 一 职责分工);
    ``whole`` holds the same for the whole run and ``scope`` says which part the user's
    figures are (None: the whole run), so a page never shows a part as the total (issue 12
    §3). ``chart`` is the month by region × department and the 12-month trend."""
    runs = list(SubsidyRun.objects.filter(month=month).order_by("sequence"))
    if not runs:
        return None
    summary = _month_figures(runs, user=user)
    scope = scope_of(user)
    whole = _month_figures(runs, user=None) if scope is not None else dict(summary)
    summary.update(scope=scope, whole=whole,
                   chart=month_chart(month, runs, user=user, scope=scope))
    return summary


def _month_figures(runs: list[SubsidyRun], *, user=None) -> dict:
    """The month's figures as ``user`` may see them (see ``month_summary``)."""
    summary = run_summary(runs[0], user=user)
    rolls, net, net_universities = [], ZERO, ZERO
    for run in runs:
        totals = run_figures(run, user).aggregate(persons=Sum("persons"), amount=Sum("amount"))
        schools = UniversityLine.objects.filter(run=run)
        if user is not None:
            schools = roles.scope_queryset(schools, user, "region")
        school_amount = round_money(schools.aggregate(amount=Sum("amount"))["amount"] or ZERO)
        amount = round_money(totals["amount"] or ZERO)  # SQLite sums decimals as floats
        net += amount
        net_universities += school_amount
        rolls.append({"sequence": run.sequence, "kind": "正常发放" if run.sequence == 0 else "调整",
                      "status": run.status, "status_label": run.get_status_display(),
                      "persons": totals["persons"] or 0, "amount": _money(amount),
                      "university_amount": _money(school_amount), "stale": run.stale})
    summary.update(runs=rolls, net_amount=_money(net),
                   net_university_amount=_money(net_universities),
                   stale=any(r["stale"] for r in rolls))
    return summary


SCOPE_LABELS = {(True, False): "本县", (False, True): "本部门", (True, True): "本县本部门"}


def scope_of(user) -> dict | None:
    """The part of a run ``user`` sees, labelled for the page: 本部门 for a paying department's
    staff (衢政办发〔2020〕20号 一:职责分工), 本县 for county staff (issue 9 §1), 本县本部门
    for both; None when the user sees the whole run."""
    departments = user_departments(user)
    region = roles.user_region(user)
    if departments is None and region is None:
        return None
    labels = dict(Department.choices)
    names = ([region.name] if region else []) + [labels[d] for d in departments or []]
    label = SCOPE_LABELS[(region is not None, departments is not None)]
    return {"label": label, "text": f"{label}({'、'.join(names)})",
            "region": region.code if region else None,
            "departments": list(departments or [])}


def shift_month(month: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) ``month``."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_chart(month: dt.date, runs: list[SubsidyRun], *, user=None,
                scope: dict | None = None) -> dict:
    """The run page's charts (issue 12 §3), amounts as strings like the rest of the summary:
    ``month`` — the month's net amount (every roll, so corrections count, 八) per region ×
    paying department of the whole run; ``trend`` — the net amount of each of the twelve
    months ending with ``month`` for the whole city and, for a user who sees part of the run,
    for that part (``own``)."""
    cells = (run_figures(list(runs))
             .values("region__code", "region__name", "department")
             .annotate(amount=Sum("amount")).order_by("region__code", "department"))
    regions: dict[str, str] = {}
    amounts: dict[tuple[str, str], Decimal] = {}
    for cell in cells:
        regions[cell["region__code"]] = cell["region__name"]
        amounts[(cell["region__code"], cell["department"])] = round_money(cell["amount"] or ZERO)
    present = {department for _, department in amounts}
    series = [{"key": d.value, "label": d.label,
               "amounts": [_money(amounts.get((code, d.value), ZERO)) for code in regions]}
              for d in Department if d.value in present]
    months = [shift_month(month, -offset) for offset in range(11, -1, -1)]
    whole = {row["month"]: row["amount"] for row in
             SubsidyRun.objects.filter(month__gte=months[0], month__lte=month)
             .values("month").annotate(amount=Sum("amount")).order_by()}
    trend = {"months": [f"{m:%Y-%m}" for m in months],
             "whole": [_money(round_money(whole.get(m) or ZERO)) for m in months], "own": None}
    if scope is not None:
        own = {row["run__month"]: row["amount"] for row in
               scope_lines(RunTotal.objects.filter(run__month__gte=months[0],
                                                   run__month__lte=month), user)
               .values("run__month").annotate(amount=Sum("amount")).order_by()}
        trend["own"] = [_money(round_money(own.get(m) or ZERO)) for m in months]
    return {"month": {"regions": list(regions.values()), "region_codes": list(regions),
                      "series": series},
            "trend": trend}


def overdue_runs(*, today: dt.date):
    """Rolls past their payment deadline (六: 确保于每月月底前将上个月的价格补贴发放到位 — the
    end of the month after M) that are not marked paid, of triggered months with money to pay
    (persons on the roll or a school line). A month with nothing to pay is never overdue."""
    cutoff = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # M+1 ended ⇒ M < cutoff
    return (SubsidyRun.objects.filter(month__lt=cutoff, triggered=True)
            .exclude(status=RunStatus.PAID)
            .filter(Q(persons__gt=0) | Q(university_lines__isnull=False))
            .distinct().order_by("month", "sequence"))


def rolls_by_department_and_region(run: SubsidyRun, *, user=None) -> list[dict]:
    """Rolls are per paying department and region (DOMAIN §5): persons and amount of each."""
    labels = dict(Department.choices)
    rows = (run_figures(run, user).values("department", "region__code", "region__name")
            .annotate(persons=Sum("persons"), amount=Sum("amount"))
            .order_by("department", "region__code"))
    return [{**r, "department_label": labels[r["department"]],
             "amount": _money(round_money(r["amount"] or ZERO))}
            for r in rows]


def latest_run_month(*, today: dt.date | None = None) -> dt.date:
    """The latest month with a run, else last month (六: month M is computed in M+1)."""
    latest = SubsidyRun.objects.order_by("-month").values_list("month", flat=True).first()
    if latest is not None:
        return latest
    from django.utils import timezone

    return shift_month((today or timezone.localdate()).replace(day=1), -1)


def beside(whole: list[dict], own: list[dict] | None, *, key: str = "key") -> list[dict]:
    """The whole run's rows, each with the user's own part of it as ``own`` (persons and
    amount; zero when the user has none of it) — None when the user sees the whole run."""
    if own is None:
        return [{**row, "own": None} for row in whole]
    mine = {row[key]: row for row in own}
    return [{**row, "own": mine.get(row[key], {"persons": 0, "amount": _money(ZERO)})}
            for row in whole]


# --- background jobs (issue 13 §4) ------------------------------------------------------


def failed_run_jobs(month: dt.date | None = None):
    """Run jobs that failed (the automatic path included: an index entry starts one) and
    were not followed by a successful computation of their month — what the run page and
    the work list show with their Chinese message. ``month`` limits to one month."""
    jobs = Job.objects.filter(kind=Job.Kind.RUN, status=JobStatus.FAILED, month__isnull=False)
    if month is not None:
        jobs = jobs.filter(month=month)
    latest = dict(SubsidyRun.objects.filter(computed_at__isnull=False)
                  .filter(**({"month": month} if month is not None else {}))
                  .values("month").annotate(at=Max("computed_at"))
                  .values_list("month", "at").order_by())
    newer = [j for j in jobs.select_related("started_by").order_by("-created_at")[:50]
             if latest.get(j.month) is None or j.updated_at > latest[j.month]]
    return newer


def running_run_jobs(month: dt.date):
    """Run jobs of ``month`` still queued or running (their page shows the progress)."""
    return list(Job.objects.filter(kind=Job.Kind.RUN, status=JobStatus.RUNNING, month=month)
                .order_by("-created_at")[:5])


def failed_import_jobs(*, user=None, days: int = 7):
    """Import jobs that failed in the last ``days`` days, the user's own (all for a
    superuser), for the work list."""
    since = dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=days)
    jobs = Job.objects.filter(kind=Job.Kind.IMPORT, status=JobStatus.FAILED, updated_at__gte=since)
    if user is not None and not user.is_superuser:
        jobs = jobs.filter(started_by=user)
    return jobs.order_by("-updated_at")
