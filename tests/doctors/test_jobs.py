"""Nightly job (arts. 22, 27, agreement art. 14) and year end (art. 16, 21), both idempotent."""

import datetime as dt
import io
import json

import pytest
from celery.schedules import crontab
from django.core.management import call_command

from apps.core.models import Notice
from apps.doctors import selectors, services, tasks
from apps.doctors.models import Agreement, AgreementEvent, Consequence, YearClosing, YearScore

D = dt.date


def _suspend(doctor, hospital, deduct, notice):
    """9 points (6 + 2 + 1) notified on ``notice``."""
    for offset, code in enumerate(["18.1", "19.1", "20.1"]):
        deduct(doctor, hospital, code, notice, violation=notice - dt.timedelta(days=offset + 1))
    return selectors.active_consequences(doctor).filter(kind="suspension", year=notice.year).first()


@pytest.mark.django_db
def test_suspension_end_resumes_with_an_application_and_runs_on_without(
        make_doctor, kecheng_hospital, deduct):
    applied = make_doctor("李医生", institutions=[kecheng_hospital])
    silent = make_doctor("王医生", institutions=[kecheng_hospital])
    s1 = _suspend(applied, kecheng_hospital, deduct, D(2020, 9, 10))
    s2 = _suspend(silent, kecheng_hospital, deduct, D(2020, 9, 10))
    services.restore_apply(consequence=s1, applied_on=D(2020, 9, 30))
    summary = services.nightly(today=D(2020, 10, 10))
    assert summary["suspensions"] == {"resumed": 1, "extended": 1}
    s1.refresh_from_db(), s2.refresh_from_db()
    assert (s1.outcome, s2.outcome) == ("resumed", "extended")
    assert services.nightly(today=D(2020, 10, 10))["suspensions"] == {"resumed": 0, "extended": 0}
    assert Notice.objects.filter(source=f"suspension-end:{s2.pk}").exists()


@pytest.mark.django_db
def test_agreements_renew_at_period_end_unless_notice_was_given_or_suspension_ran_on(
        make_doctor, kecheng_hospital, deduct):
    renewing = make_doctor("甲", institutions=[kecheng_hospital])
    leaving = make_doctor("乙", institutions=[kecheng_hospital])
    running_on = make_doctor("丙", institutions=[kecheng_hospital])
    services.agreement_notice_to_end(agreement=leaving.agreements.get(), given_on=D(2020, 11, 2),
                                     ends_on=D(2021, 1, 1), reason="期满不再续签")
    _suspend(running_on, kecheng_hospital, deduct, D(2020, 9, 10))
    summary = services.nightly(today=D(2021, 1, 1))
    assert summary["agreements"] == {"renewed": 1, "terminated": 2}
    renewal = renewing.agreements.get(start=D(2021, 1, 1))
    assert renewal.end == D(2021, 12, 31) and renewal.renewed_from.start == D(2020, 1, 1)
    assert not leaving.agreements.filter(start=D(2021, 1, 1)).exists()
    assert AgreementEvent.objects.filter(kind="terminated", agreement__doctor=running_on).exists()
    assert selectors.payability(doctor=renewing, institution=kecheng_hospital,
                                on=D(2021, 3, 1))["payable"] is True
    again = services.nightly(today=D(2021, 1, 2))
    assert again["agreements"] == {"renewed": 0, "terminated": 0}
    assert Agreement.objects.count() == 4


@pytest.mark.django_db
def test_overdue_appeal_decisions_are_flagged_once(doctor, kecheng_hospital, deduct):
    d = deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 30), violation=D(2020, 9, 20))
    appeal = services.appeal_file(deduction=d, filed_on=D(2020, 10, 21))
    assert services.nightly(today=D(2020, 12, 2))["overdue_appeals"] == 0
    assert services.nightly(today=D(2020, 12, 3))["overdue_appeals"] == 1
    assert services.nightly(today=D(2020, 12, 4))["overdue_appeals"] == 0  # flagged once
    assert Notice.objects.filter(source=f"appeal-overdue:{appeal.pk}").count() == 1


@pytest.mark.django_db
def test_year_end_command_closes_the_year_once_and_keeps_history(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 7))
    out = io.StringIO()
    call_command("doctors_year_end", "2020", stdout=out)
    assert json.loads(out.getvalue())["doctors_closed"] == 1
    assert YearScore.objects.get(doctor=doctor, year=2020).points_deducted == 6
    out = io.StringIO()
    call_command("doctors_year_end", "2020", stdout=out)
    assert json.loads(out.getvalue())["already_closed"] is True
    assert YearScore.objects.count() == 1 and YearClosing.objects.count() == 1
    assert selectors.doctor_standing(doctor=doctor, on=D(2021, 1, 1))["points_left"] == 12
    assert doctor.deductions.count() == 1  # history kept


@pytest.mark.django_db
def test_year_end_applies_the_three_year_rule(make_doctor, kecheng_hospital, deduct):
    doctor = make_doctor(institutions=[kecheng_hospital], end=D(2022, 12, 31))
    for year in (2020, 2021, 2022):  # art. 29: in force from 2020-08-03
        _suspend(doctor, kecheng_hospital, deduct, D(year, 9, 9))
    summary = services.year_end(year=2022)
    assert summary["three_year_terminations"] == 1
    termination = selectors.active_consequences(doctor).get(kind="termination")
    assert (termination.rule, termination.year) == ("three_years", 2022)
    assert services.year_end(year=2022)["already_closed"] is True
    assert Consequence.objects.filter(doctor=doctor, kind="termination").count() == 1


def test_year_end_runs_at_0005_on_1_january_and_nightly_every_night():
    schedule = tasks.BEAT_SCHEDULE["doctors.year_end"]["schedule"]
    assert schedule == crontab(minute=5, hour=0, day_of_month=1, month_of_year=1)
    from qzgov.celery import app, collect_beat_schedule

    beat = collect_beat_schedule()
    # each beat entry names a registered task whose body is this app's task, not just a string
    assert app.tasks[beat["doctors.year_end"]["task"]].run is tasks.doctors_year_end.run
    assert app.tasks[beat["doctors.nightly"]["task"]].run is tasks.doctors_nightly.run
    assert beat["doctors.nightly"]["schedule"] == crontab(minute=30, hour=1)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_year_end_runs_through_a_real_celery_worker(celery_worker, make_doctor, kecheng_hospital, deduct):
    doctor = make_doctor(institutions=[kecheng_hospital])
    deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 7))
    result = celery_worker.run(tasks.doctors_year_end, 2020)
    assert result["doctors_closed"] == 1 and result["already_closed"] is False
    assert YearScore.objects.get(doctor=doctor, year=2020).points_deducted == 2
    assert celery_worker.run(tasks.doctors_year_end, 2020)["already_closed"] is True


@pytest.mark.django_db
def test_nightly_task_and_command_call_the_same_service(doctor, kecheng_hospital, deduct):
    _suspend(doctor, kecheng_hospital, deduct, D(2020, 9, 10))
    assert tasks.doctors_nightly.delay("2020-10-10").get()["suspensions"]["extended"] == 1
    out = io.StringIO()
    call_command("doctors_nightly", "--date", "2020-10-10", stdout=out)
    assert json.loads(out.getvalue())["suspensions"] == {"resumed": 0, "extended": 0}
