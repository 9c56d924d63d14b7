"""Subsidies API: a month's run summary and a background job's progress (thin)."""

from __future__ import annotations

import uuid

from apps.core import jobs
from apps.core.api import ApiError, ApiRouter

from . import rules, selectors
from .views import _visible_job, may_follow_jobs

router = ApiRouter("subsidies")


@router.get("jobs/{uuid:job_id}", url_name="subsidies-job-progress")
def job_progress(request, job_id: uuid.UUID):
    """Stage, rows done, percent; the result or the error list. Whoever started the job
    (and superusers); a run started by 系统 to whoever may view runs."""
    if not may_follow_jobs(request.user):
        raise ApiError("无权访问该接口", status=403)
    job = _visible_job(request, job_id)
    if job is None:
        raise ApiError("没有这个后台任务", status=404)
    return jobs.job_state(job)


@router.get("runs/{str:month}/summary", permission="subsidies.view_subsidyrun",
            url_name="subsidies-run-summary")
def run_summary(request, month: str):
    """The regular roll's totals (八), every roll of the month (``runs``), ``net_amount``
    after corrections and ``stale``; ``month`` is YYYY-MM. Amounts are strings (元)."""
    try:
        month_date = rules.parse_month(month)
    except rules.BadMonth as exc:
        raise ApiError(str(exc), status=400, parameter="month") from exc
    summary = selectors.month_summary(month_date, user=request.user)
    if summary is None:
        raise ApiError(f"{month_date:%Y-%m}尚未测算", status=404)
    return summary
