"""DOMAIN §0 in every doctors admin list: resident IDs masked, county staff confined to their
county (lists, filters, form choices, exports), exports masked unless the role may see
full numbers (``apps.core.resources.ResidentIdExportMixin``)."""

import datetime as dt

import pytest
from django.contrib import admin

from apps.core import resident_id
from apps.doctors import selectors, services
from apps.doctors.models import AgreementEvent, CreditGrade, InstitutionEvent

D = dt.date
pytestmark = pytest.mark.django_db

CHANGELISTS = [f"/admin/doctors/{model._meta.model_name}/" for model in admin.site._registry
               if model._meta.app_label == "doctors"]


def _busy_doctor(make_doctor, hospital, deduct, name):
    doctor = make_doctor(name, institutions=[hospital])
    for i, code in enumerate(["18.1", "19.1", "20.1"]):
        deduct(doctor, hospital, code, D(2020, 9, 10), violation=D(2020, 9, 1 + i))
    suspension = selectors.active_consequences(doctor).get(kind="suspension")
    services.restore_apply(consequence=suspension, applied_on=D(2020, 9, 30))
    services.appeal_file(deduction=suspension.trigger, filed_on=D(2020, 9, 14))
    services.credit_grade_set(doctor=doctor, grade=CreditGrade.Grade.C, effective_date=D(2020, 10, 1))
    services.institution_event_record(institution=hospital, kind=InstitutionEvent.Kind.SUSPENDED,
                                      effective_date=D(2020, 11, 2), reason="违规结算")
    services.agreement_notice_to_end(agreement=doctor.agreements.get(), given_on=D(2020, 11, 2))
    # issue 9: a voided deduction and a corrected appeal decision
    mistaken = deduct(doctor, hospital, "20.2", D(2020, 10, 12))
    services.deduction_void(deduction=mistaken, reason="录入错误", voided_on=D(2020, 10, 13))
    appealed = deduct(doctor, hospital, "20.3", D(2020, 10, 12))
    appeal = services.appeal_file(deduction=appealed, filed_on=D(2020, 10, 13))
    services.appeal_decide(appeal=appeal, decision="rejected", decided_on=D(2020, 10, 20))
    services.appeal_correct(appeal=appeal, decision="upheld", reason="复核认定申诉成立",
                            corrected_on=D(2020, 10, 21))
    return doctor


@pytest.fixture
def county_pair(make_doctor, kecheng_hospital, jiangshan_hospital, deduct):
    ke = _busy_doctor(make_doctor, kecheng_hospital, deduct, "柯城医生")
    js = _busy_doctor(make_doctor, jiangshan_hospital, deduct, "江山医生")
    services.year_end(year=2020)
    assert AgreementEvent.objects.count() >= 4
    return ke, js


@pytest.fixture
def kecheng_yibao(make_staff):
    return make_staff("kc_yibao", "医保", region_code="330802")


def test_every_doctors_list_is_covered():
    assert len(CHANGELISTS) == 15


@pytest.mark.parametrize("url", CHANGELISTS)
def test_no_list_shows_a_full_resident_id(client, yibao_user, county_pair, url):
    client.force_login(yibao_user)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for doctor in county_pair:
        assert doctor.resident_id not in page
    if url == "/admin/doctors/doctor/":
        assert all(resident_id.mask(d.resident_id) in page for d in county_pair)


# What each list shows of a county's own records: the institution's name where rows are
# institutions or their events, otherwise the doctor's name.
OWN_MARKER = {"institution": "衢州市人民医院", "institutionevent": "衢州市人民医院"}
NO_PEOPLE = {"violationitem", "yearclosing"}  # catalogue and year closings: no doctor or institution


@pytest.mark.parametrize("url", CHANGELISTS)
def test_a_county_user_sees_its_own_records_and_never_another_countys(
        client, kecheng_yibao, county_pair, url):
    model = url.rstrip("/").rsplit("/", 1)[-1]
    client.force_login(kecheng_yibao)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "江山医生" not in page and "江山市人民医院" not in page
    assert county_pair[1].certificate_number not in page
    if model not in NO_PEOPLE:  # the negative checks above are only meaningful on a non-empty list
        assert OWN_MARKER.get(model, "柯城医生") in page


