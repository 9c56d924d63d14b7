"""The staff run and job pages (thin: selectors do the work); the API is ``api.py``."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core import audit, authority, frame, jobs, params, roles
from apps.core.exporting import XLSX_CONTENT_TYPE, attach
from apps.core.models import Region
from apps.core.params import safe_next

from . import exports, rollfiles, rules, selectors
from .models import Department, Job, RollLine, SubsidyRun
from .tasks import start_run_job


@staff_member_required
@permission_required("subsidies.view_subsidyrun", raise_exception=True)
def runs_latest(request):
    """价格补贴月度测算 in the sidebar: the latest month with a run (else last month)."""
    return HttpResponseRedirect(reverse("subsidies-run-page",
                                        args=[f"{selectors.latest_run_month():%Y-%m}"]))


@staff_member_required
@permission_required("subsidies.view_subsidyrun", raise_exception=True)
@params.page_params
def run_page(request, month: str):
    """The run page (issue 12 §3): the whole run's totals with the user's own department or
    county beside them, each roll of the month, and the charts drawn from the same JSON as
    the summary API (embedded with ``json_script``)."""
    try:
        month_date = rules.parse_month(month)
    except rules.BadMonth as exc:
        raise Http404(str(exc)) from exc
    summary = selectors.month_summary(month_date, user=request.user)
    scope = summary["scope"] if summary else None
    items = []
    for run in SubsidyRun.objects.filter(month=month_date).order_by("sequence"):
        own = selectors.run_summary(run, user=request.user)
        whole = selectors.run_summary(run) if scope else own
        items.append({
            "run": run, "whole": whole, "own": own,
            "by_region": selectors.beside(whole["by_region"], own["by_region"] if scope else None),
            "by_category": selectors.beside(whole["by_category"],
                                            own["by_category"] if scope else None),
            "rolls": selectors.rolls_by_department_and_region(run, user=request.user),
            "events": run.events.select_related("by")})
    return frame.render(request, "subsidies/run_page.html", {
        "title": f"{month_date.year}年{month_date.month}月价格临时补贴",
        "month": month_date, "summary": summary, "scope": scope, "runs": items,
        "month_rows": (selectors.beside(summary["whole"]["runs"],
                                        summary["runs"] if scope else None, key="sequence")
                       if summary else []),
        "previous_month": selectors.shift_month(month_date, -1),
        "next_month": selectors.shift_month(month_date, 1),
        "failed_jobs": selectors.failed_run_jobs(month_date),
        "running_jobs": selectors.running_run_jobs(month_date),
    }, crumbs=[("价格临时补贴", reverse("admin:app_list", args=["subsidies"]))])


def _run_or_404(month: str, request) -> SubsidyRun:
    try:
        month_date = rules.parse_month(month)
    except rules.BadMonth as exc:
        raise Http404(str(exc)) from exc
    sequence = params.integer(request.GET, "sequence", 0, minimum=0, maximum=10_000)
    return get_object_or_404(SubsidyRun.objects.select_related("policy"), month=month_date,
                             sequence=sequence)


@staff_member_required
@permission_required("subsidies.view_rollline", raise_exception=True)
@params.page_params
def run_roll(request, month: str, fmt: str = "csv"):
    """A roll per paying department × region as CSV or XLSX (六: 按职责分工发放); IDs masked
    unless the role may see them. The XLSX ends in a 合计 row (issue 12 §4)."""
    run = _run_or_404(month, request)
    code = params.text(request.GET, "region")
    region = Region.objects.filter(code=code).first() if code else None
    if code and region is None:
        raise params.BadParameter("region", f"不是已知的区划代码(收到“{code[:20]}”)")
    department = params.choice(request.GET, "department", [d.value for d in Department])
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE if fmt == "xlsx"
                            else "text/csv; charset=utf-8")
    # The file name is built from validated values only, encoded by RFC 6266 (issue 11 §6).
    name = exports.roll_filename(run, department=department, region=region, fmt=fmt)
    attach(response, name)
    masked = not roles.may_see_full_id(request.user)
    # Built once per run version × scope × format and served from storage (issue 13 §3).
    data, count = rollfiles.roll_file(run, user=request.user, region=region,
                                      department=department, fmt=fmt, masked=masked)
    response.write(data)
    if not masked:  # full resident IDs left the system: on the record (issue 9 §5)
        own = roles.user_region(request.user)
        regions = ([region] if region else [own] if own else selectors.line_regions(run))
        audit.record_id_disclosure(actor=request.user, model=RollLine, count=count,
                                   note=f"下载发放名单{fmt.upper()}(完整身份证号){run} {name}",
                                   regions=regions)
    return response


@staff_member_required
@permission_required("subsidies.view_subsidyrun", raise_exception=True)
@params.page_params
def run_report(request, month: str):
    """The upward report (八) as XLSX."""
    run = _run_or_404(month, request)
    response = attach(HttpResponse(content_type=XLSX_CONTENT_TYPE), exports.report_filename(run))
    exports.report_workbook(run, response, user=request.user)
    return response


def may_follow_jobs(user) -> bool:
    """Subsidies staff follow their runs and imports; 医保 staff who import doctors follow
    their large uploads, which run as the same jobs (issue 11 §3, ``apps.doctors.tasks``)."""
    return user.has_perm("subsidies.view_job") or user.has_perm("doctors.add_doctor")


def _visible_job(request, job_id) -> Job | None:
    """A job is shown to whoever started it and superusers; a run started by 系统 (an index
    entered by a command or task) to whoever may view runs."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    if request.user.is_superuser or job.started_by_id == request.user.pk:
        return job
    if (job.started_by_id is None and job.kind == Job.Kind.RUN
            and request.user.has_perm("subsidies.view_subsidyrun")):
        return job
    return None


@staff_member_required
def job_page(request, job_id):
    """The progress bar page; it polls ``job_progress`` until the job is finished."""
    if not may_follow_jobs(request.user):
        raise PermissionDenied
    job = _visible_job(request, job_id)
    if job is None:
        raise Http404("没有这个后台任务")
    return frame.render(request, "subsidies/job_page.html", {
        "title": str(job), "job": job, "state": jobs.job_state(job),
        "api_url": reverse("subsidies-job-progress", args=[job.pk])},
        crumbs=[("价格临时补贴", reverse("admin:app_list", args=["subsidies"])),
                ("后台任务", None)])


@require_POST
@staff_member_required
def start_run(request):
    """计算/调整 button: start the month's run as a task and show its progress.

    City level (issue 9 §1): refused here with 403 before a job starts; the service checks
    again in the task."""
    authority.check_city_level(request.user, "月度补贴测算")
    if not request.user.has_perm("subsidies.change_subsidyrun"):
        raise PermissionDenied
    month = request.POST.get("month", "")
    try:
        label = rules.month_label(rules.parse_month(month))
    except rules.BadMonth as exc:
        from django.contrib import messages

        messages.error(request, str(exc))
        return HttpResponseRedirect(safe_next(request, reverse("admin:subsidies_subsidyrun_changelist")))
    job = start_run_job(label, request.user)
    return HttpResponseRedirect(reverse("subsidies-job-page", args=[job.pk]))
