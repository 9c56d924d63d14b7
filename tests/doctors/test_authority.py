"""Issue 9 for the doctors module: county staff stay in their county, city-wide records are
read-only to them, decided appeals and derived rows are never edited or deleted (a void or
correction event recomputes instead), notices and lookups are need-to-know, every void and
import is in the audit trail."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from apps.core import authority, resident_id
from apps.core.authority import AuthorityError
from apps.core.models import ApiToken, AuditEvent, Notice
from apps.core.tabular import ImportRejected
from apps.doctors import selectors, services
from apps.doctors.imports import import_file
from apps.doctors.models import (
    Agreement,
    Appeal,
    AppealCorrection,
    Consequence,
    CreditGrade,
    DeductionVoid,
    Doctor,
    PointDeduction,
    ViolationItem,
    YearClosing,
    YearScore,
)

D = dt.date
pytestmark = pytest.mark.django_db


@contextmanager
def refused(match=None):
    """The write raises AuthorityError; its savepoint is rolled back (the test goes on)."""
    with pytest.raises(AuthorityError, match=match), transaction.atomic():
        yield


@pytest.fixture
def kc_yb(make_staff):
    """A 柯城区 医保 clerk: county level."""
    return make_staff("kc_yb", "医保", region_code="330802")


@pytest.fixture
def js_doctor(make_doctor, jiangshan_hospital):
    return make_doctor("江山医生", institutions=[jiangshan_hospital])


@pytest.fixture
def closed_2020(doctor, kecheng_hospital, deduct):
    """The 柯城 doctor with 9 points (a suspension) in 2020, and 2020 closed."""
    for code, day in [("18.1", 8), ("19.4", 9), ("20.1", 10)]:
        deduct(doctor, kecheng_hospital, code, D(2020, 9, day))
    services.year_end(year=2020)
    return doctor


# --- 1. city-wide records are read-only to county staff ------------------------------


def test_county_user_cannot_change_the_catalogue(client, kc_yb):
    item = ViolationItem.objects.get(code="19.4")
    with authority.acting_as(kc_yb), refused():
        item.text = "改过的条款"
        item.save()
    client.force_login(kc_yb)
    response = client.post(f"/admin/doctors/violationitem/{item.pk}/change/",
                           {"code": "19.4", "article": 19, "number": 4, "text": "改", "points": 12})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.points == 2 and item.text != "改过的条款"


def test_county_user_cannot_set_credit_grades(client, kc_yb, doctor):
    with refused():
        services.credit_grade_set(doctor=doctor, grade="D", effective_date=D(2020, 10, 1), actor=kc_yb)
    client.force_login(kc_yb)
    response = client.post("/admin/doctors/creditgrade/add/", {
        "doctor": doctor.pk, "grade": "D", "effective_date": "2020-10-01", "source": ""})
    assert response.status_code == 403
    grade = services.credit_grade_set(doctor=doctor, grade="C", effective_date=D(2020, 10, 1))
    with authority.acting_as(kc_yb), refused():
        grade.delete()
    assert list(CreditGrade.objects.values_list("grade", flat=True)) == ["C"]


def test_county_user_cannot_run_change_or_delete_the_year_end(client, kc_yb, closed_2020):
    with refused():
        services.year_end(year=2021, actor=kc_yb)
    assert not YearClosing.objects.filter(year=2021).exists()
    closing = YearClosing.objects.get(year=2020)
    score = YearScore.objects.get(doctor=closed_2020, year=2020)
    client.force_login(kc_yb)
    assert client.post(f"/admin/doctors/yearclosing/{closing.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/doctors/yearscore/{score.pk}/change/",
                       {"doctor": closed_2020.pk, "year": 2020, "points_deducted": 0}).status_code == 403
    with authority.acting_as(kc_yb), refused():
        closing.delete()
    assert YearClosing.objects.filter(year=2020).exists()
    score.refresh_from_db()
    assert score.points_deducted == 9
    with pytest.raises(CommandError, match="市级"):
        call_command("doctors_year_end", "2021", "--as", "kc_yb")


def test_nobody_deletes_or_edits_a_closed_year(client, make_staff, closed_2020):
    """Year closings and scores are locked for city staff and superusers too."""
    root = make_staff("root", superuser=True)
    closing = YearClosing.objects.get(year=2020)
    score = YearScore.objects.get(doctor=closed_2020, year=2020)
    with refused():
        closing.delete()
    with refused():
        score.points_deducted = 0
        score.save()
    client.force_login(root)
    page = client.get(f"/admin/doctors/yearclosing/{closing.pk}/change/").content.decode()
    assert f"/admin/doctors/yearclosing/{closing.pk}/delete/" not in page
    assert client.post(f"/admin/doctors/yearclosing/{closing.pk}/delete/", {"post": "yes"}).status_code == 403
    assert YearClosing.objects.filter(year=2020).exists()


# --- 1/2. county records: the institution's county only -------------------------------


def test_county_user_cannot_deduct_or_sign_at_another_countys_institution(
        client, kc_yb, make_doctor, kecheng_hospital, jiangshan_hospital, js_doctor):
    item = ViolationItem.objects.get(code="20.2")
    with refused("江山市"):
        services.deduction_record(doctor=js_doctor, institution=jiangshan_hospital, item=item,
                                  violation_date=D(2020, 9, 1), notice_date=D(2020, 9, 2), actor=kc_yb)
    with refused():
        services.agreement_create(doctor=js_doctor, institution=jiangshan_hospital,
                                  start=D(2021, 1, 1), end=D(2021, 12, 31), actor=kc_yb)
    assert not PointDeduction.objects.exists()
    # The admin: another county's institution is not a valid choice; nothing is written.
    client.force_login(kc_yb)
    response = client.post("/admin/doctors/agreement/add/", {
        "doctor": js_doctor.pk, "institution": jiangshan_hospital.pk, "start": "2021-01-01",
        "end": "2021-12-31"})
    assert response.status_code == 200
    assert Agreement.objects.filter(doctor=js_doctor).count() == 1
    # Its own county works, for a new multi-site agreement of the same person too.
    services.agreement_create(doctor=js_doctor, institution=kecheng_hospital, start=D(2020, 6, 1),
                              end=D(2020, 12, 31), actor=kc_yb)
    # And an existing agreement of 江山 cannot be moved or deleted by the 柯城 clerk.
    js_agreement = Agreement.objects.get(doctor=js_doctor, institution=jiangshan_hospital)
    with authority.acting_as(kc_yb), refused():
        js_agreement.end = D(2020, 6, 30)
        js_agreement.save()


def test_county_user_cannot_rename_another_countys_doctor(kc_yb, js_doctor, doctor):
    with authority.acting_as(kc_yb):
        with refused():
            js_doctor.name = "改名"
            js_doctor.save()
        doctor.phone = "13900000000"
        doctor.save()  # their own county's doctor
    assert Doctor.objects.get(pk=js_doctor.pk).name == "江山医生"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_an_import_row_for_another_county_is_refused_without_naming_the_person(kc_yb, js_doctor):
    data = _csv("公民身份号码,机构编码,条款,违规日期,通知日期",
                f"{js_doctor.resident_id},H330881001,20.2,2020-09-01,2020-09-02")
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="deductions", data=data, filename="d.csv", actor=kc_yb)
    messages = [str(e) for e in exc.value.errors]
    assert messages and all(m.startswith("第2行") for m in messages)
    assert any("不在您的管辖区域" in m for m in messages)
    assert not any("江山医生" in m for m in messages)
    assert not PointDeduction.objects.exists()
    # An appeal row about the 江山 doctor's (missing) deduction names no one either.
    data = _csv("公民身份号码,条款,违规日期,申诉日期", f"{js_doctor.resident_id},20.2,2020-09-01,2020-09-03")
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="appeals", data=data, filename="a.csv", actor=kc_yb)
    assert not any("江山医生" in str(e) for e in exc.value.errors)
    # Said as for an unknown ID (review finding 11: no existence oracle), not "该医师没有…".
    assert [str(e) for e in exc.value.errors] == [
        f"第2行“公民身份号码”列:{resident_id.mask(js_doctor.resident_id)}"
        "不是您管辖区域(柯城区)内登记的医保医师"]


def test_a_doctors_import_row_cannot_reuse_another_countys_certificate_or_move_an_institution(
        kc_yb, js_doctor, kecheng_hospital):
    from apps.core import resident_id

    other = resident_id.compose("330802", D(1985, 1, 1), 77)
    data = _csv("姓名,公民身份号码,执业证书编码,资格类别,机构编码,机构名称,区划代码,协议起始,协议终止",
                f"新医生,{other},{js_doctor.certificate_number},执业医师,H330802001,衢州市人民医院,"
                f"330881,2020-01-01,2020-12-31")
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="doctors", data=data, filename="d.csv", actor=kc_yb)
    messages = [str(e) for e in exc.value.errors]
    assert any(m.startswith("第2行“执业证书编码”列") and "该医师" in m for m in messages)
    assert any(m.startswith("第2行“区划代码”列") for m in messages)
    assert not any("江山医生" in m for m in messages)
    assert not Doctor.objects.filter(name="新医生").exists()


def test_an_import_is_one_audit_entry_with_regions_and_a_change_list(kc_yb, doctor):
    data = _csv("公民身份号码,机构编码,条款,违规日期,通知日期",
                f"{doctor.resident_id},H330802001,20.2,2020-09-01,2020-09-02")
    import_file(kind="deductions", data=data, filename="d.csv", actor=kc_yb)
    entry = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT, model="doctors.PointDeduction")
    assert entry.actor == kc_yb
    assert list(entry.regions.values_list("code", flat=True)) == ["330802"]
    assert "20.2" in entry.attachment and entry.attachment.splitlines()[1].startswith("2,")
    assert PointDeduction.objects.get().recorded_by == kc_yb


def test_a_command_run_as_a_county_user_is_checked(tmp_path, kc_yb, js_doctor):
    path = tmp_path / "d.csv"
    path.write_bytes(_csv("公民身份号码,机构编码,条款,违规日期,通知日期",
                          f"{js_doctor.resident_id},H330881001,20.2,2020-09-01,2020-09-02"))
    with pytest.raises(CommandError, match="第2行"):
        call_command("doctors_import", "deductions", str(path), "--as", "kc_yb")
    with pytest.raises(CommandError, match="市级"):
        call_command("doctors_nightly", "--date", "2020-09-03", "--as", "kc_yb")
    assert not PointDeduction.objects.exists()


# --- 4. decided appeals are never edited or deleted; corrections recompute ------------


@pytest.fixture
def upheld(doctor, kecheng_hospital, deduct):
    """9 points, the 9-point deduction's appeal upheld: the suspension is revoked."""
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 8))
    deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 9))
    last = deduct(doctor, kecheng_hospital, "20.1", D(2020, 9, 10))
    appeal = services.appeal_file(deduction=last, filed_on=D(2020, 9, 11))
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.UPHELD, decided_on=D(2020, 9, 18))
    assert selectors.year_points(doctor=doctor, year=2020) == 8
    return appeal