@pytest.mark.parametrize("url", ["/admin/doctors/pointdeduction/add/", "/admin/doctors/agreement/add/",
                                 "/admin/doctors/institutionevent/add/",
                                 "/admin/doctors/restoreapplication/add/"])
def test_form_choices_offer_only_the_countys_institutions(client, kecheng_yibao, county_pair, url):
    """Institutions and doctors are picked by autocomplete (issue 12 §6): the form lists no
    choices, and the autocomplete answers only within the county."""
    client.force_login(kecheng_yibao)
    page = client.get(url).content.decode()
    assert "江山市人民医院" not in page and "江山医生" not in page
    model = url.split("/")[3]
    found = client.get("/admin/autocomplete/", {"app_label": "doctors", "model_name": model,
                                                "field_name": "institution", "term": "人民医院"}).json()
    assert [r["text"] for r in found["results"]] == ["衢州市人民医院(H330802001)"]


def test_a_county_user_cannot_record_a_deduction_at_another_countys_institution(
        client, kecheng_yibao, make_doctor, kecheng_hospital, jiangshan_hospital):
    from apps.doctors.models import ViolationItem

    both = make_doctor("两地医生", institutions=[kecheng_hospital, jiangshan_hospital])
    client.force_login(kecheng_yibao)
    response = client.post("/admin/doctors/pointdeduction/add/", {
        "doctor": both.pk, "institution": jiangshan_hospital.pk,
        "item": ViolationItem.objects.get(code="20.2").pk, "violation_date": "2020-12-01",
        "notice_date": "2020-12-02", "channel": "written", "note": ""})
    assert response.status_code == 200
    assert not both.deductions.exists()


def test_a_consequence_triggered_elsewhere_is_seen_where_its_agreements_are(
        client, kecheng_yibao, make_doctor, kecheng_hospital, jiangshan_hospital, deduct):
    both = make_doctor("两地医生", institutions=[kecheng_hospital, jiangshan_hospital])
    deduct(both, jiangshan_hospital, "18.1", D(2020, 9, 1))  # 江山 deduction, interview for both sites
    client.force_login(kecheng_yibao)
    assert "两地医生" in client.get("/admin/doctors/consequence/").content.decode()


def _export(client, user):
    client.force_login(user)
    response = client.post("/admin/doctors/doctor/export/", {
        "format": "0", "resource": "0", "doctorexport_name": True,
        "doctorexport_resident_id": True, "doctorexport_certificate_number": True,
        "doctorexport_qualification": True})
    assert response.status_code == 200, response.content[:500]
    return response.content.decode("utf-8-sig")


def test_export_shows_full_ids_only_to_roles_that_may_see_them(client, yibao_user, shifuban_user,
                                                               county_pair):
    from apps.core.models import AuditEvent

    ke, js = county_pair
    full = _export(client, yibao_user)
    assert ke.resident_id in full and js.resident_id in full
    assert "公民身份号码" in full and "执业医师" in full
    assert AuditEvent.objects.filter(note__contains="完整公民身份号码").exists()
    disclosure = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_ID, model="doctors.Doctor")
    assert disclosure.changes == {"counts": {"full_ids": 2}} and disclosure.regions.count() == 2
    masked = _export(client, shifuban_user)
    assert ke.resident_id not in masked and js.resident_id not in masked
    assert resident_id.mask(ke.resident_id) in masked and resident_id.mask(js.resident_id) in masked


def test_a_county_export_holds_only_the_countys_doctors(client, kecheng_yibao, county_pair):
    ke, js = county_pair
    body = _export(client, kecheng_yibao)
    assert "柯城医生" in body and ke.resident_id in body
    assert "江山医生" not in body and js.resident_id not in body


