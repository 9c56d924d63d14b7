"""Issue 10 item 1: deadlines running into a year without an official holiday schedule.

Today is 2026-12-01; ``chinesecalendar`` stops at 2026. 2027 follows the statutory
holidays of 《全国年节及纪念日放假办法》 (2024) — 2027-01-01 元旦 (Fri) off, no make-up
workday — and every date so computed is 暂定 until 市府办 enter the 2027 schedule.
"""

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command

from apps.core import services as core_services
from apps.core import workdays
from apps.core.models import AuditEvent, Notice, WorkdaySchedule
from apps.doctors import selectors, services
from apps.doctors.models import AgreementEvent, Appeal

D = dt.date
TODAY = D(2026, 12, 1)
pytestmark = pytest.mark.django_db

# Decision due 30 working days after 2026-12-01 (not counted): 12-02…12-04 (1–3),
# 12-07…12-31 (4–22), 2027-01-01 元旦 off, 01-04…01-08 (23–27), 01-11…01-13 (28–30).
DUE_PROVISIONAL = D(2027, 1, 13)
# The entered 2027 schedule keeps 01-01 off and makes Saturday 01-09 a workday:
# 01-04…01-08 (23–27), 01-09 (28), 01-11 (29), 01-12 (30).
DUE_OFFICIAL = D(2027, 1, 12)


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield TODAY


@pytest.fixture
def doctor_2026(make_doctor, kecheng_hospital):
    return make_doctor("王医生", institutions=[kecheng_hospital], start=D(2026, 1, 1),
                       end=D(2027, 12, 31), phone="13800000000")


@pytest.fixture
def deduction(doctor_2026, kecheng_hospital, deduct):
    # Appeal deadline from 11-24: 11-25…11-27, 11-30, 12-01…12-04, 12-07, 12-08 → 12-08.
    return deduct(doctor_2026, kecheng_hospital, "20.1", D(2026, 11, 24), violation=D(2026, 11, 20))


def enter_2027(client, user, *, extra_workday=True):
    data = {"year": "2027", "notice": "国办发明电〔2026〕X号", "days-TOTAL_FORMS": "2",
            "days-INITIAL_FORMS": "0",
            "days-0-date": "2027-01-01", "days-0-kind": "holiday", "days-0-name": "元旦"}
    if extra_workday:
        data.update({"days-1-date": "2027-01-09", "days-1-kind": "workday", "days-1-name": "元旦"})
    client.force_login(user)
    response = client.post("/admin/core/workdayschedule/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return WorkdaySchedule.objects.get(year=2027)


def test_an_appeal_filed_today_through_the_admin_works_and_its_deadline_is_provisional(
        client, yibao_user, deduction, today):
    client.force_login(yibao_user)
    response = client.post("/admin/doctors/appeal/add/", {
        "deduction": deduction.pk, "filed_on": "2026-12-01", "decision": "pending",
        "decided_on": "", "decision_note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal = Appeal.objects.get(deduction=deduction)
    assert (appeal.decision_due, appeal.decision_due_provisional) == (DUE_PROVISIONAL, True)
    listing = client.get("/admin/doctors/appeal/").content.decode()
    assert "2027年1月13日(暂定)" in listing
    detail = client.get(f"/admin/doctors/appeal/{appeal.pk}/change/").content.decode()
    assert "2027年1月13日(暂定)" in detail
    # Issue 12: the doctor page writes the deadline as the appeals list does (one formatter).
    page = client.get(f"/admin/doctors/doctor/{deduction.doctor.pk}/change/").content.decode()
    assert "2026年12月1日收到,应于2027年1月13日(暂定)前决定" in page
    assert "2027-01-13" not in page


def test_the_appeals_import_works_today_and_the_api_returns_provisional(
        client, yibao_user, deduction, tmp_path, today):
    csv = tmp_path / "appeals.csv"
    csv.write_text("公民身份号码,条款,违规日期,申诉日期\n"
                   f"{deduction.doctor.resident_id},20.1,2026-11-20,2026-12-01\n", encoding="utf-8")
    call_command("doctors_import", "appeals", str(csv))
    appeal = Appeal.objects.get(deduction=deduction)
    assert (appeal.decision_due, appeal.decision_due_provisional) == (DUE_PROVISIONAL, True)
    client.force_login(yibao_user)
    answer = client.get("/api/doctors/standing", {"doctor": deduction.doctor.certificate_number,
                                                   "date": "2026-12-01"}).json()
    assert answer["pending_appeals"] == [{"item": "20.1", "filed_on": "2026-12-01",
                                          "decision_due": "2027-01-13", "provisional": True}]


def test_a_deduction_notice_names_a_provisional_appeal_deadline(doctor_2026, kecheng_hospital, deduct):
    # From 2026-12-28: 12-29…12-31 (1–3), 01-01 元旦 off, 01-04…01-08 (4–8), 01-11, 01-12.
    d = deduct(doctor_2026, kecheng_hospital, "20.1", D(2026, 12, 28))
    assert services.appeal_due(d.notice_date) == workdays.Deadline(D(2027, 1, 12), True)
    body = Notice.objects.filter(source=f"deduction:{d.pk}").first().body
    assert "(至2027年1月12日,暂定)" in body


def test_entering_the_2027_schedule_recomputes_open_deadlines_records_and_notifies(
        client, shifuban_user, deduction, today):
    appeal = services.appeal_file(deduction=deduction, filed_on=TODAY)
    assert appeal.decision_due == DUE_PROVISIONAL
    before = AuditEvent.objects.filter(action=AuditEvent.Action.BULK).count()

    enter_2027(client, shifuban_user)

    appeal.refresh_from_db()
    assert (appeal.decision_due, appeal.decision_due_provisional) == (DUE_OFFICIAL, False)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.BULK, model="doctors.Appeal").get()
    assert event.actor == shifuban_user
    assert event.changes["records"] == {
        str(appeal.pk): {"decision_due": ["2027年1月13日(暂定)", "2027年1月12日"]}}
    assert "2027年" in event.note
    notice = Notice.objects.get(source=f"appeal-due:{appeal.pk}:2027-01-12")
    assert notice.channel == Notice.Channel.INTERNAL and "2027年1月12日" in notice.body
    # The row's own history holds the change too.
    assert appeal.history.first().history_change_reason.startswith("2027年")

    # Idempotent: saving the schedule again changes, records and notifies nothing more.
    schedule = WorkdaySchedule.objects.get(year=2027)
    client.post(f"/admin/core/workdayschedule/{schedule.pk}/change/", {
        "year": "2027", "notice": "国办发明电〔2026〕X号(更正)", "days-TOTAL_FORMS": "2",
        "days-INITIAL_FORMS": "2",
        **{f"days-{i}-{k}": v for i, day in enumerate(schedule.days.all())
           for k, v in {"id": day.pk, "schedule": schedule.pk, "date": day.date.isoformat(),
                        "kind": day.kind, "name": day.name}.items()}})
    assert WorkdaySchedule.objects.get(year=2027).notice.endswith("(更正)")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.BULK).count() == before + 1
    assert Notice.objects.filter(source__startswith="appeal-due:").count() == 1
    assert core_services.workdays_schedule_entered(year=2027, actor=None) == {
        "doctors": {"appeals": {"recomputed": 0, "moved": 0},
                    "restore_windows": {"recomputed": 0, "moved": 0},
                    "agreement_ends": {"recomputed": 0, "moved": 0}}}


def test_a_decided_appeal_is_not_touched(client, shifuban_user, deduction, today):
    appeal = services.appeal_file(deduction=deduction, filed_on=TODAY)
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.REJECTED, decided_on=D(2026, 12, 3))
    enter_2027(client, shifuban_user)
    appeal.refresh_from_db()
    assert (appeal.decision_due, appeal.decision_due_provisional) == (DUE_PROVISIONAL, True)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.BULK, model="doctors.Appeal").exists()
    assert not Notice.objects.filter(source__startswith="appeal-due:").exists()


