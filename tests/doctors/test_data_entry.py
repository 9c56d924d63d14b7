"""Issue 12 §6: data entry that prevents mistakes — scoped autocomplete (a full ID only by
POST, never in a URL), violation items with code, description and points, institution codes
checked in the doctors imports, the XLSX sheet with the matching header, full-width input."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from apps.core import resident_id
from apps.core.tabular import ImportRejected, normalise, read_rows
from apps.doctors.imports import import_file
from apps.doctors.models import Doctor, Institution, ViolationItem
from apps.subsidies.models import Beneficiary

pytestmark = pytest.mark.django_db
D = dt.date
ZHANG = resident_id.compose("330802", D(1975, 3, 9), 11)
DOCTORS_HEADER = "姓名,公民身份号码,执业证书编码,资格类别,机构编码,机构名称,区划代码,协议起始,协议终止"
DEDUCTIONS_HEADER = "公民身份号码,机构编码,条款,违规日期,通知日期"
AUTOCOMPLETE = "/admin/autocomplete/"
FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _doctor_search(client, term: str, *, post: bool = False) -> list[str]:
    query = {"app_label": "doctors", "model_name": "pointdeduction", "field_name": "doctor",
             "term": term}
    response = client.post(AUTOCOMPLETE, query) if post else client.get(AUTOCOMPLETE, query)
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


@pytest.fixture
def two_counties(make_doctor, kecheng_hospital, jiangshan_hospital):
    return (make_doctor("柯城医生", institutions=[kecheng_hospital]),
            make_doctor("江山医生", institutions=[jiangshan_hospital]))


# -- autocomplete -------------------------------------------------------------------------

def test_doctor_autocomplete_by_name_and_certificate_within_the_users_county(
        client, make_staff, two_counties):
    ke, js = two_counties
    client.force_login(make_staff("kc_yb", "医保", region_code="330802"))
    assert _doctor_search(client, "医生") == [str(ke)]
    assert _doctor_search(client, ke.certificate_number) == [str(ke)]
    assert _doctor_search(client, js.certificate_number) == []  # 江山市: outside the county


def test_a_full_id_in_an_autocomplete_url_finds_nothing_but_a_post_finds_the_doctor(
        client, yibao_user, two_counties):
    ke, _ = two_counties
    client.force_login(yibao_user)
    assert _doctor_search(client, ke.resident_id) == []
    assert _doctor_search(client, ke.resident_id, post=True) == [str(ke)]
    # typed with full-width digits, still found (NFKC)
    assert _doctor_search(client, ke.resident_id.translate(FULL), post=True) == [str(ke)]
    # the digest a changelist search redirects to works in a GET
    assert _doctor_search(client, f"digest:{resident_id.digest(ke.resident_id)}") == [str(ke)]


def test_an_id_posted_by_a_county_user_finds_no_one_outside_the_county(
        client, make_staff, two_counties):
    ke, js = two_counties
    client.force_login(make_staff("kc_yb", "医保", region_code="330802"))
    assert _doctor_search(client, js.resident_id, post=True) == []
    assert _doctor_search(client, ke.resident_id, post=True) == [str(ke)]


def test_the_autocomplete_post_needs_the_csrf_token(yibao_user, two_counties):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(yibao_user)
    response = client.post(AUTOCOMPLETE, {"app_label": "doctors", "model_name": "pointdeduction",
                                          "field_name": "doctor", "term": two_counties[0].resident_id})
    assert response.status_code == 403


def test_forms_pick_doctors_institutions_and_items_by_autocomplete_with_the_post_script(
        client, yibao_user, two_counties):
    client.force_login(yibao_user)
    page = client.get("/admin/doctors/pointdeduction/add/").content.decode()
    for field in ("doctor", "institution", "item"):
        assert f'data-field-name="{field}"' in page
    assert "qzgov-id-lookup.js" in page
    assert "江山市人民医院" not in page  # no dropdown listing every institution


def test_beneficiary_autocomplete_is_scoped_and_takes_an_id_only_by_post(client, make_staff, regions):
    ke = Beneficiary.objects.create(name="柯城对象", resident_id=resident_id.compose("330802", D(1950, 1, 2), 3),
                                    region=regions["330802"], residence="urban")
    js = Beneficiary.objects.create(name="江山对象", resident_id=resident_id.compose("330881", D(1951, 1, 2), 4),
                                    region=regions["330881"], residence="urban")
    client.force_login(make_staff("kc_mz", "民政", region_code="330802"))
    query = {"app_label": "subsidies", "model_name": "enrolment", "field_name": "beneficiary"}
    found = client.get(AUTOCOMPLETE, {**query, "term": "对象"}).json()["results"]
    assert [r["text"] for r in found] == [str(ke)]
    assert client.get(AUTOCOMPLETE, {**query, "term": ke.resident_id}).json()["results"] == []
    found = client.post(AUTOCOMPLETE, {**query, "term": ke.resident_id}).json()["results"]
    assert [r["id"] for r in found] == [str(ke.pk)]
    assert client.post(AUTOCOMPLETE, {**query, "term": js.resident_id}).json()["results"] == []


def test_organisations_are_picked_by_autocomplete(client, yibao_user, kecheng_hospital):
    client.force_login(yibao_user)
    page = client.get(f"/admin/doctors/institution/{kecheng_hospital.pk}/change/").content.decode()
    assert 'data-field-name="organisation"' in page


# -- violation items ----------------------------------------------------------------------

def test_violation_items_show_code_description_and_points():
    """Art. 18 (2): 6 points for swapping insured drugs or services."""
    item = ViolationItem.objects.get(code="18.2")
    assert str(item) == "18.2 故意为参保人员串换医疗保险药品、医疗服务项目,造成医疗保险基金损失的 (6分)"


def test_the_item_autocomplete_finds_items_by_description(client, yibao_user):
    client.force_login(yibao_user)
    found = client.get(AUTOCOMPLETE, {"app_label": "doctors", "model_name": "pointdeduction",
                                      "field_name": "item", "term": "冒名"}).json()["results"]
    assert [r["text"].split()[0] for r in found] == ["18.1", "19.1"]
    assert found[1]["text"].endswith("(2分)")  # art. 19: 2 points


# -- institution codes in the imports -----------------------------------------------------

def test_a_deductions_row_with_an_unknown_institution_code_is_a_bad_row(doctor):
    data = csv(DEDUCTIONS_HEADER, f"{doctor.resident_id},H330802009,19.4,2020-08-20,2020-09-08")
    with pytest.raises(ImportRejected) as refused:
        import_file(kind="deductions", data=data, filename="d.csv")
    assert "第2行“机构编码”列:“H330802009”不是已登记的定点医疗机构" in refused.value.report()


def test_a_new_code_with_a_registered_institution_name_is_a_bad_row_naming_the_code(regions):
    """A typo in 机构编码 must not create a second 龙游县人民医院 (issue 12)."""
    Institution.objects.create(code="H330825001", name="龙游县人民医院", region=regions["330825"])
    data = csv(DOCTORS_HEADER,
               f"张三,{ZHANG},110330802000011,执业医师,H33O825001,龙游县人民医院,330825,2020-01-01,2020-12-31")
    with pytest.raises(ImportRejected) as refused:
        import_file(kind="doctors", data=data, filename="doctors.csv")
    error = str(refused.value.errors[0])
    assert error.startswith("第2行“机构编码”列:") and "H330825001" in error
    assert Institution.objects.count() == 1 and not Doctor.objects.exists()


def test_a_city_name_variant_of_a_registered_institution_is_caught_too(regions):
    """市人民医院 ≡ 衢州市人民医院 (name variants, DOMAIN §0)."""
    Institution.objects.create(code="H330802001", name="衢州市人民医院", region=regions["330802"])
    data = csv(DOCTORS_HEADER,
               f"张三,{ZHANG},110330802000011,执业医师,H330802002,市人民医院,330802,2020-01-01,2020-12-31")
    with pytest.raises(ImportRejected, match="1处错误") as refused:
        import_file(kind="doctors", data=data, filename="doctors.csv")
    assert "H330802001" in refused.value.report()


def test_two_new_codes_with_one_name_in_one_file_are_caught_at_the_second_row(regions):
    li = resident_id.compose("330881", D(1982, 7, 1), 22)
    data = csv(DOCTORS_HEADER,
               f"张三,{ZHANG},110330802000011,执业医师,H330825001,龙游县人民医院,330825,2020-01-01,2020-12-31",
               f"李四,{li},110330881000022,执业医师,H330825010,龙游县人民医院,330825,2020-01-01,2020-12-31")
    with pytest.raises(ImportRejected) as refused:
        import_file(kind="doctors", data=data, filename="doctors.csv")
    assert [e.line for e in refused.value.errors] == [3]
    assert "H330825001(第2行)" in refused.value.errors[0].message


def test_a_new_code_with_a_new_name_still_creates_the_institution(regions):
    data = csv(DOCTORS_HEADER,
               f"张三,{ZHANG},110330802000011,执业医师,H330825001,龙游县人民医院,330825,2020-01-01,2020-12-31")
    assert import_file(kind="doctors", data=data, filename="doctors.csv")["institutions"] == 1
    institution = Institution.objects.get(code="H330825001")
    assert institution.name == "龙游县人民医院" and institution.region.code == "330825"


# -- XLSX sheets --------------------------------------------------------------------------

def _xlsx(*sheets: tuple[str, list[list]], active: int = 0) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.active = active
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_is_read_from_the_sheet_whose_header_matches(regions):
    rows = [DOCTORS_HEADER.split(","),
            ["张三", ZHANG, "110330802000011", "执业医师", "H001", "市人民医院", "330802",
             "2020-01-01", "2020-12-31"]]
    data = _xlsx(("说明", [["请按模板填写"]]), ("空白", []), ("医师", [[], *rows]), active=1)
    found = read_rows(data, "doctors.xlsx", DOCTORS_HEADER.split(","))
    assert [line for line, _ in found] == [3]  # the sheet's own row number
    assert import_file(kind="doctors", data=data, filename="doctors.xlsx")["doctors"] == 1


def test_an_xlsx_with_only_blank_sheets_is_empty_and_a_wrong_header_names_the_sheet():
    with pytest.raises(ImportRejected, match="1处错误") as refused:
        read_rows(_xlsx(("Sheet1", []), ("Sheet2", [])), "x.xlsx", ["姓名", "区划代码"])
    assert "文件为空" in refused.value.report()
    with pytest.raises(ImportRejected) as refused:
        read_rows(_xlsx(("Sheet1", []), ("名单", [["名字", "区划"]])), "x.xlsx", ["姓名", "区划代码"])
    assert "表头应为“姓名,区划代码”,实际为“名字,区划”(工作表“名单”)" in refused.value.report()


# -- full-width input ---------------------------------------------------------------------

def test_full_width_digits_and_letters_are_read_as_half_width():
    assert normalise("３３０８０２") == "330802"
    assert normalise("Ｈ００１") == "H001"
    assert normalise("１２３．４５") == "123.45"
    assert normalise("２０２０－０１－０１") == "2020-01-01"
    assert normalise("衢州市人民医院（本部）") == "衢州市人民医院（本部）"  # names keep their text


def test_a_full_width_row_imports_like_a_half_width_one(regions):
    wide = ZHANG.translate(FULL)
    data = csv(DOCTORS_HEADER,
               f"张三,{wide},{'110330802000011'.translate(FULL)},执业医师,Ｈ００１,市人民医院,３３０８０２,"
               "２０２０－０１－０１,2020-12-31")
    assert import_file(kind="doctors", data=data, filename="doctors.csv")["doctors"] == 1
    doctor = Doctor.objects.get()
    assert doctor.resident_id == ZHANG and doctor.certificate_number == "110330802000011"
    assert Institution.objects.get().code == "H001"


def test_a_full_width_value_still_wrong_says_so(regions):
    bad = (ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")).translate(FULL)
    data = csv(DOCTORS_HEADER,
               f"张三,{bad},110330802000011,执业医师,H001,市人民医院,330802,2020-01-01,2020-12-31",
               f"李四,{ZHANG},110330802000012,执业医师,H001,市人民医院,３３０８０２号,2020-01-01,2020-12-31")
    with pytest.raises(ImportRejected) as refused:
        import_file(kind="doctors", data=data, filename="doctors.csv")
    first, second = (str(e) for e in refused.value.errors)
    assert first.startswith("第2行“公民身份号码”列:") and "全角" in first and "半角" in first
    assert second.startswith("第3行“区划代码”列:") and "含全角字符“３０８２”" in second