@pytest.mark.parametrize("model", ["doctor", "pointdeduction", "consequence", "agreement", "institution"])
def test_history_pages_of_another_countys_records_are_not_served(client, kecheng_yibao, county_pair, model):
    from django.apps import apps

    _, js = county_pair
    records = {"doctor": js, "pointdeduction": js.deductions.first(),
               "consequence": js.consequences.first(), "agreement": js.agreements.first(),
               "institution": js.agreements.first().institution}
    obj = records[model]
    client.force_login(kecheng_yibao)
    assert client.get(f"/admin/doctors/{model}/{obj.pk}/history/").status_code == 404
    version = apps.get_model("doctors", model).history.filter(id=obj.pk).first()
    assert client.get(f"/admin/doctors/{model}/{obj.pk}/history/{version.history_id}/").status_code == 404
    ke, _ = county_pair
    assert client.get(f"/admin/doctors/doctor/{ke.pk}/history/").status_code == 200


def test_history_pages_never_show_a_full_resident_id_to_other_roles(client, shifuban_user, county_pair):
    ke, _ = county_pair
    ke.name = "柯城医生(改名)"
    ke.save()
    client.force_login(shifuban_user)
    page = client.get(f"/admin/doctors/doctor/{ke.pk}/history/")
    assert page.status_code == 200 and ke.resident_id not in page.content.decode()
    version = ke.history.order_by("history_id").last()
    form = client.get(f"/admin/doctors/doctor/{ke.pk}/history/{version.history_id}/")
    assert form.status_code == 200 and ke.resident_id not in form.content.decode()


def test_a_county_user_imports_only_for_the_countys_institutions(
        kecheng_yibao, make_doctor, kecheng_hospital, jiangshan_hospital, deduct):
    from apps.core.tabular import ImportRejected
    from apps.doctors.imports import import_file
    from apps.doctors.models import Appeal, Doctor, PointDeduction

    number = resident_id.compose("330881", D(1979, 1, 2), 7)
    doctors = ("姓名,公民身份号码,执业证书编码,资格类别,机构编码,机构名称,区划代码,协议起始,协议终止\n"
               f"王五,{number},C77,执业医师,H330881001,江山市人民医院,330881,2020-01-01,2020-12-31\n"
               f"王五,{number},C77,执业医师,H330881009,江山市中医院,330881,2020-01-01,2020-12-31\n")
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="doctors", data=doctors.encode(), filename="d.csv", actor=kecheng_yibao)
    assert [str(e) for e in exc.value.errors] == [
        "第2行“机构编码”列:“H330881001”不在您的管辖区域(柯城区)内",
        "第3行“机构编码”列:“H330881009”不在您的管辖区域(柯城区)内"]
    assert not Doctor.objects.filter(certificate_number="C77").exists()

    both = make_doctor("两地医生", institutions=[kecheng_hospital, jiangshan_hospital])
    rows = ("公民身份号码,机构编码,条款,违规日期,通知日期\n"
            f"{both.resident_id},H330802001,20.1,2020-09-01,2020-09-07\n"
            f"{both.resident_id},H330881001,20.2,2020-09-01,2020-09-07\n")
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="deductions", data=rows.encode(), filename="d.csv", actor=kecheng_yibao)
    assert [str(e) for e in exc.value.errors] == [
        "第3行“机构编码”列:“H330881001”不在您的管辖区域(柯城区)内"]
    assert not PointDeduction.objects.exists()

    deduct(both, jiangshan_hospital, "20.2", D(2020, 9, 7), violation=D(2020, 9, 1))
    appeal = ("公民身份号码,条款,违规日期,申诉日期\n"
              f"{both.resident_id},20.2,2020-09-01,2020-09-08\n")
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="appeals", data=appeal.encode(), filename="a.csv", actor=kecheng_yibao)
    assert [str(e) for e in exc.value.errors] == [
        "第2行“条款”列:该扣分记录(江山市人民医院)不在您的管辖区域(柯城区)内"]
    assert not Appeal.objects.exists()