def test_an_open_suspensions_restore_window_is_recomputed_and_notified(
        client, shifuban_user, doctor_2026, kecheng_hospital, deduct, today):
    for code, violated in (("18.1", 7), ("19.1", 8), ("20.1", 9)):  # 6 + 2 + 1 = 9 points
        deduct(doctor_2026, kecheng_hospital, code, D(2026, 12, 10), violation=D(2026, 12, violated))
    suspension = selectors.active_consequences(doctor_2026).get(kind="suspension")
    assert suspension.end_date == D(2027, 1, 10)  # 1 month from 12-10 (a Sunday)
    # 7 working days before 01-10 on the statutory 2027: 01-08…01-04 (1–5), 01-01 元旦 off,
    # 2026-12-31 (6), 12-30 (7).
    assert (suspension.restore_from, suspension.restore_until, suspension.restore_provisional) == (
        D(2026, 12, 30), D(2027, 1, 8), True)
    told = Notice.objects.get(source=f"consequence:{suspension.pk}", recipient_kind="医保医师")
    assert "2026年12月30日至2027年1月8日,暂定" in told.body

    enter_2027(client, shifuban_user)  # Saturday 01-09 worked: 01-09 (1) … 12-31 (7)

    suspension.refresh_from_db()
    assert (suspension.restore_from, suspension.restore_until, suspension.restore_provisional) == (
        D(2026, 12, 31), D(2027, 1, 9), False)
    notices = Notice.objects.filter(source=f"restore-window:{suspension.pk}:2026-12-31:2027-01-09")
    assert {n.recipient_kind for n in notices} == {"医保医师", "定点医疗机构"}
    assert "2026年12月31日至2027年1月9日" in notices.first().body
    event = AuditEvent.objects.get(action=AuditEvent.Action.BULK, model="doctors.Consequence")
    assert event.changes["records"][str(suspension.pk)]["restore_window"] == [
        "2026年12月30日至2027年1月8日(暂定)", "2026年12月31日至2027年1月9日"]
    services.restore_apply(consequence=suspension, applied_on=D(2027, 1, 9))  # the new last day


def test_a_default_dated_agreement_end_is_provisional_and_recomputed(
        client, shifuban_user, doctor_2026, today):
    agreement = doctor_2026.agreements.get()
    services.agreement_notice_to_end(agreement=agreement, given_on=D(2026, 12, 14), reason="调离")
    end = AgreementEvent.objects.get(agreement=agreement, kind=AgreementEvent.Kind.TERMINATED)
    # From 12-14: 12-15…12-18 (1–4), 12-21…12-25 (5–9), 12-28…12-31 (10–13), 01-01 off,
    # 01-04 (14), 01-05 (15).
    assert (end.effective_date, end.provisional) == (D(2027, 1, 5), True)
    enter_2027(client, shifuban_user, extra_workday=False)  # same days: only the mark goes
    end.refresh_from_db()
    assert (end.effective_date, end.provisional) == (D(2027, 1, 5), False)
    assert not Notice.objects.filter(source__startswith="agreement-end:").exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.BULK, model="doctors.AgreementEvent")
    assert event.changes["records"][str(end.pk)] == {
        "effective_date": ["2027年1月5日(暂定)", "2027年1月5日"]}
