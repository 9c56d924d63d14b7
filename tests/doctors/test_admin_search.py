"""Deductions list search at scale (issue 13 §1): a doctor's name or certificate number goes
through the doctors, the case number (案件编号, arts. 17–20: one deduction per occurrence) is
matched exactly — same rows as before, without a LIKE over every joined deduction; and the
doctors lists scope a county user by a semi-join (each doctor once, no DISTINCT)."""

import datetime as dt

import pytest

from apps.doctors import services
from apps.doctors.models import ViolationItem

D = dt.date
pytestmark = pytest.mark.django_db
URL = "/admin/doctors/pointdeduction/"


@pytest.fixture
def two_doctors(make_doctor, kecheng_hospital, jiangshan_hospital):
    ke = make_doctor("柯城医生", institutions=[kecheng_hospital])
    js = make_doctor("江山医生", institutions=[jiangshan_hospital])
    item = ViolationItem.objects.get(code="18.1")
    for doctor, hospital, case in [(ke, kecheng_hospital, "KC-2020-7"), (js, jiangshan_hospital, "JS-2020-9")]:
        services.deduction_record(doctor=doctor, institution=hospital, item=item,
                                  violation_date=D(2020, 9, 1), notice_date=D(2020, 9, 10),
                                  case_number=case)
    return ke, js


def _shown(client, term):
    response = client.get(URL, {"q": term})
    assert response.status_code == 200
    page = response.content.decode()
    return {name for name in ("柯城医生", "江山医生") if name in page}


def test_search_by_name_certificate_and_case_number(client, yibao_user, two_doctors):
    ke, js = two_doctors
    client.force_login(yibao_user)
    assert _shown(client, "柯城") == {"柯城医生"}
    assert _shown(client, js.certificate_number[-6:]) == {"江山医生"}  # part of the number
    assert _shown(client, "JS-2020-9") == {"江山医生"}  # the whole case number
    assert _shown(client, "JS-2020") == set()  # a case number is matched exactly
    assert _shown(client, "医生") == {"柯城医生", "江山医生"}


def test_a_county_user_searches_only_its_county(client, make_staff, two_doctors):
    user = make_staff("kc_yibao_search", "医保", region_code="330802")
    client.force_login(user)
    assert _shown(client, "医生") == {"柯城医生"}
    assert _shown(client, "JS-2020-9") == set()


def test_a_doctor_with_two_counties_is_listed_once(client, make_staff, make_doctor, kecheng_hospital,
                                                   jiangshan_hospital):
    make_doctor("两地医生", institutions=[kecheng_hospital, jiangshan_hospital])
    make_doctor("单地医生", institutions=[kecheng_hospital])  # a row's name shows as often
    for user in (make_staff("city_yibao_once", "医保"),
                 make_staff("kc_yibao_once", "医保", region_code="330802")):
        client.force_login(user)
        for query in ({}, {"region": kecheng_hospital.region_id}, {"institution": kecheng_hospital.pk}):
            page = client.get("/admin/doctors/doctor/", query).content.decode()
            assert page.count("两地医生") == page.count("单地医生") > 0, (user.username, query)


AGREEMENTS = "/admin/doctors/agreement/"


@pytest.mark.parametrize("term", ["柯城", "医生", "江山市人民医院", "人民医院", "柯城 人民医院",
                                  "柯城 江山市", '"柯城医生"', "无此人"])
def test_agreement_search_is_the_default_search_by_semi_joins(rf, yibao_user, two_doctors, term):
    """The agreements list finds by 姓名, 执业证号 or 机构名称, each word in any of them — the
    rows Django's own join-and-LIKE search finds (issue 13 §1), e.g. "柯城 江山市" only a
    柯城 doctor practising in 江山 (none)."""
    from django.contrib import admin as django_admin

    from apps.doctors.models import Agreement

    model_admin = django_admin.site._registry[Agreement]
    request = rf.get(AGREEMENTS, {"q": term})
    request.user = yibao_user
    queryset = model_admin.get_queryset(request)
    ours, _ = model_admin.get_search_results(request, queryset, term)
    django_default, _ = django_admin.ModelAdmin.get_search_results(model_admin, request, queryset, term)
    assert set(ours.values_list("pk", flat=True)) == set(django_default.values_list("pk", flat=True))


def test_agreement_search_page_by_doctor_and_certificate(client, yibao_user, two_doctors):
    ke, js = two_doctors
    client.force_login(yibao_user)
    for term, shown in [("柯城医生", {"柯城医生"}), (js.certificate_number, {"江山医生"}),
                        ("江山市人民医院", {"江山医生"}), ("医生", {"柯城医生", "江山医生"})]:
        response = client.get(AGREEMENTS, {"q": term})
        assert response.status_code == 200
        page = response.content.decode()
        assert {name for name in ("柯城医生", "江山医生") if name in page} == shown, term
