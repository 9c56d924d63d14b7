"""Writes for the subsidy module: index entry, the monthly run, approval steps, warnings.

Authority (issue 9): every write takes the acting user (``actor``, or ``by=`` for run steps;
``None`` = 系统), checks it before writing and runs inside ``authority.acting_as``. Indices,
runs and every run step are city level; approving also needs the approve permission and a
person who did not compute, recompute or submit the run. Each run step writes one STEP
entry in the audit trail with old → new status and the regions of the roll.

The run is set-based (衢政办发〔2020〕20号 六: 按月测算): the rules fill a small amount table
(region × 城乡 × category, ``RunRate``) in Python with ``round_money``; one INSERT … SELECT
then joins every person in force — with the county and 城乡 in force in the month (dated
facts, issue 10 §2) — to it and keeps the highest category (就高不就低).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from apps.core import audit, authority
from apps.core.models import AuditEvent, Notice, Region
from apps.core.money import round_money
from apps.core.notices import queue_notice_once

from . import rules, selectors
from .models import (
    Enrolment,
    MonthlyIndex,
    RollLine,
    RunEvent,
    RunRate,
    RunStatus,
    RunStep,
    RunTotal,
    SubsidyRun,
    University,
    UniversityFact,
    UniversityLine,
    from_month_label,
)

log = logging.getLogger("qzgov.subsidies")
ZERO = Decimal("0.00")


class SubsidyError(Exception):
    """A rule or state prevents the operation; the message is for staff (Chinese)."""


class NoChange(SubsidyError):
    """A recompute of an approved month found nothing to correct: no adjustment roll is
    created (issue 13 §4: 无变化)."""


def in_progress_message(month: dt.date) -> str:
    return f"{rules.month_label(month)}本月测算已在进行中,请稍后在测算页面查看结果"


# --- index entry ---------------------------------------------------------------------


@transaction.atomic
def index_enter(*, month: dt.date, scpi: Decimal, cpi_food: Decimal,
                entered_by=None, start_run: bool = True, actor=None) -> MonthlyIndex:
    """Record the province's indices for ``month``; the draft run starts after commit (六).

    City level only (issue 9 §1): the indices apply to the whole city. The run started
    after commit acts as the user who entered the index, who thereby prepared it and may not
    approve it (issue 9 §3)."""
    actor = authority.resolve(actor or entered_by)
    authority.check_city_level(actor, "月度价格指数")
    authority.check_permission(actor, "subsidies.change_monthlyindex", "录入月度价格指数")
    month = rules.parse_month(month)
    with authority.acting_as(actor):
        index, _ = MonthlyIndex.objects.update_or_create(
            month=month, defaults={"scpi": scpi, "cpi_food": cpi_food,
                                   "entered_by": _user(entered_by) or _user(actor)})
    if start_run:
        from .tasks import start_run_job

        label = rules.month_label(month)
        user = _user(actor)
        # A job record per automatic run: its failure shows on the run page (issue 13 §4).
        transaction.on_commit(lambda: start_run_job(label, user))
    return index


# --- the run ---------------------------------------------------------------------------

# The beneficiary facts in force in month M (issue 10 §2): each person's fact with the latest
# ``from_month`` not after M, or — before the person's first fact — the first one. One hash
# anti-join on the beneficiary id; parameters: M, M.
_FACTS = """
    SELECT f.beneficiary_id, f.region_id, f.residence
    FROM subsidies_beneficiaryfact f
    WHERE NOT EXISTS (SELECT 1 FROM subsidies_beneficiaryfact g
                      WHERE g.beneficiary_id = f.beneficiary_id
                        AND ((g.from_month > f.from_month AND g.from_month <= %s)
                             OR (g.from_month < f.from_month AND f.from_month > %s)))
"""

# Parameters: M, M (facts), run id, M, M (enrolments in force).
_RANKED = f"""
    SELECT e.beneficiary_id, r.category, r.department, b.region_id, b.residence,
           r.standard, r.amount,
           ROW_NUMBER() OVER (PARTITION BY e.beneficiary_id
                              ORDER BY r.amount DESC, r.priority) AS rn
    FROM subsidies_enrolment e
    JOIN ({_FACTS}) b ON b.beneficiary_id = e.beneficiary_id
    JOIN subsidies_runrate r ON r.run_id = %s AND r.region_id = b.region_id
         AND r.residence = b.residence AND r.category = e.category
    WHERE e.from_month <= %s AND (e.to_month IS NULL OR e.to_month >= %s)
