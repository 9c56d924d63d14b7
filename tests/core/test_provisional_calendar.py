"""Issue 10 item 1: no year the calendar packages lack may break a workflow.

"Today" late in the last packaged year (2026-12-28) and in a year with no data at all
(2031-06-15): the main doctor flows, the nightly jobs and the subsidy monthly run work;
the nightly calendar check warns 市府办 from 1 November; 市府办 maintain the schedule.
"""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from apps.core import resident_id, roles, services, tasks, workdays
from apps.core.models import AuditEvent, Notice, WorkdaySchedule
from apps.doctors import selectors
from apps.doctors import services as doctors
from apps.doctors.models import Appeal, Doctor, Institution, Qualification, ViolationItem
from apps.subsidies import services as subsidies
from apps.subsidies.models import (
    PAYING_DEPARTMENT,
    Beneficiary,
    Enrolment,
    LocalStandard,
    MonthlyIndex,
)

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


# --- the nightly calendar check ------------------------------------------------------


def warnings():
    return Notice.objects.filter(topic=services.CALENDAR_TOPIC)


def test_no_warning_before_1_november_or_while_next_year_is_packaged():
    assert services.calendar_check(today=D(2026, 10, 31)) is None
    assert services.calendar_check(today=D(2025, 11, 15)) is None  # 2026 is packaged
    assert not warnings().exists()


def test_from_1_november_one_warning_a_day_until_the_schedule_is_entered():
    first = services.calendar_check(today=D(2026, 11, 1))
    assert (first.recipient, first.channel) == ("市府办", Notice.Channel.INTERNAL)
    assert first.subject == "2027年放假安排尚未录入,2027年的工作日期限为暂定"
    assert services.calendar_check(today=D(2026, 11, 1)) == first  # same day: same notice
    assert tasks.calendar_check("2026-11-01") == 0  # a rerun creates nothing (issue 14 §7)
    assert warnings().count() == 1
    assert tasks.calendar_check("2026-11-02") == 1
    assert warnings().count() == 2
    WorkdaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕X号")
    assert services.calendar_check(today=D(2026, 11, 3)) is None
    assert tasks.calendar_check("2026-11-03") == 0
    assert warnings().count() == 2


def test_the_calendar_check_is_on_the_beat_schedule():
    from qzgov.celery import app

    assert app.conf.beat_schedule["core.calendar_check"]["task"] == "core.calendar_check"


# --- 市府办 maintain the schedule ----------------------------------------------------------

SCHEDULE_2027 = {"year": "2027", "notice": "国办发明电〔2026〕X号", "days-TOTAL_FORMS": "1",
                 "days-INITIAL_FORMS": "0", "days-0-date": "2027-02-05", "days-0-kind": "holiday",
                 "days-0-name": "春节"}


def test_shifuban_may_add_and_change_a_schedule_but_not_delete_it(client, shifuban_user):
    client.force_login(shifuban_user)
    response = client.post("/admin/core/workdayschedule/add/", SCHEDULE_2027)
    assert response.status_code == 302, response.content.decode()[:2000]
    schedule = WorkdaySchedule.objects.get(year=2027)
    assert schedule.entered_by == shifuban_user
    assert not workdays.year_is_provisional(2027)
    assert client.get(f"/admin/core/workdayschedule/{schedule.pk}/change/").status_code == 200
    assert client.get(f"/admin/core/workdayschedule/{schedule.pk}/delete/").status_code == 403
    assert shifuban_user.has_perm("core.change_workdayoverride")
    assert not shifuban_user.has_perm("core.delete_workdayoverride")
    # Audited: the schedule's history (simple-history) reaches the audit trail.
    assert AuditEvent.objects.filter(model="core.WorkdaySchedule", actor=shifuban_user).exists()
    assert AuditEvent.objects.filter(model="core.WorkdayOverride", actor=shifuban_user).exists()


def test_minzheng_may_not_add_a_schedule(client, minzheng_user):
    client.force_login(minzheng_user)
    assert client.post("/admin/core/workdayschedule/add/", SCHEDULE_2027).status_code == 403
    assert not WorkdaySchedule.objects.exists()


