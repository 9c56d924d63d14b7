"""The admin "status today" filter is one set-based query and agrees with the per-agreement
derivation (arts. 14, 21–23) for every kind of state."""

import datetime as dt

import pytest

from apps.doctors import selectors, services
from apps.doctors.models import Agreement, CreditGrade, Doctor, InstitutionEvent

D = dt.date
pytestmark = pytest.mark.django_db


def _nine(doctor, hospital, deduct, notice):
    for i, code in enumerate(["18.1", "19.1", "20.1"]):
        deduct(doctor, hospital, code, notice, violation=notice - dt.timedelta(days=i + 1))
    return selectors.active_consequences(doctor).get(kind="suspension")


@pytest.fixture
def population(make_doctor, kecheng_hospital, jiangshan_hospital, deduct, regions):
    from apps.doctors.models import Institution

    paused = Institution.objects.create(code="H330803001", name="衢江区人民医院", region=regions["330803"])
    closed = Institution.objects.create(code="H330822001", name="常山县人民医院", region=regions["330822"])
    make_doctor("正常", institutions=[kecheng_hospital])
    _nine(make_doctor("暂停中", institutions=[kecheng_hospital]), kecheng_hospital, deduct, D(2020, 9, 10))
    _nine(make_doctor("未申请恢复", institutions=[kecheng_hospital]), kecheng_hospital, deduct, D(2020, 8, 10))
    resumed = make_doctor("已恢复", institutions=[kecheng_hospital])
    s = _nine(resumed, kecheng_hospital, deduct, D(2020, 8, 10))
    services.restore_apply(consequence=s, applied_on=D(2020, 9, 8))
    terminated = make_doctor("已解除", institutions=[jiangshan_hospital])
    deduct(terminated, jiangshan_hospital, "17.1", D(2020, 8, 6))
    grade_d = make_doctor("D级", institutions=[kecheng_hospital])
    services.credit_grade_set(doctor=grade_d, grade=CreditGrade.Grade.D, effective_date=D(2020, 7, 1))
    make_doctor("两地执业", institutions=[kecheng_hospital, paused])
    services.institution_event_record(institution=paused, kind=InstitutionEvent.Kind.SUSPENDED,
                                      effective_date=D(2020, 9, 1))
    gone = make_doctor("机构解除后恢复", institutions=[jiangshan_hospital])
    Agreement.objects.filter(doctor=gone).update(institution=closed)
    services.institution_event_record(institution=closed, kind=InstitutionEvent.Kind.TERMINATED,
                                      effective_date=D(2020, 3, 1))
    services.institution_event_record(institution=closed, kind=InstitutionEvent.Kind.RESUMED,
                                      effective_date=D(2020, 4, 1))
    leaving = make_doctor("提前解除", institutions=[kecheng_hospital])
    services.agreement_notice_to_end(agreement=leaving.agreements.get(), given_on=D(2020, 8, 3))
    renewed = make_doctor("已续签", institutions=[kecheng_hospital], start=D(2019, 1, 1), end=D(2019, 12, 31))
    services.agreement_create(doctor=renewed, institution=kecheng_hospital, start=D(2020, 1, 1),
                              end=D(2020, 12, 31))
    make_doctor("已期满", institutions=[kecheng_hospital], start=D(2019, 1, 1), end=D(2019, 12, 31))
    make_doctor("未开始", institutions=[kecheng_hospital], start=D(2021, 1, 1), end=D(2021, 12, 31))
    return Doctor.objects.all()


def _by_rows(doctors, status, on):
    return {d.name for d in doctors if any(selectors.agreement_state(a, on).status == status
                                           for a in selectors.current_agreements(d, on))}


@pytest.mark.parametrize("on", [D(2020, 5, 1), D(2020, 7, 2), D(2020, 8, 20), D(2020, 9, 15),
                                D(2020, 10, 12), D(2021, 1, 5)])
@pytest.mark.parametrize("status", ["active", "suspended", "terminated"])
def test_the_set_query_agrees_with_the_row_by_row_derivation(population, status, on):
    found = {d.name for d in selectors.doctors_with_status(Doctor.objects.all(), status=status, on=on)}
    assert found == _by_rows(population, status, on)


def test_known_states_on_15_september_2020(population):
    on = D(2020, 9, 15)

    def names(status):
        return {d.name for d in selectors.doctors_with_status(Doctor.objects.all(), status=status, on=on)}

    assert names("suspended") == {"暂停中", "未申请恢复", "两地执业"}
    assert names("terminated") == {"已解除", "D级", "机构解除后恢复", "提前解除", "已期满"}
    assert names("active") == {"正常", "已恢复", "两地执业", "已续签"}


def test_the_filter_is_one_query_however_many_doctors(population, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(selectors.doctors_with_status(Doctor.objects.all(), status="suspended", on=D(2020, 9, 15)))