"""

_COLUMNS = ("run_id, month, sequence, beneficiary_id, category, department, region_id, "
            "residence, standard, amount")

REGULAR_SQL = f"""
    INSERT INTO subsidies_rollline ({_COLUMNS})
    SELECT %s, %s, %s, beneficiary_id, category, department, region_id, residence, standard,
           amount
    FROM ({_RANKED}) ranked WHERE rn = 1
"""


def _adjustment_sql(approved_ids: list[int]) -> str:
    """The correction roll (DOMAIN §7: one identity, one paying department).

    What the approved rolls paid is grouped per person × paying department × county. The
    person's line in force (department, county) gets the difference to what that department
    paid there; every other department/county the person was paid through is reversed in
    full. A person whose highest category moves from 民政 to 人社 thus gets two lines — 民政
    −old amount, 人社 +new amount — and each department's persons and amounts stay true.
    """
    marks = ", ".join(["%s"] * len(approved_ids)) or "NULL"
    return f"""
    WITH target AS (SELECT * FROM ({_RANKED}) ranked WHERE rn = 1),
    paid AS (SELECT beneficiary_id, department, region_id, SUM(amount) AS amount,
                    MAX(category) AS category, MAX(residence) AS residence,
                    MAX(standard) AS standard
             FROM subsidies_rollline WHERE run_id IN ({marks})
             GROUP BY beneficiary_id, department, region_id)
    INSERT INTO subsidies_rollline ({_COLUMNS})
    SELECT %s, %s, %s, t.beneficiary_id, t.category, t.department, t.region_id, t.residence,
           t.standard, t.amount - COALESCE(p.amount, 0)
    FROM target t LEFT JOIN paid p ON p.beneficiary_id = t.beneficiary_id
         AND p.department = t.department AND p.region_id = t.region_id
    WHERE ABS(t.amount - COALESCE(p.amount, 0)) >= 0.005
    UNION ALL
    SELECT %s, %s, %s, p.beneficiary_id, p.category, p.department, p.region_id, p.residence,
           p.standard, -p.amount
    FROM paid p
    WHERE ABS(p.amount) >= 0.005
      AND NOT EXISTS (SELECT 1 FROM target t WHERE t.beneficiary_id = p.beneficiary_id
                      AND t.department = p.department AND t.region_id = p.region_id)
    """


# A run's totals per region × paying department × category, from its lines (八: 人次和金额).
# ROUND: SQLite sums decimals as floats. Parameter: the run id.
TOTALS_SQL = """
    INSERT INTO subsidies_runtotal (run_id, region_id, department, category, persons, amount)
    SELECT run_id, region_id, department, category, COUNT(*), ROUND(SUM(amount), 2)
    FROM subsidies_rollline WHERE run_id = %s
    GROUP BY run_id, region_id, department, category
"""


def write_run_totals(run: SubsidyRun) -> None:
    """(Re)write ``run``'s derived totals from its lines (衢政办发〔2020〕20号 八), in the
    caller's transaction: the run service after writing the lines, ``rebuild_run_totals``."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM subsidies_runtotal WHERE run_id = %s", [run.pk])
        cursor.execute(TOTALS_SQL, [run.pk])


def rebuild_run_totals(*, actor=None) -> int:
    """Rewrite every run's totals from its lines (``manage.py rebuild_run_totals``): the
    totals are derived, so rebuilding changes nothing unless they were damaged. City level
    (issue 9 §1); returns the runs rebuilt."""
    actor = authority.resolve(actor)
    _check_run_writer(actor, "重建测算汇总")
    count = 0
    with authority.acting_as(actor), transaction.atomic():
        for run in SubsidyRun.objects.order_by("month", "sequence"):
            write_run_totals(run)
            count += 1
    return count


RUN_STAGES = 5