def test_nobody_can_delete_or_edit_a_decided_appeal(client, make_staff, upheld):
    root = make_staff("root", superuser=True)
    with authority.acting_as(root):
        with refused():
            upheld.delete()
        with refused():
            upheld.decision = Appeal.Decision.REJECTED
            upheld.save()
    with refused():  # 系统 too
        Appeal.objects.get(pk=upheld.pk).delete()
    client.force_login(root)
    page = client.get(f"/admin/doctors/appeal/{upheld.pk}/change/").content.decode()
    assert f"/admin/doctors/appeal/{upheld.pk}/delete/" not in page
    assert client.post(f"/admin/doctors/appeal/{upheld.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post("/admin/doctors/appeal/", {"action": "delete_selected", "_selected_action": [upheld.pk],
                                                      "post": "yes"})
    assert response.status_code in (200, 302, 403)
    assert Appeal.objects.filter(pk=upheld.pk, decision=Appeal.Decision.UPHELD).exists()
    assert selectors.year_points(doctor=upheld.deduction.doctor, year=2020) == 8  # still not counted


def test_a_correction_with_a_reason_recomputes_the_consequences(client, yibao_user, upheld):
    doctor = upheld.deduction.doctor
    assert not selectors.active_consequences(doctor).filter(kind=Consequence.Kind.SUSPENSION).exists()
    with pytest.raises(Exception, match="理由"):
        services.appeal_correct(appeal=upheld, decision=Appeal.Decision.REJECTED, reason=" ")
    client.force_login(yibao_user)
    response = client.post("/admin/doctors/appealcorrection/add/", {
        "appeal": upheld.pk, "new_decision": "rejected", "corrected_on": "2020-09-25",
        "reason": "复核发现证据充分,维持扣分"})
    assert response.status_code == 302, response.content.decode()[:2000]
    correction = AppealCorrection.objects.get()
    assert (correction.old_decision, correction.new_decision) == ("upheld", "rejected")
    assert correction.recorded_by == yibao_user
    upheld.refresh_from_db()
    assert upheld.decision == Appeal.Decision.REJECTED
    assert upheld.history.filter(decision="upheld").exists()  # what it was is kept
    assert selectors.year_points(doctor=doctor, year=2020) == 9
    assert selectors.active_consequences(doctor).filter(kind=Consequence.Kind.SUSPENSION).exists()
    entry = AuditEvent.objects.get(action=AuditEvent.Action.VOID, model="doctors.Appeal")
    assert entry.changes == {"decision": ["upheld", "rejected"]} and "复核" in entry.note
    assert entry.actor == yibao_user
    with refused():
        correction.delete()


