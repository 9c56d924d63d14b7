"""Letter-by-letter review of 衢医保发〔2020〕64号 against the code, each pinned on 2020 dates.

- art. 21: reaching 6 calls the interview even when the same deduction also reaches 9–11;
- art. 21 + 民法典 art. 202: a period counted from its first day whose end month lacks the
  same date ends on that month's last day (suspension end, ban end);
- art. 22: the restore window before such an end, before the 2020 National Day holiday
  (10-01…10-08 off, Sunday 09-27 a make-up working day);
- art. 29: the measure applies from 2020-08-03;
- art. 14: an institution's termination ends its doctors' agreements for good;
- art. 16: a cross-region doctor reaching 12 is passed to every region's agency;
- art. 23: grade C doctors can be listed for key supervision.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.doctors import selectors, services
from apps.doctors.models import InstitutionEvent

D = dt.date
pytestmark = pytest.mark.django_db


def kinds(doctor):
    return sorted(selectors.active_consequences(doctor).values_list("kind", flat=True))


def test_a_six_point_item_taking_five_to_eleven_calls_the_interview_and_suspends(
        doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 9, 1))  # 2
    deduct(doctor, kecheng_hospital, "19.2", D(2020, 9, 2))  # 4
    deduct(doctor, kecheng_hospital, "20.1", D(2020, 9, 3))  # 5
    assert kinds(doctor) == []
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 4))  # 11: 累计扣分达到6分 and 达9至11分
    assert kinds(doctor) == ["interview", "suspension"]
    interview = selectors.active_consequences(doctor).get(kind="interview")
    assert (interview.effective_date, interview.points_at_trigger) == (D(2020, 9, 4), 11)
    suspension = selectors.active_consequences(doctor).get(kind="suspension")
    assert (suspension.months, suspension.end_date) == (3, D(2020, 12, 4))
    assert selectors.doctor_standing(doctor=doctor, on=D(2020, 9, 4))["interview_due"] is True


def test_reaching_twelve_at_once_still_terminates_only(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 9, 1))  # 2
    deduct(doctor, kecheng_hospital, "17.4", D(2020, 9, 2))  # 14
    assert kinds(doctor) == ["termination"]


def test_a_one_month_suspension_from_31_august_2020_ends_with_september(
        doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 8, 31), violation=D(2020, 8, 20))
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 8, 31), violation=D(2020, 8, 21))
    deduct(doctor, kecheng_hospital, "20.1", D(2020, 8, 31), violation=D(2020, 8, 22))
    suspension = selectors.active_consequences(doctor).get(kind="suspension")
    # 08-31 … 09-30 is the month (09-31 does not exist: the month end is the last day)
    assert (suspension.months, suspension.end_date) == (1, D(2020, 10, 1))
    assert selectors.agreement_state(doctor.agreements.get(), D(2020, 9, 30)).status == "suspended"
    # 09-30 (1), 09-29 (2), 09-28 (3), Sunday 09-27 make-up (4), 09-25 (5), 09-24 (6), 09-23 (7)
    assert services.restore_window(suspension.end_date) == (D(2020, 9, 23), D(2020, 9, 30))
    with pytest.raises(ValidationError, match="2020年9月23日至2020年9月30日"):
        services.restore_apply(consequence=suspension, applied_on=D(2020, 9, 22))
    services.restore_apply(consequence=suspension, applied_on=D(2020, 9, 27))
    assert selectors.agreement_state(doctor.agreements.get(), D(2020, 10, 1)).status == "active"


def test_a_two_month_suspension_from_31_august_2020_keeps_the_same_date(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 8, 31), violation=D(2020, 8, 20))
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 8, 31), violation=D(2020, 8, 21))
    deduct(doctor, kecheng_hospital, "19.2", D(2020, 8, 31), violation=D(2020, 8, 22))
    assert selectors.active_consequences(doctor).get(kind="suspension").end_date == D(2020, 10, 31)


def test_a_ban_from_29_february_2024_runs_to_28_february_2025(make_doctor, kecheng_hospital, deduct):
    doctor = make_doctor(institutions=[kecheng_hospital], start=D(2024, 1, 1), end=D(2024, 12, 31))
    deduct(doctor, kecheng_hospital, "17.2", D(2024, 2, 29), violation=D(2024, 2, 20))
    c = selectors.active_consequences(doctor).get()
    assert (c.effective_date, c.ban_until) == (D(2024, 2, 29), D(2025, 2, 28))
    with pytest.raises(ValidationError, match="2025年2月28日"):
        services.agreement_create(doctor=doctor, institution=kecheng_hospital,
                                  start=D(2025, 2, 28), end=D(2025, 12, 31))
    services.agreement_create(doctor=doctor, institution=kecheng_hospital,
                              start=D(2025, 3, 1), end=D(2025, 12, 31))


def test_conduct_before_3_august_2020_is_not_deducted_under_the_measure(doctor, kecheng_hospital, deduct):
    with pytest.raises(ValidationError) as exc:
        deduct(doctor, kecheng_hospital, "19.4", D(2020, 8, 10), violation=D(2020, 8, 2))
    assert "2020年8月3日" in exc.value.messages[0] and "第二十九条" in exc.value.messages[0]
    deduct(doctor, kecheng_hospital, "19.4", D(2020, 8, 10), violation=D(2020, 8, 3))
    assert selectors.year_points(doctor=doctor, year=2020) == 2


def test_the_deductions_import_lists_rows_before_the_measure_was_in_force(doctor, kecheng_hospital):
    from apps.core.tabular import ImportRejected
    from apps.doctors.imports import import_file

    data = ("公民身份号码,机构编码,条款,违规日期,通知日期\n"
            f"{doctor.resident_id},H330802001,19.4,2020-08-03,2020-08-10\n"
            f"{doctor.resident_id},H330802001,20.1,2020-07-31,2020-08-10\n").encode()
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="deductions", data=data, filename="d.csv")
    assert [str(e) for e in exc.value.errors] == [
        # The service's own refusal (``in_force_check``), not a restated copy (issue 14 §1).
        "第3行“违规日期”列:违规日期2020年7月31日早于《衢州市基本医疗保险协议医师管理暂行办法》"
        "施行日期2020年8月3日,不能按该办法扣分(第二十九条)"]
    assert not doctor.deductions.exists()


def test_institution_termination_is_not_undone_by_a_later_resumption(doctor, kecheng_hospital):
    agreement = doctor.agreements.get()
    services.institution_event_record(institution=kecheng_hospital, kind=InstitutionEvent.Kind.TERMINATED,
                                      effective_date=D(2020, 8, 1), reason="解除定点")
    services.institution_event_record(institution=kecheng_hospital, kind=InstitutionEvent.Kind.RESUMED,
                                      effective_date=D(2020, 9, 1), reason="重新签订定点协议")
    assert selectors.agreement_state(agreement, D(2020, 9, 2)).status == "terminated"
    from apps.core.models import Notice

    told = Notice.objects.filter(source__startswith="institution-event:", recipient_kind="医保医师")
    assert [n.subject for n in told] == ["定点医疗机构解除定点服务协议"]  # no "恢复" notice
    assert selectors.payability(doctor=doctor, institution=kecheng_hospital,
                                on=D(2020, 9, 2))["payable"] is False
    # a new agreement signed after the institution's new agreement is in force
    fresh = services.agreement_create(doctor=doctor, institution=kecheng_hospital,
                                      start=D(2020, 9, 2), end=D(2020, 12, 31))
    assert selectors.agreement_state(fresh, D(2020, 9, 2)).status == "active"


def test_a_cross_region_doctor_reaching_twelve_is_passed_to_each_regions_agency(
        make_doctor, kecheng_hospital, jiangshan_hospital, deduct):
    from apps.core.models import Notice

    both = make_doctor("两地医生", institutions=[kecheng_hospital, jiangshan_hospital])
    deduct(both, kecheng_hospital, "18.1", D(2020, 9, 1))
    deduct(both, jiangshan_hospital, "18.2", D(2020, 9, 8))  # 12 across two regions (art. 16)
    termination = selectors.active_consequences(both).get(kind="termination")
    notices = Notice.objects.filter(source=f"consequence-city:{termination.pk}")
    assert {n.recipient for n in notices} == {"柯城区医疗保险经办机构", "江山市医疗保险经办机构"}
    assert all(n.channel == "internal" and "第十六条" in n.body for n in notices)
    single = make_doctor("单点医生", institutions=[kecheng_hospital])
    deduct(single, kecheng_hospital, "17.4", D(2020, 9, 8))
    lone = selectors.active_consequences(single).get(kind="termination")
    assert not Notice.objects.filter(source=f"consequence-city:{lone.pk}").exists()


def test_grade_c_doctors_are_listed_for_key_supervision(client, yibao_user, make_doctor, kecheng_hospital):
    from django.utils import timezone

    from apps.doctors.models import CreditGrade

    watched = make_doctor("重点医生", institutions=[kecheng_hospital])
    make_doctor("普通医生", institutions=[kecheng_hospital])
    services.credit_grade_set(doctor=watched, grade=CreditGrade.Grade.C,
                              effective_date=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(yibao_user)
    # Graded C before and B since: no longer under key supervision (art. 23, the grade in force).
    raised = make_doctor("升级医生", institutions=[kecheng_hospital])
    services.credit_grade_set(doctor=raised, grade=CreditGrade.Grade.C,
                              effective_date=timezone.localdate() - dt.timedelta(days=30))
    services.credit_grade_set(doctor=raised, grade=CreditGrade.Grade.B,
                              effective_date=timezone.localdate() - dt.timedelta(days=2))
    # Graded C from tomorrow: not yet.
    later = make_doctor("明日医生", institutions=[kecheng_hospital])
    services.credit_grade_set(doctor=later, grade=CreditGrade.Grade.C,
                              effective_date=timezone.localdate() + dt.timedelta(days=1))
    client.force_login(yibao_user)
    page = client.get("/admin/doctors/doctor/", {"credit": "C"}).content.decode()
    assert "重点医生" in page and "普通医生" not in page
    assert "升级医生" not in page and "明日医生" not in page
    assert "C级(重点监管)" in page
