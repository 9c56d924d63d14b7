"""Admin screens: doctor page, filtered lists, institution standings, region scope, masking,
and the import screen with whole-file validation."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core import resident_id
from apps.doctors.models import Doctor

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def this_year():
    return timezone.localdate().year


@pytest.fixture
def two_doctors(make_doctor, kecheng_hospital, jiangshan_hospital, deduct, this_year):
    start, end = D(this_year, 1, 1), D(this_year, 12, 31)
    ke = make_doctor("柯城医生", institutions=[kecheng_hospital], start=start, end=end)
    js = make_doctor("江山医生", institutions=[jiangshan_hospital], start=start, end=end)
    deduct(ke, kecheng_hospital, "18.1", D(this_year, 1, 6))  # 6 points: interview band
    deduct(js, jiangshan_hospital, "19.4", D(this_year, 1, 6))  # 2 points
    return ke, js


def test_doctor_list_masks_ids_and_filters_by_points_band(client, yibao_user, two_doctors):
    ke, js = two_doctors
    client.force_login(yibao_user)
    page = client.get("/admin/doctors/doctor/").content.decode()
    assert resident_id.mask(ke.resident_id) in page
    assert ke.resident_id not in page
    banded = client.get("/admin/doctors/doctor/", {"band": "6-8"}).content.decode()
    assert "柯城医生" in banded and "江山医生" not in banded
    low = client.get("/admin/doctors/doctor/", {"band": "1-5"}).content.decode()
    assert "江山医生" in low and "柯城医生" not in low


def test_doctor_list_filters_by_region_institution_and_status(client, yibao_user, two_doctors,
                                                              jiangshan_hospital, regions):
    client.force_login(yibao_user)
    by_region = client.get("/admin/doctors/doctor/", {"region": regions["330881"].pk}).content.decode()
    assert "江山医生" in by_region and "柯城医生" not in by_region
    by_inst = client.get("/admin/doctors/doctor/", {"institution": jiangshan_hospital.pk}).content.decode()
    assert "江山医生" in by_inst and "柯城医生" not in by_inst
    active = client.get("/admin/doctors/doctor/", {"status": "active"}).content.decode()
    assert "江山医生" in active and "柯城医生" in active
    assert "柯城医生" not in client.get("/admin/doctors/doctor/", {"status": "suspended"}).content.decode()


def test_a_county_user_sees_only_doctors_practising_in_the_county(client, make_staff, two_doctors):
    client.force_login(make_staff("kc_yibao", "医保", region_code="330802"))
    page = client.get("/admin/doctors/doctor/").content.decode()
    assert "柯城医生" in page and "江山医生" not in page
    ke, js = two_doctors
    assert client.get(f"/admin/doctors/doctor/{js.pk}/change/").status_code == 302


def test_doctor_page_shows_score_timeline_appeals_and_notices(client, yibao_user, two_doctors):
    ke, _ = two_doctors
    client.force_login(yibao_user)
    page = client.get(f"/admin/doctors/doctor/{ke.pk}/change/").content.decode()
    assert 'class="points-deducted">6<' in page and 'class="points-left">6<' in page
    assert "待约谈" in page
    assert "第18.1项 扣6分" in page and "约谈(累计扣分达6分)" in page
    assert "医保医师扣分通知(18.1)" in page


def test_institution_page_lists_its_doctors_standings(client, yibao_user, two_doctors, kecheng_hospital):
    client.force_login(yibao_user)
    page = client.get(f"/admin/doctors/institution/{kecheng_hospital.pk}/change/").content.decode()
    assert "柯城医生" in page and "江山医生" not in page
    assert "正常:服务协议有效" in page


def test_admin_import_screen_rejects_a_bad_file_and_imports_a_good_one(client, yibao_user, regions):
    client.force_login(yibao_user)
    number = resident_id.compose("330802", D(1979, 1, 2), 5)
    header = "姓名,公民身份号码,执业证书编码,资格类别,机构编码,机构名称,区划代码,协议起始,协议终止\n"
    bad = header + f"王五,{number},C1,牙医,H9,柯城区人民医院,330802,2020-01-01,2020-12-31\n"
    response = client.post("/admin/doctors/doctor/upload/", {
        "kind": "doctors", "file": SimpleUploadedFile("d.csv", bad.encode())})
    # The one import screen's error table (issue 14 §4): line, column, message.
    assert "<tr><td>2</td><td>资格类别</td>" in response.content.decode()
    assert Doctor.objects.count() == 0
    good = bad.replace("牙医", "执业医师")
    response = client.post("/admin/doctors/doctor/upload/", {
        "kind": "doctors", "file": SimpleUploadedFile("d.csv", good.encode())})
    assert response.status_code == 302
    assert Doctor.objects.get().name == "王五"


def test_adding_a_deduction_in_the_admin_derives_consequences(client, yibao_user, doctor, kecheng_hospital):
    from apps.doctors.models import ViolationItem

    client.force_login(yibao_user)
    response = client.post("/admin/doctors/pointdeduction/add/", {
        "doctor": doctor.pk, "institution": kecheng_hospital.pk,
        "item": ViolationItem.objects.get(code="18.2").pk, "violation_date": "2020-08-03",
        "notice_date": "2020-08-06", "channel": "written", "note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert doctor.consequences.get().kind == "interview"


def test_the_admin_refuses_conduct_before_the_measure_was_in_force(client, yibao_user, doctor,
                                                                   kecheng_hospital):
    from apps.doctors.models import ViolationItem

    client.force_login(yibao_user)
    response = client.post("/admin/doctors/pointdeduction/add/", {
        "doctor": doctor.pk, "institution": kecheng_hospital.pk,
        "item": ViolationItem.objects.get(code="18.2").pk, "violation_date": "2020-05-01",
        "notice_date": "2020-08-06", "channel": "written", "note": ""})
    assert response.status_code == 200
    assert "施行日期2020年8月3日" in response.content.decode()
    assert not doctor.deductions.exists()


def test_a_late_appeal_in_the_admin_shows_the_last_valid_day(client, yibao_user, doctor,
                                                              kecheng_hospital, deduct):
    d = deduct(doctor, kecheng_hospital, "19.4", D(2020, 9, 30), violation=D(2020, 9, 20))
    client.force_login(yibao_user)
    response = client.post("/admin/doctors/appeal/add/", {
        "deduction": d.pk, "filed_on": "2020-10-22", "decision": "pending"})
    assert response.status_code == 200
    assert "2020年10月21日" in response.content.decode()


def _ie_post(client, resource: str, text: str, name: str = "d.csv"):
    return client.post("/admin/doctors/doctor/import/", {
        "resource": resource, "format": "0", "import_file": SimpleUploadedFile(name, text.encode())})


def test_import_export_screen_lists_every_bad_row_and_imports_nothing(client, yibao_user, regions):
    client.force_login(yibao_user)
    number = resident_id.compose("330802", D(1979, 1, 2), 5)
    header = "姓名,公民身份号码,执业证书编码,资格类别,机构编码,机构名称,区划代码,协议起始,协议终止\n"
    bad = (header + f"王五,{number},C1,牙医,H9,柯城区人民医院,330802,2020-01-01,2020-12-31\n"
           + f"赵六,{number[:-1]}0,C2,执业医师,H9,柯城区人民医院,330802,2020-01-01,2020-12-31\n")
    page = _ie_post(client, "0", bad).content.decode()
    assert "<tr><td>2</td><td>资格类别</td><td>“牙医”应为执业医师、执业助理医师或乡村医生</td></tr>" in page
    assert "<tr><td>3</td><td>公民身份号码</td><td>公民身份号码校验码错误" in page
    assert 'name="import_file_name"' not in page  # no confirm form
    assert Doctor.objects.count() == 0


def test_import_export_screen_previews_without_writing_then_imports_on_confirm(
        client, yibao_user, regions):
    import re

    client.force_login(yibao_user)
    number = resident_id.compose("330802", D(1979, 1, 2), 5)
    good = ("姓名,公民身份号码,执业证书编码,资格类别,机构编码,机构名称,区划代码,协议起始,协议终止\n"
            f"王五,{number},C1,执业医师,H9,柯城区人民医院,330802,2020-01-01,2020-12-31\n")
    page = _ie_post(client, "0", good).content.decode()
    assert Doctor.objects.count() == 0  # the preview rolled back
    # … its audit entry too: the dry run is the service rolled back (issue 14 §4)
    from apps.core.models import AuditEvent

    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()
    assert "校验通过(未写入):医师 1,机构 1,服务协议 1" in page
    confirm = {name: value for name, value in re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)"', page) if name != "csrfmiddlewaretoken"}
    assert "import_file_name" in confirm
    response = client.post("/admin/doctors/doctor/process_import/", confirm)
    assert response.status_code == 302
    assert Doctor.objects.get().name == "王五"


def test_the_upload_address_is_the_one_import_screen(client, yibao_user, regions):
    """``upload/`` shows the import screen (issue 14 §4: one screen); a POST with a kind the
    screen does not offer is refused on it and imports nothing."""
    client.force_login(yibao_user)
    page = client.get("/admin/doctors/doctor/upload/").content.decode()
    assert 'name="import_file"' in page and 'name="resource"' in page
    response = client.post("/admin/doctors/doctor/upload/", {
        "kind": "nurses", "file": SimpleUploadedFile("d.csv", "姓名\n王五\n".encode())})
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not Doctor.objects.exists()


def test_auditors_get_no_import_button(client, auditor_user, yibao_user):
    client.force_login(yibao_user)  # the link exists for those who may import …
    assert 'href="/admin/doctors/doctor/upload/"' in client.get("/admin/doctors/doctor/").content.decode()
    client.force_login(auditor_user)  # … and the auditor reads the list without it
    listing = client.get("/admin/doctors/doctor/")
    assert listing.status_code == 200
    assert 'href="/admin/doctors/doctor/upload/"' not in listing.content.decode()
    assert client.get("/admin/doctors/doctor/import/").status_code == 403
    assert client.post("/admin/doctors/doctor/process_import/", {}).status_code == 403


def test_institution_page_lists_its_first_agreements_and_links_the_rest(
        client, yibao_user, two_doctors, kecheng_hospital, monkeypatch):
    """Issue 13 §1: an institution's page lists at most STANDING_ROWS agreements as a table
    (no formset) and links the agreements list filtered to the institution for the rest."""
    from apps.doctors import admin as doctors_admin

    client.force_login(yibao_user)
    url = f"/admin/doctors/institution/{kecheng_hospital.pk}/change/"
    page = client.get(url).content.decode()
    assert "<h2>服务协议(今日)</h2>" in page and "<td>正常:服务协议有效</td>" in page
    assert "agreements-TOTAL_FORMS" not in page and "查看该机构的全部服务协议" not in page
    monkeypatch.setattr(doctors_admin, "STANDING_ROWS", 0)
    page = client.get(url).content.decode()
    assert "柯城医生" not in page.split("<h2>服务协议(今日)</h2>")[1]
    link = f"/admin/doctors/agreement/?institution={kecheng_hospital.pk}"
    assert f'<a href="{link}">仅列出前0份,查看该机构的全部服务协议</a>' in page
    listed = client.get(link).content.decode()
    assert "柯城医生" in listed and "江山医生" not in listed