def test_a_void_with_a_reason_recomputes_consequences_and_the_closed_year_score(closed_2020):
    doctor = closed_2020
    suspension = selectors.active_consequences(doctor).get(kind=Consequence.Kind.SUSPENSION)
    last = suspension.trigger
    assert YearScore.objects.get(doctor=doctor, year=2020).points_deducted == 9
    void = services.deduction_void(deduction=last, reason="重复录入", voided_on=D(2021, 1, 5))
    assert selectors.year_points(doctor=doctor, year=2020) == 8
    suspension.refresh_from_db()
    assert suspension.revoked_on == D(2021, 1, 5) and "重复录入" in suspension.revoked_reason
    score = YearScore.objects.get(doctor=doctor, year=2020)
    assert score.points_deducted == 8
    assert score.history.filter(points_deducted=9).exists()
    assert DeductionVoid.objects.get().recorded_by is None  # 系统
    entry = AuditEvent.objects.get(action=AuditEvent.Action.VOID, model="doctors.PointDeduction")
    assert entry.changes["有效扣分"] == [1, 0] and "重复录入" in entry.note
    assert Notice.objects.filter(source=f"deduction-void:{void.pk}").exists()
    with pytest.raises(Exception, match="已作废"):
        services.deduction_void(deduction=last, reason="再作废一次")


