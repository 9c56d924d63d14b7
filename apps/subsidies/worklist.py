"""今日待办 items of the price subsidy (衢政办发〔2020〕20号 六: 按月测算, 确保于每月月底前将上个月的
价格补贴发放到位; issue 12 §2).

Rolls are the whole city's (issue 9 §1): submitting, approving and marking paid are
city-level steps, so those lines go to city-level staff holding the step's permission. The
nearest deadline of a roll is the end of the month after its month.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.core import roles
from apps.core.worklist import Item, register

from . import selectors
from .models import Job, JobStatus, RunEvent, RunStatus, RunStep, RunTotal, SubsidyRun
from .rules import month_end

# A failed job stays on its starter's list this long unless the same job succeeds later.
FAILED_JOB_DAYS = 7


def payment_deadline(month: dt.date) -> dt.date:
    """六: month M is paid by the end of month M+1."""
    return month_end(month_end(month) + dt.timedelta(days=1))


def _past_deadline(today: dt.date) -> Q:
    """Rolls whose month's payment deadline has passed (the end of M+1 is before today)."""
    cutoff = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return Q(month__lt=cutoff)


def to_submit(user, today: dt.date) -> QuerySet[SubsidyRun]:
    """Computed drafts whose inputs have not changed since: the preparer submits them."""
    return SubsidyRun.objects.filter(status=RunStatus.DRAFT, computed_at__isnull=False,
                                     stale_since__isnull=True)


def stale_drafts(user, today: dt.date) -> QuerySet[SubsidyRun]:
    """Drafts whose inputs changed after computing (``stale_since``): recompute before
    submitting (the nightly job recomputes them too)."""
    return SubsidyRun.objects.filter(status=RunStatus.DRAFT, computed_at__isnull=False,
                                     stale_since__isnull=False)


def to_approve(user, today: dt.date) -> QuerySet[SubsidyRun]:
    """Submitted rolls this user may review: not ones they computed, recomputed or submitted
    (编制与审核须为不同人员, ``services.preparers``). A stale one is returned, not approved."""
    prepared = RunEvent.objects.filter(run=OuterRef("pk"), by=user,
                                       status__in=[RunStatus.DRAFT, RunStatus.SUBMITTED]
                                       ).exclude(step=RunStep.RETURN)
    return (SubsidyRun.objects.filter(status=RunStatus.SUBMITTED)
            .exclude(prepared_by=user).exclude(Exists(prepared)))


def to_mark_paid(user, today: dt.date) -> QuerySet[SubsidyRun]:
    """Approved rolls not yet marked paid (六: 发放到位)."""
    return SubsidyRun.objects.filter(status=RunStatus.APPROVED)


def overdue(user, today: dt.date) -> QuerySet[SubsidyRun]:
    """Rolls past the payment deadline and not paid (``selectors.overdue_runs``, the rule of
    the nightly warning to 发改委); a county user counts those paying their county."""
    runs = selectors.overdue_runs(today=today)
    region = roles.user_region(user)
    if region is not None:
        runs = runs.filter(Exists(RunTotal.objects.filter(run=OuterRef("pk"), region=region)))
    return runs


def failed_jobs(user, today: dt.date) -> QuerySet[Job]:
    """Imports and runs the user started that failed in the last week, unless the same job
    (same kind and content) finished later; a superuser sees everyone's (as ``JobAdmin``)."""
    since = today - dt.timedelta(days=FAILED_JOB_DAYS)
    jobs = Job.objects.filter(status=JobStatus.FAILED, created_at__date__gte=since)
    if not user.is_superuser:
        jobs = jobs.filter(started_by=user)
    redone = Job.objects.filter(kind=OuterRef("kind"), label=OuterRef("label"),
                                started_by=OuterRef("started_by"), status=JobStatus.DONE,
                                created_at__gt=OuterRef("created_at"))
    return jobs.exclude(Exists(redone))


RUN = {"model": SubsidyRun, "nearest": "month", "due": payment_deadline, "late": _past_deadline,
       "city_level": True}

register(Item(key="subsidies.submit", label="待提交审核的补贴名单", order=10,
              permission="subsidies.change_subsidyrun", rows=to_submit, **RUN))
register(Item(key="subsidies.stale", label="输入已变更、待重新计算的补贴名单草稿", order=11,
              permission="subsidies.change_subsidyrun", rows=stale_drafts, **RUN))
register(Item(key="subsidies.approve", label="待审核的补贴名单", order=12,
              permission="subsidies.approve_subsidyrun", rows=to_approve, **RUN))
register(Item(key="subsidies.pay", label="已审核、待标记发放的补贴名单", order=13,
              permission="subsidies.change_subsidyrun", rows=to_mark_paid, **RUN))
register(Item(key="subsidies.overdue", label="逾期未发放的补贴名单", order=14,
              permission="subsidies.view_subsidyrun", model=SubsidyRun, rows=overdue,
              nearest="month", due=payment_deadline, late=_past_deadline))
register(Item(key="subsidies.failed_jobs", label="失败的导入和测算任务", order=15,
              permission="subsidies.view_job", model=Job, rows=failed_jobs))