def _no_progress(stage: str, done: int | None = None, total: int | None = None) -> None:
    return None


def _claim_run(month: dt.date, policy, actor) -> SubsidyRun:
    """The run to (re)compute: the regular roll while it is a draft, else an adjustment roll.

    Submitted rolls are locked until decided; approved/paid rolls are never edited (a later
    correction goes into a new adjustment roll). The (month, sequence) unique constraint makes a
    concurrent duplicate fail instead of paying twice.
    """
    runs = list(SubsidyRun.objects.select_for_update().filter(month=month).order_by("sequence"))
    if runs:
        latest = runs[-1]
        if latest.status == RunStatus.DRAFT:
            return latest
        if latest.status == RunStatus.SUBMITTED:
            raise SubsidyError(f"{latest}已提交待审核,审核前不能重新计算")
        sequence = latest.sequence + 1
    else:
        sequence = 0
    try:
        with transaction.atomic():
            return SubsidyRun.objects.create(
                month=month, sequence=sequence, policy=policy, triggered=False, scpi=0,
                cpi_food=0, prepared_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as exc:  # a concurrent run created it first (SQLite: no row lock)
        raise SubsidyError(in_progress_message(month)) from exc


def _lock_month(month: dt.date) -> MonthlyIndex | None:
    """The month's index row, locked for the run without waiting: runs of one month are
    serialised on it, and the loser of a concurrent start is told so in Chinese instead of
    waiting or meeting a unique-constraint traceback (issue 13 §4)."""
    try:
        with transaction.atomic():
            return MonthlyIndex.objects.select_for_update(nowait=True).filter(month=month).first()
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "55P03":  # lock_not_available
            raise SubsidyError(in_progress_message(month)) from exc
        raise


def _missing_standards(month: dt.date, standards: dict) -> list[str]:
    """Counties (in force in ``month``) of persons enrolled or schools counted without a
    standard."""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT DISTINCT b.region_id FROM subsidies_enrolment e
            JOIN ({_FACTS}) b ON b.beneficiary_id = e.beneficiary_id
            WHERE e.from_month <= %s AND (e.to_month IS NULL OR e.to_month >= %s)
        """, [month, month, month, month])
        region_ids = {row[0] for row in cursor.fetchall()}
    region_ids |= {u.region_id for u, _ in _universities_in_force(month)}
    missing = region_ids - set(standards)
    return sorted(str(r) for r in Region.objects.filter(pk__in=missing))


def _check_run_writer(actor, what: str) -> None:
    """Runs and their steps are the whole city's (issue 9 §1): city level and the change
    permission (系统 always may)."""
    authority.check_city_level(actor, "月度补贴测算")
    authority.check_permission(actor, "subsidies.change_subsidyrun", what)


def run_regions(run: SubsidyRun) -> list[int]:
    """The regions a run pays (roll lines and universities), for the audit trail."""
    ids = set(RunTotal.objects.filter(run=run).values_list("region_id", flat=True))
    ids |= set(UniversityLine.objects.filter(run=run).values_list("region_id", flat=True))
    return sorted(ids)


def _audit_step(run: SubsidyRun, *, actor, step: str, old: str | None, new: str,
                note: str = "", extra: dict | None = None) -> None:
    """One STEP entry per run step: actor, run, old → new status, the regions (issue 9 §5)."""
    changes = {"status": [old, new], **(extra or {})}
    audit.record(AuditEvent.Action.STEP, actor=actor, obj=run, changes=changes,
                 note=f"{RunStep(step).label}{':' + note if note else ''}",
                 regions=run_regions(run))


@transaction.atomic
def run_compute(*, month: dt.date, actor=None, progress=None) -> SubsidyRun:
    """Compute ``month``'s roll in one transaction (衢政办发〔2020〕20号 三–五).

    City level (issue 9 §1); ``actor`` ``None`` is 系统 (the run started by an index).
    ``progress(stage, done, total)`` (see ``jobs.reporter``) hears each of the five stages."""
    actor = authority.resolve(actor)
    _check_run_writer(actor, "计算补贴名单")
    with authority.acting_as(actor):
        return _run_compute(month=month, actor=actor, progress=progress)


def _run_compute(*, month: dt.date, actor, progress) -> SubsidyRun:
    progress = progress or _no_progress
    progress("读取价格指数、政策版本和地方标准", 0, RUN_STAGES)
    month = rules.parse_month(month)
    label = rules.month_label(month)
    policy = selectors.policy_for(month)
    if policy is None:
        raise SubsidyError(f"{label}不在任何价格补贴政策的执行期内(衢政办发〔2020〕20号自2020-02-13起执行)")
    index = _lock_month(month)
    if index is None:
        raise SubsidyError(f"{label}尚未录入SCPI和CPI食品价格指数")
    run = _claim_run(month, policy, actor)
    recompute = run.computed_at is not None
    old_status = run.status if recompute else None
    with connection.cursor() as cursor:  # a draft's old lines go in one statement
        cursor.execute("DELETE FROM subsidies_runtotal WHERE run_id = %s", [run.pk])
        cursor.execute("DELETE FROM subsidies_rollline WHERE run_id = %s", [run.pk])
    UniversityLine.objects.filter(run=run).delete()
    RunRate.objects.filter(run=run).delete()

    progress("生成各区划、城乡、类别的补贴金额表", 1, RUN_STAGES)
    rate = rules.subsidy_rate(policy, scpi=index.scpi, cpi_food=index.cpi_food)
    standards = selectors.standards_in_force(month) if rate is not None else {}
    if rate is not None:
        missing = _missing_standards(month, standards)
        if missing:
            raise SubsidyError(f"{label}以下区划没有适用的低保/失业保险金标准:{'、'.join(missing)}")
        RunRate.objects.bulk_create([
            RunRate(run=run, region_id=r.region_id, residence=r.residence, category=r.category,
                    department=r.department, standard=r.standard, amount=r.amount,
                    priority=r.priority)
            for r in rules.amount_table(policy, rate=rate, standards=standards)
        ])
        if connection.vendor == "postgresql":
            # Fresh rows of this run: without statistics the planner expects one rate row and
            # picks nested loops (35 s instead of 9 s for a million persons).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE subsidies_runrate")
    approved_ids = list(SubsidyRun.objects.filter(
        month=month, status__in=[RunStatus.APPROVED, RunStatus.PAID]).values_list("pk", flat=True))
    head = [run.pk, month, run.sequence]
    ranked = [month, month, run.pk, month, month]
    progress("写入发放名单(按人就高取一类)", 2, RUN_STAGES)
    with connection.cursor() as cursor:
        if run.sequence == 0:
            cursor.execute(REGULAR_SQL, head + ranked)
        else:
            cursor.execute(_adjustment_sql(approved_ids), ranked + approved_ids + head + head)
    progress("计算高校临时伙食补贴", 3, RUN_STAGES)
    university_lines = _university_lines(run, policy, rate, standards, approved_ids)
    progress("汇总人数、金额并保存快照", 4, RUN_STAGES)
    if (run.sequence and not recompute and not university_lines
            and not RollLine.objects.filter(run=run).exists()):
        # Nothing differs from the approved rolls: the new adjustment roll is rolled back
        # with the transaction (no run, no empty roll, nothing to warn about).
        raise NoChange(f"{label}无变化:与已审核的名单一致,未生成调整名单")

    write_run_totals(run)
    totals = RunTotal.objects.filter(run=run).aggregate(persons=Sum("persons"),
                                                        amount=Sum("amount"))
    enrolled = dict(
        Enrolment.objects.filter(from_month__lte=month).exclude(to_month__lt=month)
        .values_list("category").annotate(n=Count("id")).order_by()
    )
    run.policy = policy
    run.triggered = rate is not None
    run.rate = rate
    run.scpi, run.cpi_food = index.scpi, index.cpi_food
    run.persons = totals["persons"] or 0
    run.amount = round_money(totals["amount"] or ZERO)  # SQLite sums decimals as floats
    run.computed_at = timezone.now()
    run.stale_since, run.stale_reason = None, ""
    if run.prepared_by_id is None and getattr(actor, "is_authenticated", False):
        run.prepared_by = actor
    run.snapshot = {
        "index": {"month": label, "scpi": str(index.scpi), "cpi_food": str(index.cpi_food),
                  "entered_at": index.entered_at.isoformat()},
        "policy": {"document": policy.document, "effective_from": str(policy.effective_from),
                   "scpi_threshold": str(policy.scpi_threshold),
                   "food_threshold": str(policy.food_threshold),
                   "minimum_rate": str(policy.minimum_rate), "multiplier": str(policy.multiplier),
                   "floor": str(policy.floor), "edge_ratio": str(policy.edge_ratio),
                   "university_ratio": str(policy.university_ratio),
                   "rounding_unit": str(policy.rounding_unit)},
        "decision": ("triggered" if rate is not None else
                     f"not triggered: SCPI {index.scpi}% < {policy.scpi_threshold}% and "
                     f"CPI食品 {index.cpi_food}% < {policy.food_threshold}%"),
        "standards": {str(s.region.code): {"from_month": f"{s.from_month:%Y-%m}",
                                           "urban_dibao": str(s.urban_dibao),
                                           "rural_dibao": str(s.rural_dibao),
                                           "unemployment": str(s.unemployment)}
                      for s in standards.values()},
        "enrolments_in_force": enrolled,
        "adjusts_runs": approved_ids if run.sequence else [],
        "university_lines": university_lines,
        "university_students": {u.organisation.name: {"from_month": from_month_label(f.from_month),
                                                      "students": f.students}
                                for u, f in _universities_in_force(month)},
    }
    run.save()
    step = RunStep.RECOMPUTE if recompute else RunStep.COMPUTE
    RunEvent.objects.create(run=run, status=RunStatus.DRAFT, by=_user(actor),
                            note=step.label, step=step)
    # One run-level entry per attempt (issue 13 §4): the step with its counts and regions, in
    # the run's transaction — an attempt that fails or is killed leaves none, its retry one.
    counts = {"persons": run.persons, "amount": str(run.amount), "universities": university_lines}
    _audit_step(run, actor=actor, step=step, old=old_status, new=RunStatus.DRAFT,
                note=f"价格补贴测算 {run}", extra={"counts": counts})
    queue_roll_files(run)
    return run


def queue_roll_files(run: SubsidyRun) -> None:
    """After the transaction commits, the worker builds the run's roll files so the first
    clerk's download is a stored file (issue 13 §3; ``settings.ROLL_FILES_WARM``)."""
    if not settings.ROLL_FILES_WARM:
        return
    from .tasks import warm_rolls_task

    pk = run.pk
    transaction.on_commit(lambda: warm_rolls_task.delay(pk))


def _universities_in_force(month: dt.date) -> list[tuple[University, UniversityFact]]:
    """Each university with its student count in force in ``month`` (the fact with the latest
    ``from_month`` not after it); a school without one is not paid for the month."""
    facts: dict[int, UniversityFact] = {}
    for fact in UniversityFact.objects.filter(from_month__lte=month).order_by(
            "university_id", "-from_month"):
        facts.setdefault(fact.university_id, fact)
    return [(u, facts[u.pk]) for u in University.objects.select_related("organisation")
            .filter(pk__in=facts).order_by("pk")]


def _university_lines(run, policy, rate, standards, approved_ids) -> int:
    """五: 按在校学生人数和学校所在地城镇低保对象价格补贴的50%计算 (as difference in an
    adjustment roll).

    Rounding: per student. The per-student amount is rounded first (``round_money`` with the
    policy's unit: 50 % of the rounded urban 低保 amount), then multiplied by the students in
    force in the month; the school total is that exact product, never rounded again.
    """
    paid: dict[int, Decimal] = {}
    for line in UniversityLine.objects.filter(run_id__in=approved_ids):
        paid[line.university_id] = paid.get(line.university_id, ZERO) + line.amount
    counted = _universities_in_force(run.month)
    in_force = {u.pk: fact for u, fact in counted}
    schools = {u.pk: u for u, _ in counted}
    schools.update((u.pk, u) for u in University.objects.select_related("organisation")
                   .filter(pk__in=paid))
    lines = []
    for university in sorted(schools.values(), key=lambda u: u.pk):
        fact = in_force.get(university.pk)
        students = fact.students if fact else 0
        per_student, amount = ZERO, ZERO
        if rate is not None and fact is not None:
            per_student = rules.university_per_student(
                policy, rate=rate, urban_dibao_standard=standards[university.region_id].urban_dibao)
            amount = per_student * students
        difference = amount - paid.get(university.pk, ZERO)
        if difference == 0:
            continue
        lines.append(UniversityLine(run=run, university=university,
                                    school=university.organisation.name,
                                    region_id=university.region_id, students=students,
                                    per_student=per_student, amount=difference))
    UniversityLine.objects.bulk_create(lines)
    return len(lines)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- approval steps (status changes are rows) ------------------------------------------


def _step(run: SubsidyRun, *, frm: str, to: str, by, step: str, note: str = "") -> SubsidyRun:
    """Move ``run`` from ``frm`` to ``to``: a conditional UPDATE (a concurrent step loses), one
    ``RunEvent`` and one STEP audit entry. The caller has checked ``by``'s authority."""
    with authority.acting_as(by):
        claimed = SubsidyRun.objects.filter(pk=run.pk, status=frm).update(status=to)
        if not claimed:
            run.refresh_from_db()
            raise SubsidyError(
                f"{run}当前状态为“{run.get_status_display()}”,不能改为“{RunStatus(to).label}”")
        RunEvent.objects.create(run=run, status=to, by=_user(by), note=note[:300], step=step)
        run.refresh_from_db()
        _audit_step(run, actor=by, step=step, old=frm, new=to, note=note)
    return run


@transaction.atomic
def run_submit(*, run: SubsidyRun, by, note: str = "") -> SubsidyRun:
    """编制人提交审核 (draft → submitted); the submitter becomes the preparer if none.

    City level with the change permission (issue 9 §1)."""
    by = authority.resolve(by)
    _check_run_writer(by, "提交补贴名单")
    if run.computed_at is None:
        raise SubsidyError(f"{run}尚未计算")
    run.refresh_from_db()
    if run.stale:
        raise SubsidyError(f"{run}计算后输入数据已变更({run.stale_reason}),请重新计算后再提交")
    if run.prepared_by_id is None and _user(by):
        SubsidyRun.objects.filter(pk=run.pk).update(prepared_by=by)
    return _step(run, frm=RunStatus.DRAFT, to=RunStatus.SUBMITTED, by=by, step=RunStep.SUBMIT,
                 note=note)


def preparers(run: SubsidyRun) -> set[int]:
    """Users who computed, recomputed or submitted ``run`` (a return is not preparing)."""
    ids = set(run.events.filter(status__in=[RunStatus.DRAFT, RunStatus.SUBMITTED])
              .exclude(step=RunStep.RETURN).exclude(by=None).values_list("by_id", flat=True))
    if run.prepared_by_id:
        ids.add(run.prepared_by_id)
    return ids


def _check_reviewer(by, what: str) -> None:
    """Approving and returning need the approve permission and city level (issue 9 §3)."""
    if not getattr(by, "is_authenticated", False):
        raise SubsidyError(f"{what}必须由登录的工作人员完成")
    authority.check_city_level(by, "补贴名单审核")
    authority.check_permission(by, "subsidies.approve_subsidyrun", what)


@transaction.atomic
def run_approve(*, run: SubsidyRun, by, note: str = "") -> SubsidyRun:
    """审核 (submitted → approved): approve permission and city level; the approver did not
    compute, recompute or submit the run — superusers included (issue 9 §3)."""
    by = authority.resolve(by)
    _check_reviewer(by, "审核补贴名单")
    run.refresh_from_db()
    if run.stale:
        raise SubsidyError(f"{run}计算后输入数据已变更({run.stale_reason}),请退回并重新计算后再审核")
    if by.pk in preparers(run):
        raise SubsidyError(f"{run}的编制人不能审核自己编制的名单(计算、重新计算或提交名单的人员"
                           "不能审核,编制与审核须为不同人员)")
    run = _step(run, frm=RunStatus.SUBMITTED, to=RunStatus.APPROVED, by=by,
                step=RunStep.APPROVE, note=note)
    queue_roll_files(run)
    return run


@transaction.atomic
def run_return(*, run: SubsidyRun, by, reason: str) -> SubsidyRun:
    """退回 (submitted → draft) with a mandatory reason, by a reviewer (approve permission,
    city level); recorded as a ``RunEvent`` and a STEP audit entry (issue 9 §3)."""
    by = authority.resolve(by)
    _check_reviewer(by, "退回补贴名单")
    reason = (reason or "").strip()
    if not reason:
        raise SubsidyError("退回必须填写理由")
    return _step(run, frm=RunStatus.SUBMITTED, to=RunStatus.DRAFT, by=by, step=RunStep.RETURN,
                 note=reason)


@transaction.atomic
def run_mark_paid(*, run: SubsidyRun, by, note: str = "") -> SubsidyRun:
    """已发放 (approved → paid), 六: 确保于每月月底前将上个月的价格补贴发放到位.

    City level with the change permission (issue 9 §1)."""
    by = authority.resolve(by)
    _check_run_writer(by, "标记补贴名单已发放")
    return _step(run, frm=RunStatus.APPROVED, to=RunStatus.PAID, by=by, step=RunStep.PAID,
                 note=note)


RUN_STEPS = {"submit": run_submit, "approve": run_approve, "paid": run_mark_paid}


# --- stale drafts (issue 10 §4) -----------------------------------------------------------


def mark_stale(*, reason: str, month: dt.date | None = None,
               since: dt.date | None = None) -> int:
    """An input of computed, unapproved rolls changed: mark them stale (六: 按月测算 — a roll
    must reflect its inputs). ``month`` limits it to one month, ``since`` to that month and
    later; neither = every unapproved roll. Called by the services and signals that write
    indices, policy, standards, beneficiaries and their facts, enrolments and universities.
    Keeps the first change's time; returns the rolls newly marked."""
    runs = SubsidyRun.objects.filter(status__in=[RunStatus.DRAFT, RunStatus.SUBMITTED],
                                     computed_at__isnull=False, stale_since__isnull=True)
    if month is not None:
        runs = runs.filter(month=rules.parse_month(month))
    if since is not None:
        runs = runs.filter(month__gte=rules.parse_month(since))
    return runs.update(stale_since=timezone.now(), stale_reason=reason[:200])


def recompute_stale_drafts(*, actor=None) -> list[SubsidyRun]:
    """Nightly: recompute every stale draft (a submitted roll waits for its reviewer to
    return it). City level like any run (issue 9 §1); ``None`` is 系统."""
    actor = authority.resolve(actor)
    _check_run_writer(actor, "重新计算已变更的补贴名单")
    done = []
    for run in SubsidyRun.objects.filter(status=RunStatus.DRAFT, stale_since__isnull=False,
                                         computed_at__isnull=False).order_by("month", "sequence"):
        try:
            done.append(run_compute(month=run.month, actor=actor))
        except SubsidyError as exc:
            log.warning("stale draft %s not recomputed: %s", run, exc)
    return done


# --- nightly warning ---------------------------------------------------------------------


def warn_overdue_runs(*, today: dt.date | None = None) -> int:
    """六: 确保于每月月底前将上个月的价格补贴发放到位 — a triggered month's roll with money to
    pay that is not marked paid by the end of the following month is overdue; warn 发改委 once
    per run. A month with nothing to pay (not triggered, or no one and no school) never is."""
    today = today or timezone.localdate()
    count = 0
    for run in selectors.overdue_runs(today=today):
        deadline = rules.month_end(rules.month_end(run.month) + dt.timedelta(days=1))
        _notice, created = queue_notice_once(
            channel=Notice.Channel.INTERNAL, recipient="市发改委", recipient_kind="department",
            subject=f"价格补贴{run}逾期未发放",
            body=(f"{run}(状态:{run.get_status_display()})应于{deadline:%Y-%m-%d}前发放到位,"
                  "目前尚未标记已发放,请督促办理。"),
            topic="subsidies", source=f"run-overdue:{run.pk}",
        )
        count += created
    return count
