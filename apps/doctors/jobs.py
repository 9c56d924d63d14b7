"""Large doctors uploads are validated and imported in the worker (issue 11 §3), with the
subsidies module's progress records and page (``apps.subsidies.jobs``: one Job machinery).

The whole-file rule is unchanged (衢医保发〔2020〕64号 imports, issue 4 §6): any bad row →
nothing is written and every bad row is listed, now on the job's page. The upload waits in
``IMPORT_DIR`` under a random token bound to the user (``apps.core.uploads``) and is removed
when the job ends, whatever the outcome."""

from __future__ import annotations

import logging

from django.urls import reverse

from apps.core import uploads
from apps.core.authority import AuthorityError
from apps.core.tabular import ImportRejected

from . import imports

log = logging.getLogger("qzgov.doctors")
KIND_LABELS = {"doctors": "医保医师及服务协议", "deductions": "扣分记录", "appeals": "申诉"}
COUNT_LABELS = {"doctors": "医师", "institutions": "机构", "agreements": "服务协议",
                "deductions": "扣分记录", "appeals": "申诉", "unchanged": "未变"}


def start_import_job(*, kind: str, data: bytes, filename: str, user):
    """Keep the file for the worker, record the job, start the task; returns the job."""
    from apps.subsidies import jobs
    from apps.subsidies.models import Job

    from .tasks import doctors_import_job

    token = uploads.store_upload(data, user=user)
    job = jobs.job_start(kind=Job.Kind.IMPORT, label=f"医保{KIND_LABELS[kind]} {filename}",
                         user=user)
    doctors_import_job.delay(str(job.pk), kind, token, filename, getattr(user, "pk", None))
    return job


def summary(counts: dict) -> str:
    return "导入完成:" + ",".join(f"{COUNT_LABELS.get(k, k)} {v}" for k, v in counts.items())


def import_job(*, job_id, kind: str, token: str, filename: str, actor=None) -> None:
    """Validate the whole file and, when every row is good, import it (``imports.import_file``)."""
    from apps.subsidies import jobs

    progress = jobs.reporter(job_id)
    back = {"url": reverse("admin:doctors_doctor_changelist"), "link_label": "返回医保医师列表"}
    try:
        data = uploads.read_upload(token, user=actor)
        progress("整表校验并导入中", 0)
        counts = imports.import_file(kind=kind, data=data, filename=filename, actor=actor)
    except ImportRejected as exc:
        jobs.job_fail(job_id, errors=[{"line": e.line, "column": e.column, "message": e.message}
                                      for e in exc.errors], result={"summary": str(exc)})
        return
    except (FileNotFoundError, AuthorityError) as exc:
        message = "上传的文件已过期,请重新上传" if isinstance(exc, FileNotFoundError) else str(exc)
        jobs.job_fail(job_id, errors=[{"line": None, "column": "", "message": message}])
        return
    except Exception:
        log.exception("doctors import job %s failed", job_id)
        jobs.job_fail(job_id, errors=[{"line": None, "column": "", "message": "导入出现内部错误,请联系管理员"}])
        return
    finally:
        uploads.discard_upload(token)
    jobs.job_finish(job_id, result={"summary": summary(counts), **back})