def test_a_county_user_cannot_void_or_correct_another_countys_deduction(
        kc_yb, js_doctor, jiangshan_hospital, deduct):
    d = deduct(js_doctor, jiangshan_hospital, "20.2", D(2020, 9, 2))
    with refused():
        services.deduction_void(deduction=d, reason="x", actor=kc_yb)
    appeal = services.appeal_file(deduction=d, filed_on=D(2020, 9, 3))
    with refused():
        services.appeal_decide(appeal=appeal, decision="upheld", decided_on=D(2020, 9, 4), actor=kc_yb)
    services.appeal_decide(appeal=appeal, decision="rejected", decided_on=D(2020, 9, 4))
    with refused():
        services.appeal_correct(appeal=appeal, decision="upheld", reason="x", actor=kc_yb)
    assert not DeductionVoid.objects.exists() and not AppealCorrection.objects.exists()


def test_a_deduction_is_never_edited_or_deleted(doctor, kecheng_hospital, deduct):
    d = deduct(doctor, kecheng_hospital, "20.2", D(2020, 9, 2))
    with refused():
        d.delete()
    with refused():
        d.notice_date = D(2020, 9, 3)
        d.save()


# --- 6. need to know -----------------------------------------------------------------


def test_doctors_notices_are_shown_to_yibao_not_to_minzheng(client, minzheng_user, yibao_user,
                                                            auditor_user, doctor, kecheng_hospital,
                                                            deduct):
    deduct(doctor, kecheng_hospital, "20.2", D(2020, 9, 2))
    assert Notice.objects.filter(topic="doctors").exists()
    client.force_login(minzheng_user)
    page = client.get("/admin/core/notice/").content.decode()
    assert "医保医师扣分通知" not in page
    for user in (yibao_user, auditor_user):
        client.force_login(user)
        assert "医保医师扣分通知" in client.get("/admin/core/notice/").content.decode()


