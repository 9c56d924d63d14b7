"""Issue 10 items 7 and 8 (衢医保发〔2020〕64号).

Item 7 — every occurrence counts: arts. 17–20 deduct “每次” (per violation). Two identical
rows (same doctor, institution, item and day) are a possible duplicate, refused naming both
lines, unless each carries its own 案件编号; then both count. A re-import changes nothing.

Item 8 — only a 医保医师 is deducted (art. 2: a doctor “与医疗保险经办机构签订服务协议”): the
violation date must fall within an agreement period of the doctor at that institution, from
its start to its end or termination; a suspended agreement is still within its period.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.core.tabular import ImportRejected
from apps.doctors import selectors, services
from apps.doctors.imports import import_file
from apps.doctors.models import InstitutionEvent, PointDeduction, ViolationItem

D = dt.date
pytestmark = pytest.mark.django_db
HEADER = "公民身份号码,机构编码,条款,违规日期,通知日期"


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def rows(doctor, *cells: str) -> list[str]:
    number = doctor.resident_id
    return [f"{number},H330802001,{c}" for c in cells]


# --- item 7: every occurrence counts ---------------------------------------------------


def test_two_identical_rows_without_case_numbers_are_refused_naming_both_lines(doctor, kecheng_hospital):
    data = csv(HEADER, *rows(doctor, "20.1,2020-09-01,2020-09-03", "19.4,2020-09-01,2020-09-03",
                             "19.4,2020-09-01,2020-09-03"))
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="deductions", data=data, filename="d.csv")
    report = exc.value.report()
    # Line 4 repeats line 3 (the header is line 1).
    assert "第4行“违规日期”列:与第3行相同(同一医师、机构、第19.4项、违规日期2020-09-01" in report
    assert "请为每行分别填写案件编号" in report
    assert len(exc.value.errors) == 1
    assert not PointDeduction.objects.exists()


def test_each_with_its_own_case_number_both_count_and_a_reimport_changes_nothing(
        doctor, kecheng_hospital):
    data = csv(HEADER + ",案件编号",
               *rows(doctor, "19.4,2020-09-01,2020-09-03,柯医保稽〔2020〕11号",
                     "19.4,2020-09-01,2020-09-03,柯医保稽〔2020〕12号",
                     "20.1,2020-09-02,2020-09-03,"))
    assert import_file(kind="deductions", data=data, filename="d.csv") == {
        "deductions": 3, "unchanged": 0}
    # Art. 19(4) 每次计扣2分, twice, plus art. 20(1) 1分: 2 + 2 + 1 = 5 points.
    assert selectors.year_points(doctor=doctor, year=2020) == 5
    assert sorted(PointDeduction.objects.values_list("case_number", flat=True)) == [
        "", "柯医保稽〔2020〕11号", "柯医保稽〔2020〕12号"]
    texts = [e["text"] for e in selectors.timeline(doctor)]
    assert "衢州市人民医院 第19.4项 扣2分(违规日期2020-09-01,案件编号柯医保稽〔2020〕12号)" in texts
    # Keyed by case number (or by the row itself when it has none): nothing changes.
    assert import_file(kind="deductions", data=data, filename="d.csv") == {
        "deductions": 0, "unchanged": 3}
    assert PointDeduction.objects.count() == 3 and selectors.year_points(doctor=doctor, year=2020) == 5
    # A file without the optional column re-imports its rows unchanged too.
    plain = csv(HEADER, *rows(doctor, "20.1,2020-09-02,2020-09-03"))
    assert import_file(kind="deductions", data=plain, filename="d.csv") == {
        "deductions": 0, "unchanged": 1}


def test_the_same_case_number_twice_is_a_duplicate(doctor, kecheng_hospital):
    data = csv(HEADER + ",案件编号", *rows(doctor, "19.4,2020-09-01,2020-09-03,A-1",
                                          "19.4,2020-09-01,2020-09-03,A-1"))
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="deductions", data=data, filename="d.csv")
    assert "第3行“案件编号”列:与第2行相同" in exc.value.report()
    assert "案件编号同为A-1" in exc.value.report()


def test_a_numbered_row_beside_a_recorded_unnumbered_one_is_a_possible_duplicate(
        doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 3), violation=D(2020, 9, 1))
    data = csv(HEADER + ",案件编号", *rows(doctor, "19.4,2020-09-01,2020-09-04,B-7"))
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="deductions", data=data, filename="d.csv")
    assert "第2行“案件编号”列:已有同一医师、机构、条款和违规日期的扣分" in exc.value.report()
    assert "无案件编号" in exc.value.report()
    assert PointDeduction.objects.count() == 1


def test_the_service_and_the_admin_follow_the_same_rule(client, yibao_user, doctor, kecheng_hospital):
    item = ViolationItem.objects.get(code="19.4")
    first = services.deduction_record(doctor=doctor, institution=kecheng_hospital, item=item,
                                      violation_date=D(2020, 9, 1), notice_date=D(2020, 9, 3),
                                      case_number="C-1")
    with pytest.raises(ValidationError, match="已登记"):
        services.deduction_record(doctor=doctor, institution=kecheng_hospital, item=item,
                                  violation_date=D(2020, 9, 1), notice_date=D(2020, 9, 3),
                                  case_number="C-1")
    with pytest.raises(ValidationError, match="可能重复"):
        services.deduction_record(doctor=doctor, institution=kecheng_hospital, item=item,
                                  violation_date=D(2020, 9, 1), notice_date=D(2020, 9, 3))
    client.force_login(yibao_user)
    form = {"doctor": doctor.pk, "institution": kecheng_hospital.pk, "item": item.pk,
            "violation_date": "2020-09-01", "notice_date": "2020-09-03", "channel": "written",
            "note": ""}
    response = client.post("/admin/doctors/pointdeduction/add/", {**form, "case_number": ""})
    assert response.status_code == 200 and "可能重复" in response.content.decode()
    assert PointDeduction.objects.count() == 1
    response = client.post("/admin/doctors/pointdeduction/add/", {**form, "case_number": "C-2"})
    assert response.status_code == 302, response.content.decode()[:2000]
    # Two violations of art. 19(4), 2 points each (art. 19 “每次计扣2分”): 4 points.
    assert PointDeduction.objects.exclude(pk=first.pk).get().case_number == "C-2"
    assert selectors.year_points(doctor=doctor, year=2020) == 4


def test_an_appeal_row_picks_its_deduction_by_case_number(doctor, kecheng_hospital):
    item = ViolationItem.objects.get(code="19.4")
    for case in ("C-1", "C-2"):
        services.deduction_record(doctor=doctor, institution=kecheng_hospital, item=item,
                                  violation_date=D(2020, 9, 1), notice_date=D(2020, 9, 3),
                                  case_number=case)
    ambiguous = csv("公民身份号码,条款,违规日期,申诉日期", f"{doctor.resident_id},19.4,2020-09-01,2020-09-07")
    with pytest.raises(ImportRejected, match="文件有1处错误") as exc:
        import_file(kind="appeals", data=ambiguous, filename="a.csv")
    assert "请填写案件编号" in exc.value.report()
    picked = csv("公民身份号码,条款,违规日期,申诉日期,案件编号",
                 f"{doctor.resident_id},19.4,2020-09-01,2020-09-07,C-2")
    assert import_file(kind="appeals", data=picked, filename="a.csv")["appeals"] == 1
    assert PointDeduction.objects.get(case_number="C-2").appeals.exists()
    assert not PointDeduction.objects.get(case_number="C-1").appeals.exists()


# --- item 8: only a 医保医师 is deducted (art. 2) ----------------------------------------


def test_a_violation_outside_every_agreement_period_is_a_bad_row_named(doctor, kecheng_hospital):
    # The fixture's agreement runs 2020-01-01 to 2020-12-31.
    data = csv(HEADER, *rows(doctor, "19.4,2020-12-31,2021-01-04", "19.4,2021-01-02,2021-01-04"))
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="deductions", data=data, filename="d.csv")
    assert [str(e) for e in exc.value.errors] == [
        "第3行“违规日期”列:违规日期2021-01-02不在张医生在衢州市人民医院的服务协议期间内"
        "(协议期间:2020-01-01至2020-12-31),该日不是该机构的医保医师,不能扣分(第二条)"]
    assert not PointDeduction.objects.exists()
    item = ViolationItem.objects.get(code="19.4")
    with pytest.raises(ValidationError, match="第二条"):
        services.deduction_record(doctor=doctor, institution=kecheng_hospital, item=item,
                                  violation_date=D(2021, 1, 2), notice_date=D(2021, 1, 4))
    # The last day of the period is within it.
    services.deduction_record(doctor=doctor, institution=kecheng_hospital, item=item,
                              violation_date=D(2020, 12, 31), notice_date=D(2021, 1, 4))


def test_a_terminated_agreement_ends_the_period_on_its_termination_day(doctor, kecheng_hospital):
    agreement = doctor.agreements.get()
    # Agreement art. 8: notice on 2020-09-01, first day no longer in force 2020-10-01.
    services.agreement_notice_to_end(agreement=agreement, given_on=D(2020, 9, 1),
                                     ends_on=D(2020, 10, 1), reason="调离")
    item = ViolationItem.objects.get(code="20.1")
    with pytest.raises(ValidationError, match="服务协议已解除.*第二条"):
        services.deduction_record(doctor=doctor, institution=kecheng_hospital, item=item,
                                  violation_date=D(2020, 10, 1), notice_date=D(2020, 10, 9))
    services.deduction_record(doctor=doctor, institution=kecheng_hospital, item=item,
                              violation_date=D(2020, 9, 30), notice_date=D(2020, 10, 9))
    assert selectors.year_points(doctor=doctor, year=2020) == 1


def test_after_an_art21_termination_the_doctor_is_no_longer_deducted(doctor, kecheng_hospital, deduct):
    # Art. 17(2) 一次性扣12分 on 2020-09-10 terminates every agreement from that day (art. 21).
    deduct(doctor, kecheng_hospital, "17.2", D(2020, 9, 10), violation=D(2020, 9, 1))
    data = csv(HEADER, *rows(doctor, "20.1,2020-09-09,2020-09-20", "20.2,2020-09-12,2020-09-20"))
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="deductions", data=data, filename="d.csv")
    assert len(exc.value.errors) == 1
    error = exc.value.errors[0]
    assert (error.line, error.column) == (3, "违规日期")
    assert "违规日期2020-09-12时张医生在衢州市人民医院的服务协议已解除" in error.message


def test_a_suspended_agreement_is_still_within_its_period(doctor, kecheng_hospital, deduct):
    # Art. 14: the institution's suspension suspends the doctor's agreement there.
    services.institution_event_record(institution=kecheng_hospital, kind=InstitutionEvent.Kind.SUSPENDED,
                                      effective_date=D(2020, 9, 1), reason="检查")
    agreement = doctor.agreements.get()
    assert selectors.agreement_state(agreement, D(2020, 9, 5)).status == selectors.Status.SUSPENDED
    data = csv(HEADER, *rows(doctor, "20.1,2020-09-05,2020-09-08"))
    assert import_file(kind="deductions", data=data, filename="d.csv")["deductions"] == 1
    # Art. 21: 9 points suspend every agreement (1 month); deductions during it still count.
    for code, day in (("18.1", 10), ("19.1", 11)):
        deduct(doctor, kecheng_hospital, code, D(2020, 9, day))
    assert selectors.active_consequences(doctor).filter(kind="suspension").exists()
    deduct(doctor, kecheng_hospital, "20.2", D(2020, 9, 20), violation=D(2020, 9, 15))
    assert selectors.year_points(doctor=doctor, year=2020) == 1 + 6 + 2 + 1


def test_the_admin_form_refuses_a_date_outside_the_period(client, yibao_user, doctor, kecheng_hospital):
    client.force_login(yibao_user)
    response = client.post("/admin/doctors/pointdeduction/add/", {
        "doctor": doctor.pk, "institution": kecheng_hospital.pk,
        "item": ViolationItem.objects.get(code="19.4").pk, "violation_date": "2021-02-01",
        "notice_date": "2021-02-03", "case_number": "", "channel": "written", "note": ""})
    assert response.status_code == 200
    assert "不在张医生在衢州市人民医院的服务协议期间内" in response.content.decode()
    assert not PointDeduction.objects.exists()
