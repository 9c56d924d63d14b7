"""今日待办 of the 医保医师 module (issue 12 §2; 衢医保发〔2020〕64号 arts. 21, 22, 27).

Hand-computed dates (2020 official calendar): 18.1 (6 分) on 2020-08-03, 19.1 (2 分) on 08-04
and 20.1 (1 分) on 08-05 reach 6 → interview (art. 21) and 9 → one month's suspension from
08-05, ending 2020-09-05 (a Saturday); the restore window is the 7 working days before it
(art. 22): 08-27, 08-28, 08-31, 09-01 … 09-04. An appeal received 2020-08-10 is decided
within 30 working days (art. 27): 2020-09-21.
"""

import datetime as dt

import pytest

from apps.core import workdays, worklist
from apps.doctors import services
from apps.doctors.models import Appeal, Consequence

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Entered schedules are cached per process (apps.core.workdays): none leaks between tests."""
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def line(user, key, on):
    return {found.key: found for found in worklist.lines(user, on=on)}.get(key)


def count(user, key, on):
    found = line(user, key, on)
    return None if found is None else found.count


@pytest.fixture
def staff(make_staff):
    return {"city": make_staff("wd-c", "医保"),
            "kecheng": make_staff("wd-k", "医保", region_code="330802"),
            "jiangshan": make_staff("wd-j", "医保", region_code="330881"),
            "shifuban": make_staff("wd-s", "市府办"),
            "minzheng": make_staff("wd-m", "民政")}


@pytest.fixture
def suspended(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 8, 3))
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 8, 4))
    deduct(doctor, kecheng_hospital, "20.1", D(2020, 8, 5))
    return doctor


def test_interview_due_from_the_sixth_point_until_recorded_as_held(suspended, staff):
    assert count(staff["city"], "doctors.interviews", D(2020, 8, 2)) == 0
    found = line(staff["kecheng"], "doctors.interviews", D(2020, 8, 3))
    assert (found.count, found.label) == (1, "待约谈的医保医师")
    assert found.url == "/admin/doctors/consequence/?todo=doctors.interviews"
    assert count(staff["city"], "doctors.interviews", D(2020, 8, 3)) == 1
    assert count(staff["jiangshan"], "doctors.interviews", D(2020, 8, 3)) == 0
    for who in ("shifuban", "minzheng"):  # read-only 市府办 and other bureaus: no such line
        assert line(staff[who], "doctors.interviews", D(2020, 8, 3)) is None
    interview = Consequence.objects.get(doctor=suspended, kind=Consequence.Kind.INTERVIEW)
    services.interview_record(consequence=interview, held_on=D(2020, 8, 10), actor=staff["kecheng"])
    assert count(staff["kecheng"], "doctors.interviews", D(2020, 8, 10)) == 0


def test_restore_window_open_with_working_days_left_until_an_application(suspended, staff):
    suspension = Consequence.objects.get(doctor=suspended, kind=Consequence.Kind.SUSPENSION)
    assert (suspension.end_date, suspension.restore_from, suspension.restore_until) == (
        D(2020, 9, 5), D(2020, 8, 27), D(2020, 9, 4))
    assert count(staff["kecheng"], "doctors.restore", D(2020, 8, 26)) == 0
    found = line(staff["kecheng"], "doctors.restore", D(2020, 8, 27))
    # 08-28, 08-31, 09-01, 09-02, 09-03, 09-04: six working days after today.
    assert (found.count, found.deadline, found.days_left, found.days_text) == (
        1, D(2020, 9, 4), 6, "还剩6个工作日")
    assert found.unit == worklist.WORKING and found.provisional is False
    assert line(staff["kecheng"], "doctors.restore", D(2020, 9, 4)).days_text == "今日到期"
    assert count(staff["kecheng"], "doctors.restore", D(2020, 9, 5)) == 0  # window closed
    assert count(staff["jiangshan"], "doctors.restore", D(2020, 8, 27)) == 0
    services.restore_apply(consequence=suspension, applied_on=D(2020, 8, 28), actor=staff["kecheng"])
    assert count(staff["kecheng"], "doctors.restore", D(2020, 8, 28)) == 0


def test_appeal_awaits_a_decision_with_working_days_left(doctor, kecheng_hospital, deduct, staff):
    deduction = deduct(doctor, kecheng_hospital, "19.4", D(2020, 8, 3))
    appeal = services.appeal_file(deduction=deduction, filed_on=D(2020, 8, 10), actor=staff["kecheng"])
    assert appeal.decision_due == D(2020, 9, 21)
    found = line(staff["kecheng"], "doctors.appeals", D(2020, 8, 10))
    assert (found.count, found.deadline, found.days_left, found.overdue) == (1, D(2020, 9, 21), 30, 0)
    assert found.deadline_text == "2020年9月21日"
    assert count(staff["jiangshan"], "doctors.appeals", D(2020, 8, 10)) == 0
    assert line(staff["shifuban"], "doctors.appeals", D(2020, 8, 10)) is None
    late = line(staff["city"], "doctors.appeals", D(2020, 9, 22))
    assert (late.count, late.overdue, late.days_left, late.days_text) == (1, 1, -1, "已超期1个工作日")
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.REJECTED, decided_on=D(2020, 9, 1),
                           actor=staff["kecheng"])
    assert count(staff["kecheng"], "doctors.appeals", D(2020, 9, 1)) == 0


def test_appeal_deadline_in_a_year_without_a_schedule_is_provisional(make_doctor, regions, deduct, staff):
    from apps.doctors.models import Institution

    hospital = Institution.objects.create(code="H330802099", name="柯城区测试医院", region=regions["330802"])
    doctor = make_doctor(institutions=[hospital], start=D(2027, 1, 1), end=D(2027, 12, 31))
    deduction = deduct(doctor, hospital, "19.4", D(2027, 3, 1))
    appeal = services.appeal_file(deduction=deduction, filed_on=D(2027, 3, 2), actor=staff["kecheng"])
    assert appeal.decision_due_provisional
    found = line(staff["kecheng"], "doctors.appeals", D(2027, 3, 2))
    assert found.provisional and found.deadline_text.endswith("(暂定)")
    assert found.as_json()["deadline_provisional"] is True


def test_links_list_exactly_the_rows_counted_in_the_users_county(suspended, kecheng_hospital, deduct,
                                                                 staff, client, monkeypatch):
    monkeypatch.setattr(worklist, "today", lambda: D(2020, 8, 27))
    appeal_deduction = deduct(suspended, kecheng_hospital, "20.2", D(2020, 8, 20))
    services.appeal_file(deduction=appeal_deduction, filed_on=D(2020, 8, 21), actor=staff["kecheng"])
    for who, expected in (("kecheng", 1), ("city", 1), ("jiangshan", 0)):
        client.force_login(staff[who])
        for key in ("doctors.interviews", "doctors.restore", "doctors.appeals"):
            found = line(staff[who], key, D(2020, 8, 27))
            response = client.get(found.url)
            assert response.status_code == 200, (who, key)
            assert response.context["cl"].result_count == found.count == expected, (who, key)
    client.force_login(staff["kecheng"])
    page = client.get("/admin/").content.decode()
    assert "恢复申请期内的暂停服务协议" in page and "还剩6个工作日" in page