def test_the_staff_scope_list_is_for_administrators_and_auditors(client, make_staff, yibao_user,
                                                                 auditor_user):
    root = make_staff("root", superuser=True)
    client.force_login(yibao_user)
    assert client.get("/admin/core/staffprofile/").status_code == 403
    for user in (auditor_user, root):
        client.force_login(user)
        assert client.get("/admin/core/staffprofile/").status_code == 200


def test_the_api_honours_a_county_users_scope(client, kc_yb, yibao_user, doctor, js_doctor):
    _, key = ApiToken.issue(user=kc_yb, name="柯城区结算")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    standing = "/api/doctors/standing"
    assert client.get(standing, {"doctor": js_doctor.certificate_number, "date": "2020-09-01"},
                      **auth).status_code == 404
    assert client.get(standing, {"doctor": doctor.certificate_number, "date": "2020-09-01"},
                      **auth).status_code == 200
    response = client.get("/api/doctors/payability", {"doctor": js_doctor.certificate_number,
                                                      "institution": "H330881001", "date": "2020-09-01"},
                          **auth)
    assert response.status_code == 404 and "江山" not in response.content.decode()
    client.force_login(kc_yb)  # a session: the same scope
    assert client.get(standing, {"doctor": js_doctor.resident_id, "date": "2020-09-01"}).status_code == 404
    # A city-level token (the settlement system) keeps city scope.
    _, city_key = ApiToken.issue(user=yibao_user, name="市结算系统")
    answer = client.get("/api/doctors/payability", {"doctor": js_doctor.certificate_number,
                                                    "institution": "H330881001", "date": "2020-09-01"},
                        HTTP_AUTHORIZATION=f"Token {city_key}")
    assert answer.status_code == 200 and answer.json()["payable"] is True


@pytest.mark.parametrize("model,field", [("agreement", "doctor"), ("pointdeduction", "doctor"),
                                         ("creditgrade", "doctor"), ("agreement", "renewed_from"),
                                         ("agreementevent", "agreement")])
def test_autocompletes_never_return_another_countys_records(client, kc_yb, doctor, js_doctor,
                                                           model, field):
    client.force_login(kc_yb)
    response = client.get("/admin/autocomplete/", {"app_label": "doctors", "model_name": model,
                                                   "field_name": field, "term": ""})
    assert response.status_code == 200
    body = " ".join(r["text"] for r in response.json()["results"])
    assert "江山医生" not in body and js_doctor.certificate_number not in body
    if field == "doctor":
        assert doctor.name in body


def test_no_raw_id_widget_prints_another_countys_doctor(client, kc_yb, js_doctor):
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "doctors":
            assert not model_admin.raw_id_fields, model
    client.force_login(kc_yb)
    page = client.get(f"/admin/doctors/agreement/add/?doctor={js_doctor.pk}").content.decode()
    assert "江山医生" not in page
