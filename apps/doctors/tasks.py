"""Jobs of the doctors module: the scheduled ones (thin: each calls one service) and large
uploads previewed (``check_job``, the import screen) or imported (``doctors_import_job``, after the
confirm or from the one-step ``upload/``) in the worker (issue 11 §3, issue 14 §4), on the
core job records and page (``apps.core.jobs``: one job machinery).

The whole-file rule is unchanged (衢医保发〔2020〕64号 imports, issue 4 §6): any bad row →
nothing is written and every bad row is listed, now on the job's page. The upload waits in
``IMPORT_DIR`` under a random token bound to the user (``apps.core.uploads``) and is removed
when the job ends, whatever the outcome."""

import datetime as dt
import logging

from celery import shared_task
from celery.schedules import crontab
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from apps.core import authority, import_jobs, jobs, uploads
from apps.core.authority import AuthorityError
from apps.core.import_jobs import import_upload
from apps.core.models import Job

from . import imports, services

log = logging.getLogger("qzgov.doctors")
KIND_LABELS = {"doctors": "医保医师及服务协议", "deductions": "扣分记录", "appeals": "申诉"}
COUNT_LABELS = {"doctors": "医师", "institutions": "机构", "agreements": "服务协议",
                "deductions": "扣分记录", "appeals": "申诉", "unchanged": "未变"}


@shared_task(name="doctors.nightly")
def doctors_nightly(day: str | None = None) -> dict:
    with authority.acting_as(None, origin="定时任务 doctors.nightly"):
        return services.nightly(today=dt.date.fromisoformat(day) if day else None, actor=None)


@shared_task(name="doctors.year_end")
def doctors_year_end(year: int | None = None) -> dict:
    """At 00:05 on 1 January the year just ended is closed (art. 16)."""
    with authority.acting_as(None, origin="定时任务 doctors.year_end"):
        return services.year_end(year=year or timezone.localdate().year - 1, actor=None)


def summary(counts: dict) -> str:
    return "导入完成:" + ",".join(f"{COUNT_LABELS.get(k, k)} {v}" for k, v in counts.items())


def start_import_job(*, kind: str, data: bytes, filename: str, user) -> Job:
    """Keep the file for the worker, record the job, start the task; returns the job."""
    token = uploads.store_upload(data, user=user)
    job = jobs.job_start(kind=Job.Kind.IMPORT, label=f"医保{KIND_LABELS[kind]} {filename}",
                         user=user)
    doctors_import_job.delay(str(job.pk), kind, token, filename, getattr(user, "pk", None))
    return job


def start_check_job(*, kind: str, token: str, filename: str, user, preview_view: str = "") -> Job:
    """Preview a large upload (already stored under ``token`` for the confirm) in the worker;
    the job's page links to ``preview_view`` (the admin's checked-preview URL name)."""
    job = jobs.job_start(kind=Job.Kind.IMPORT, label=f"校验医保{KIND_LABELS[kind]} {filename}",
                         user=user)
    url = reverse(preview_view, args=[job.pk]) if preview_view else ""
    doctors_check_job.delay(str(job.pk), kind, token, filename, getattr(user, "pk", None), url)
    return job


def check_job(*, job_id, kind: str, token: str, filename: str, actor=None,
              preview_url: str = "") -> None:
    """A large file's preview: ``imports.import_file`` rolled back (the whole-file rule, any bad
    row listed), in the worker; the upload stays for the confirm (issue 14 §4)."""

    def check(data, progress) -> dict:
        progress("整表校验中", 0)
        counts = import_jobs.dry_run(imports.import_file, kind=kind, data=data,
                                     filename=filename, actor=actor)
        return {"summary": preview_summary(counts), "unchanged": counts.get("unchanged", 0),
                "created": sum(v for k, v in counts.items() if k != "unchanged")}

    import_jobs.check_upload(job_id, token=token, actor=actor, check=check,
                             preview={"kind": kind, "token": token, "file_name": filename},
                             preview_url=preview_url,
                             failure=lambda exc: str(exc) if isinstance(exc, AuthorityError) else None)


def preview_summary(counts: dict) -> str:
    return "校验通过(未写入):" + summary(counts).removeprefix("导入完成:")


@shared_task(name="doctors.job_check")
def doctors_check_job(job_id: str, kind: str, token: str, filename: str,
                      actor_id: int | None = None, preview_url: str = "") -> str:
    """A large upload's preview (dry run) from the admin import screen, in the worker."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    with authority.acting_as(actor, origin="" if actor else "任务 doctors.job_check"):
        check_job(job_id=job_id, kind=kind, token=token, filename=filename, actor=actor,
                  preview_url=preview_url)
    return job_id


@shared_task(name="doctors.job_import")
def doctors_import_job(job_id: str, kind: str, token: str, filename: str,
                       actor_id: int | None = None) -> str:
    """A large upload from the admin, validated and imported in the worker (issue 11 §3);
    progress goes to the core ``Job`` ``job_id``."""
    import_upload(job_id=job_id, import_file=imports.import_file, kind=kind, token=token,
                  filename=filename, actor_id=actor_id, task_name="doctors.job_import",
                  summary=summary, back={"url": reverse("admin:doctors_doctor_changelist"),
                                         "link_label": "返回医保医师列表"})
    return job_id


BEAT_SCHEDULE = {
    "doctors.nightly": {"task": "doctors.nightly", "schedule": crontab(minute=30, hour=1)},
    "doctors.year_end": {"task": "doctors.year_end",
                         "schedule": crontab(minute=5, hour=0, day_of_month=1, month_of_year=1)},
}
