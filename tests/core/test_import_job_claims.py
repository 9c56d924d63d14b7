"""A large file's import in the worker is a claimed job (issue 13 §4, review finding 5):
``apps.core.import_jobs.import_upload`` (awards, personnel, doctors) runs under
``jobs.run_claimed`` like the subsidy run — a redelivery of a finished import does nothing
and leaves it done (it used to mark it failed, "上传的文件已过期"), a second delivery while
the first is alive does nothing, a stale one is taken over and the old claim fenced off."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.awards import tasks
from apps.awards.models import Decision
from apps.core import jobs, progress
from apps.core.models import AuditEvent, Job, JobStatus

pytestmark = pytest.mark.django_db

# A 2021 decision the seed gazette does not print (衢政发〔2021〕3号, tests/awards).
FILE = ("文号,标题,发文机关,成文日期,文种,依据,公开发布\n"
        "衢政发[2021]3号,关于表彰2020年度全市抗击新冠肺炎疫情先进集体和先进个人的决定,"
        "衢州市人民政府,2021-02-01,决定,《浙江省行政奖励暂行办法》,1\n").encode()


@pytest.fixture
def delivery(shifuban_user, settings, tmp_path, monkeypatch):
    """The task's arguments of one queued awards import (the upload kept under its token)."""
    settings.IMPORT_DIR = tmp_path / "imports"
    sent = []
    monkeypatch.setattr(tasks.awards_import_job, "delay", lambda *args: sent.append(args))
    job = tasks.start_import_job(kind="decisions", data=FILE, filename="d.csv",
                                 user=shifuban_user)
    assert sent[0][0] == str(job.pk)
    return sent[0]


def imported() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count()


def _age(job_id, seconds: int) -> None:
    Job.objects.filter(pk=job_id).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=seconds))
    progress.forget(str(job_id))


def test_a_redelivery_of_a_finished_import_does_nothing_and_leaves_it_done(delivery, settings):
    assert tasks.awards_import_job(*delivery) == jobs.DONE
    job = Job.objects.get(pk=delivery[0])
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    assert job.result["summary"] == "表彰决定已导入:1行,新增1,更新0,未变0"
    assert list(settings.IMPORT_DIR.iterdir()) == []  # the upload is removed once done
    assert tasks.awards_import_job(*delivery) == jobs.SKIPPED  # acks late: delivered again
    again = Job.objects.get(pk=delivery[0])
    assert (again.status, again.attempts, again.result, again.errors) == (
        JobStatus.DONE, 1, job.result, [])
    assert Decision.objects.filter(number="衢政发〔2021〕3号").count() == 1 and imported() == 1


def test_a_second_delivery_while_the_first_is_alive_does_nothing(delivery, settings):
    first = jobs.claim(delivery[0])  # a live worker holds the job (fresh heartbeat)
    assert first is not None
    assert tasks.awards_import_job(*delivery) == jobs.BUSY
    job = Job.objects.get(pk=delivery[0])
    assert (job.status, job.claim, job.attempts) == (JobStatus.RUNNING, first.token, 1)
    assert not Decision.objects.filter(number="衢政发〔2021〕3号").exists() and imported() == 0
    assert len(list(settings.IMPORT_DIR.glob("*.bin"))) == 1  # kept for the live delivery


def test_a_stale_delivery_is_taken_over_once_and_the_old_claim_is_fenced_off(delivery, settings):
    """The first worker died mid-import (no heartbeat for JOB_STALE_SECONDS): the redelivery
    imports (attempt 2); the old claim can no longer record an outcome."""
    first = jobs.claim(delivery[0])
    _age(delivery[0], settings.JOB_STALE_SECONDS + 5)
    assert tasks.awards_import_job(*delivery) == jobs.DONE
    job = Job.objects.get(pk=delivery[0])
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    assert not jobs._settle(first, status=JobStatus.FAILED, stage="失败")
    assert Job.objects.get(pk=delivery[0]).status == JobStatus.DONE
    assert Decision.objects.filter(number="衢政发〔2021〕3号").count() == 1 and imported() == 1


def test_a_refused_file_fails_the_job_once_with_its_rows(delivery, shifuban_user, settings,
                                                         monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.awards_import_job, "delay", lambda *args: sent.append(args))
    tasks.start_import_job(kind="decisions", data=FILE.replace("决定,《".encode(), "命令,《".encode()),
                           filename="d.csv", user=shifuban_user)
    assert tasks.awards_import_job(*sent[0]) == jobs.FAILED
    job = Job.objects.get(pk=sent[0][0])
    assert [(e["line"], e["column"]) for e in job.errors] == [(2, "文种")]
    assert tasks.awards_import_job(*sent[0]) == jobs.SKIPPED
    assert Job.objects.get(pk=sent[0][0]).errors == job.errors


def test_a_rule_refusal_between_preview_and_confirm_is_said_in_chinese(delivery, monkeypatch):
    """A service's ValidationError while the confirmed file is written (the data changed since
    the preview) fails the job with the rule's own message, as the inline screen says it —
    not 导入出现内部错误."""
    from django.core.exceptions import ValidationError

    from apps.awards import services

    def refuse(**kwargs):
        raise ValidationError("表彰决定衢政发〔2021〕3号已由他人登记,内容不同")

    monkeypatch.setattr(services, "decision_record", refuse)
    assert tasks.awards_import_job(*delivery) == jobs.FAILED
    job = Job.objects.get(pk=delivery[0])
    assert job.status == JobStatus.FAILED
    assert [e["message"] for e in job.errors] == ["表彰决定衢政发〔2021〕3号已由他人登记,内容不同"]
    assert not Decision.objects.filter(number="衢政发〔2021〕3号").exists() and imported() == 0
