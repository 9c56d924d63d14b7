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


# --- issue 13 §1: the set-based filter (``agreements_in_status``) against the references ------


@pytest.fixture
def edge_population(population, make_doctor, kecheng_hospital, jiangshan_hospital, deduct, regions):
    """The population plus the boundaries the event-driven sets must get right."""
    from apps.doctors.models import Institution

    # Art. 23: only the latest grade counts — D then B (no longer revoked), and two grades on
    # one day where the later-recorded one (D) wins.
    regraded = make_doctor("D级后改B级", institutions=[kecheng_hospital])
    services.credit_grade_set(doctor=regraded, grade=CreditGrade.Grade.D, effective_date=D(2020, 7, 1))
    services.credit_grade_set(doctor=regraded, grade=CreditGrade.Grade.B, effective_date=D(2020, 9, 1))
    same_day = make_doctor("同日两级", institutions=[kecheng_hospital])
    services.credit_grade_set(doctor=same_day, grade=CreditGrade.Grade.A, effective_date=D(2020, 8, 1))
    services.credit_grade_set(doctor=same_day, grade=CreditGrade.Grade.D, effective_date=D(2020, 8, 1))
    # Art. 14: an institution terminated and resumed before the agreement began does not end
    # it; one terminated mid-period (without resumption) does, from that day.
    reopened = Institution.objects.create(code="H330824001", name="开化县人民医院", region=regions["330824"])
    services.institution_event_record(institution=reopened, kind=InstitutionEvent.Kind.TERMINATED,
                                      effective_date=D(2019, 6, 1))
    services.institution_event_record(institution=reopened, kind=InstitutionEvent.Kind.RESUMED,
                                      effective_date=D(2019, 7, 1))
    make_doctor("机构此前解除", institutions=[reopened])
    closing = Institution.objects.create(code="H330825001", name="龙游县人民医院", region=regions["330825"])
    make_doctor("机构期中解除", institutions=[closing, kecheng_hospital])
    services.institution_event_record(institution=closing, kind=InstitutionEvent.Kind.TERMINATED,
                                      effective_date=D(2020, 10, 12))
    # Art. 21: a termination whose deduction is voided no longer ends the agreement.
    voided = make_doctor("解除后作废", institutions=[jiangshan_hospital])
    wrong = deduct(voided, jiangshan_hospital, "17.1", D(2020, 8, 6))
    services.deduction_void(deduction=wrong, reason="录入错误", voided_on=D(2020, 8, 20))
    # Arts. 21–22: a suspension ending on its 期满日 with and without a restore application.
    _nine(make_doctor("期满未申请", institutions=[kecheng_hospital]), kecheng_hospital, deduct, D(2020, 10, 12))
    applied = _nine(make_doctor("期满已申请", institutions=[kecheng_hospital]), kecheng_hospital, deduct,
                    D(2020, 10, 13))
    services.restore_apply(consequence=applied, applied_on=selectors.restore_window(applied)[1].date)
    # Two periods at one institution covering the same day: the earlier-begun is current, and
    # its termination is the doctor's status there even though the later one is untouched.
    twice = make_doctor("重叠协议", institutions=[kecheng_hospital], start=D(2020, 1, 1), end=D(2020, 12, 31))
    Agreement.objects.create(doctor=twice, institution=kecheng_hospital, start=D(2020, 6, 1),
                             end=D(2021, 5, 31))
    services.agreement_notice_to_end(agreement=twice.agreements.get(start=D(2020, 1, 1)),
                                     given_on=D(2020, 8, 3))
    return Doctor.objects.all()


def _event_dates() -> list[dt.date]:
    """Every date an event row changes a status, with the day on the other side of it.

    ``agreement_state`` changes a status *on* each ``effective_date``, ``start`` and a
    suspension's ``end_date`` (``on < end_date``), and the day *after* an agreement's ``end``
    (``on > end``). A set-based filter off by one day at such a change disagrees with the
    reference on the day before it or on it (a change day d: d-1 and d; after ``end``: end and
    end+1), so those two days are checked; the third day (d+1 after a change on d) lies inside
    the same stretch as d and adds nothing another check does not already see."""
    from apps.doctors.models import AgreementEvent, Consequence

    days: set[dt.date] = set()
    for model, fields in [(CreditGrade, ["effective_date"]), (InstitutionEvent, ["effective_date"]),
                          (AgreementEvent, ["effective_date"]),
                          (Consequence, ["effective_date", "end_date"]),
                          (Agreement, ["start", "end"])]:
        for field in fields:
            around = (0, 1) if (model, field) == (Agreement, "end") else (-1, 0)
            days.update(v + dt.timedelta(days=k) for v in model.objects.values_list(field, flat=True)
                        if v for k in around)
    return sorted(days)


def test_the_event_driven_sets_equal_both_references_on_every_event_date(edge_population):
    """``doctors_with_status`` and ``agreements_in_status`` against ``agreements_with_status``
    (the SQL reference) and ``agreement_state`` (row by row), on each day around each event."""
    doctors = list(edge_population)
    days = _event_dates()
    assert len(days) > 30
    seen = set()
    for on in days:
        states = [(d.name, selectors.agreement_state(a, on).status)
                  for d in doctors for a in selectors.current_agreements(d, on)]
        by_rows = {status: {name for name, s in states if s == status} for status in selectors.LABELS}
        for status in selectors.LABELS:
            reference = selectors.agreements_with_status(on).filter(status=status)
            assert (set(selectors.agreements_in_status(on, status).values_list("pk", flat=True))
                    == set(reference.values_list("pk", flat=True))), (status, on)
            found = {d.name for d in selectors.doctors_with_status(Doctor.objects.all(), status=status, on=on)}
            assert found == by_rows[status], (status, on)
            seen |= {(status, name) for name in found}
    # The boundaries were exercised, not vacuously equal.
    assert {("active", "D级后改B级"), ("terminated", "D级后改B级"), ("terminated", "同日两级"),
            ("active", "机构此前解除"), ("terminated", "机构期中解除"), ("active", "机构期中解除"),
            ("active", "解除后作废"), ("suspended", "期满未申请"), ("active", "期满已申请"),
            ("terminated", "重叠协议")} <= seen


def test_known_boundaries(edge_population):
    """Hand-derived from the policy: art. 22 (the 期满日 decides), art. 23 (latest grade),
    art. 14 (an institution ended mid-period ends its doctors' agreements there)."""

    def names(status, on):
        return {d.name for d in selectors.doctors_with_status(Doctor.objects.all(), status=status, on=on)}

    applied = selectors.active_consequences(Doctor.objects.get(name="期满已申请")).get(kind="suspension")
    end = applied.end_date
    # The day before the 期满日 both are suspended; from it only the one without an application.
    assert {"期满未申请", "期满已申请"} <= names("suspended", end - dt.timedelta(days=1))
    assert "期满已申请" in names("active", end) and "期满已申请" not in names("suspended", end)
    assert "D级后改B级" in names("terminated", D(2020, 8, 31))
    assert "D级后改B级" in names("active", D(2020, 9, 1))
    assert "同日两级" in names("terminated", D(2020, 8, 1))
    assert "机构期中解除" in names("active", D(2020, 10, 11))
    assert "机构期中解除" not in names("terminated", D(2020, 10, 11))
    assert {"机构期中解除"} <= names("terminated", D(2020, 10, 12)) & names("active", D(2020, 10, 12))
    assert "解除后作废" in names("active", D(2020, 9, 1))
    assert "重叠协议" in names("terminated", D(2020, 9, 1))
    assert "重叠协议" not in names("active", D(2020, 9, 1))