def test_the_extra_grant_is_the_only_write_access_to_the_calendar():
    wanted = roles.desired_permissions()
    for group, keys in wanted.items():
        writes = {c for app, c in keys if app == "core" and "workday" in c and not c.startswith("view_")}
        assert writes == ({"add_workdayschedule", "change_workdayschedule", "add_workdayoverride",
                           "change_workdayoverride"} if group == "市府办" else set()), group


def test_the_schedule_list_says_which_years_are_provisional(client, admin_user):
    client.force_login(admin_user)
    with mock.patch("django.utils.timezone.localdate", return_value=D(2026, 12, 1)):
        page = client.get("/admin/core/workdayschedule/").content.decode()
    assert "2027年放假安排尚未录入" in page and "2026年放假安排尚未录入" not in page


# --- main flows on "today" in the last packaged year and in a year with no data -----------


@pytest.mark.parametrize("today", [D(2026, 12, 28), D(2031, 6, 15)], ids=["2026-12-28", "2031-06-15"])
def test_main_flows_run_on_a_date_near_or_in_a_year_without_a_schedule(client, regions, yibao_user,
                                                                        today):
    year = today.year
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        hospital = Institution.objects.create(code="H330802009", name="衢州市中医医院",
                                              region=regions["330802"])
        doctor = Doctor.objects.create(
            name="李医生", resident_id=resident_id.compose("330802", D(1975, 3, 1), 7),
            certificate_number="110330802009999", qualification=Qualification.PHYSICIAN)
        doctors.agreement_create(doctor=doctor, institution=hospital, start=D(year, 1, 1),
                                 end=D(year + 1, 12, 31))
        notice = today - dt.timedelta(days=2)
        last = None
        for code in ("18.1", "19.1", "20.1"):  # 9 points: interview and suspension
            last = doctors.deduction_record(doctor=doctor, institution=hospital,
                                            item=ViolationItem.objects.get(code=code),
                                            violation_date=notice, notice_date=notice)
        suspension = selectors.active_consequences(doctor).get(kind="suspension")
        assert suspension.restore_from and suspension.restore_until
        appeal = doctors.appeal_file(deduction=last, filed_on=today)
        assert appeal.decision_due_provisional  # runs into 2027, or lies in 2031
        assert appeal.decision_due > today
        doctors.nightly(today=today)
        doctors.nightly(today=appeal.decision_due + dt.timedelta(days=1))  # overdue reminder
        assert Notice.objects.filter(source=f"appeal-overdue:{appeal.pk}").exists()
        doctors.appeal_decide(appeal=Appeal.objects.get(pk=appeal.pk), decision="upheld",
                              decided_on=today)
        services.calendar_check(today=today)
        client.force_login(yibao_user)
        response = client.get("/api/doctors/standing", {"doctor": doctor.certificate_number,
                                                         "date": today.isoformat()})
        assert response.status_code == 200, response.content
        assert client.get("/admin/doctors/appeal/").status_code == 200
        assert client.get(f"/admin/doctors/doctor/{doctor.pk}/change/").status_code == 200

        month = D(year, today.month, 1)
        LocalStandard.objects.create(region=regions["330802"], from_month=D(2020, 1, 1),
                                     urban_dibao=Decimal("775"), rural_dibao=Decimal("775"),
                                     unemployment=Decimal("1620"))
        MonthlyIndex.objects.create(month=month, scpi=Decimal("3.6"), cpi_food=Decimal("11.1"))
        person = Beneficiary.objects.create(
            name="对象甲", resident_id=resident_id.compose("330802", D(1950, 1, 2), 3),
            region=regions["330802"], residence="urban")
        Enrolment.objects.create(beneficiary=person, category="dibao", from_month=D(2020, 1, 1),
                                 department=PAYING_DEPARTMENT["dibao"])
        run = subsidies.run_compute(month=month)
        assert run.triggered
        subsidies.warn_overdue_runs(today=today)
