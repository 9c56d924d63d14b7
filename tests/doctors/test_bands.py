"""Art. 21 bands: 6 → interview, 9–11 → suspend all 1–3 months, 12 → terminate + 1-year ban."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.doctors import selectors, services
from apps.doctors.models import Consequence

D = dt.date
pytestmark = pytest.mark.django_db


def kinds(doctor):
    return sorted(selectors.active_consequences(doctor).values_list("kind", flat=True))


def test_five_points_bring_no_consequence_the_sixth_calls_an_interview(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "19.4", D(2020, 8, 3))
    deduct(doctor, kecheng_hospital, "19.5", D(2020, 8, 10))
    deduct(doctor, kecheng_hospital, "20.1", D(2020, 8, 17))
    assert selectors.year_points(doctor=doctor, year=2020) == 5
    assert kinds(doctor) == []
    deduct(doctor, kecheng_hospital, "20.2", D(2020, 9, 1))
    interview = selectors.active_consequences(doctor).get()
    assert interview.kind == Consequence.Kind.INTERVIEW
    assert interview.effective_date == D(2020, 9, 1)  # the notice date of the 6th point
    assert selectors.doctor_standing(doctor=doctor, on=D(2020, 9, 1))["interview_due"] is True
    assert selectors.doctor_standing(doctor=doctor, on=D(2020, 8, 31))["interview_due"] is False


def test_eight_points_keep_the_agreement_the_ninth_suspends_every_agreement(
        make_doctor, kecheng_hospital, jiangshan_hospital, deduct):
    doctor = make_doctor(institutions=[kecheng_hospital, jiangshan_hospital])
    for i, code in enumerate(["19.1", "19.2", "19.3", "19.4"]):
        deduct(doctor, kecheng_hospital, code, D(2020, 8, 4 + i))
    assert selectors.year_points(doctor=doctor, year=2020) == 8
    assert kinds(doctor) == ["interview"]
    deduct(doctor, jiangshan_hospital, "20.3", D(2020, 9, 10))
    suspension = selectors.active_consequences(doctor).get(kind="suspension")
    assert (suspension.months, suspension.effective_date, suspension.end_date) == (
        1, D(2020, 9, 10), D(2020, 10, 10))
    standing = selectors.doctor_standing(doctor=doctor, on=D(2020, 9, 10))
    assert [a["status"] for a in standing["agreements"]] == ["suspended", "suspended"]
    assert standing["agreements"][0]["until"] == "2020-10-10"
    assert standing["points_left"] == 3
    before = selectors.doctor_standing(doctor=doctor, on=D(2020, 9, 9))
    assert [a["status"] for a in before["agreements"]] == ["active", "active"]


@pytest.mark.parametrize(("codes", "points", "months"), [
    (["18.1", "19.1", "20.1"], 9, 1),
    (["18.1", "19.1", "19.2"], 10, 2),
    (["19.1", "19.2", "20.1", "18.1"], 11, 3),  # 5 points, then a 6-point item reaches 11
])
def test_proposed_suspension_length_follows_the_points_reaching_the_band(
        doctor, kecheng_hospital, deduct, codes, points, months):
    for i, code in enumerate(codes):
        deduct(doctor, kecheng_hospital, code, D(2020, 8, 3 + i))
    suspension = selectors.active_consequences(doctor).get(kind="suspension")
    assert (suspension.points_at_trigger, suspension.months) == (points, months)
    assert suspension.effective_date == D(2020, 8, 3 + len(codes) - 1)


def test_eleven_points_reaching_the_band_at_once_propose_three_months(make_doctor, kecheng_hospital,
                                                                     deduct):
    # Deducted in 2021 too: the agreement must cover it (art. 2, issue 10 item 8).
    doctor = make_doctor(institutions=[kecheng_hospital], end=D(2021, 12, 31))
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 8, 3))  # 2
    deduct(doctor, kecheng_hospital, "20.1", D(2020, 8, 4))  # 3
    deduct(doctor, kecheng_hospital, "18.2", D(2020, 8, 5))  # 9 → 1 month
    assert selectors.active_consequences(doctor).get(kind="suspension").months == 1
    other = doctor  # same doctor, a fresh year: 5 then 6 more → 11 at once
    deduct(other, kecheng_hospital, "19.1", D(2021, 2, 3), violation=D(2021, 2, 1))
    deduct(other, kecheng_hospital, "19.2", D(2021, 2, 3), violation=D(2021, 2, 2))
    deduct(other, kecheng_hospital, "20.1", D(2021, 2, 4))
    deduct(other, kecheng_hospital, "18.1", D(2021, 2, 5))
    s2021 = selectors.active_consequences(doctor).get(kind="suspension", year=2021)
    assert (s2021.points_at_trigger, s2021.months, s2021.end_date) == (11, 3, D(2021, 5, 5))


def test_eleven_to_twelve_terminates_every_agreement_with_a_one_year_ban(
        make_doctor, kecheng_hospital, jiangshan_hospital, deduct):
    doctor = make_doctor(institutions=[kecheng_hospital, jiangshan_hospital])
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 8, 3))  # 6
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 8, 4))  # 8
    deduct(doctor, kecheng_hospital, "19.2", D(2020, 8, 5))  # 10
    deduct(doctor, jiangshan_hospital, "20.1", D(2020, 8, 6))  # 11
    assert kinds(doctor) == ["interview", "suspension"]
    deduct(doctor, jiangshan_hospital, "20.2", D(2020, 9, 7))  # 12
    termination = selectors.active_consequences(doctor).get(kind="termination")
    assert termination.rule == Consequence.Rule.BAND_12
    assert (termination.effective_date, termination.ban_until) == (D(2020, 9, 7), D(2021, 9, 6))
    standing = selectors.doctor_standing(doctor=doctor, on=D(2020, 9, 7))
    assert {a["status"] for a in standing["agreements"]} == {"terminated"}
    assert standing["points_left"] == 0 and standing["ban_until"] == "2021-09-06"
    with pytest.raises(ValidationError, match="2021年9月6日"):
        services.agreement_create(doctor=doctor, institution=kecheng_hospital,
                                  start=D(2021, 1, 1), end=D(2021, 12, 31))


def test_a_single_twelve_point_item_terminates_with_a_proposed_one_year_ban(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "17.2", D(2020, 8, 3))
    c = selectors.active_consequences(doctor).get()
    assert (c.kind, c.rule, c.ban_years, c.ban_until) == ("termination", "single12", 1, D(2021, 8, 2))
    services.consequence_adjust(consequence=c, ban_years=5, reason="骗取医保基金金额巨大")
    c.refresh_from_db()
    assert c.ban_until == D(2025, 8, 2)
    with pytest.raises(ValidationError, match="1至5年"):
        services.consequence_adjust(consequence=c, ban_years=6, reason="x")


def test_band_twelve_ban_is_one_year_and_cannot_be_lengthened(doctor, kecheng_hospital, deduct):
    for i, code in enumerate(["18.1", "18.2"]):
        deduct(doctor, kecheng_hospital, code, D(2020, 8, 3 + i))
    c = selectors.active_consequences(doctor).get(kind="termination")
    assert c.rule == "band12"
    with pytest.raises(ValidationError):
        services.consequence_adjust(consequence=c, ban_years=3, reason="情节严重")


def test_staff_may_set_one_to_three_months_with_a_reason(doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 8, 3))
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 8, 4))
    deduct(doctor, kecheng_hospital, "20.1", D(2020, 8, 5))
    c = selectors.active_consequences(doctor).get(kind="suspension")
    with pytest.raises(ValidationError, match="理由"):
        services.consequence_adjust(consequence=c, months=3, reason=" ")
    with pytest.raises(ValidationError, match="1至3个月"):
        services.consequence_adjust(consequence=c, months=4, reason="情节较重")
    services.consequence_adjust(consequence=c, months=3, reason="情节较重")
    c.refresh_from_db()
    assert (c.months, c.end_date, c.adjusted_reason) == (3, D(2020, 11, 5), "情节较重")


def test_a_multi_site_doctor_across_two_regions_has_one_score(
        make_doctor, kecheng_hospital, jiangshan_hospital, deduct):
    doctor = make_doctor(institutions=[kecheng_hospital, jiangshan_hospital])
    deduct(doctor, kecheng_hospital, "18.3", D(2020, 8, 6))  # 柯城区 6
    deduct(doctor, jiangshan_hospital, "19.6", D(2020, 9, 8))  # 江山市 +2 = 8
    deduct(doctor, jiangshan_hospital, "20.5", D(2020, 9, 9))  # +1 = 9
    assert kecheng_hospital.region.code != jiangshan_hospital.region.code
    assert selectors.year_points(doctor=doctor, year=2020) == 9
    assert kinds(doctor) == ["interview", "suspension"]
    standing = selectors.doctor_standing(doctor=doctor, on=D(2020, 9, 9))
    assert [a["institution"] for a in standing["agreements"]] == ["H330802001", "H330881001"]
    assert {a["status"] for a in standing["agreements"]} == {"suspended"}


def test_deductions_count_in_their_notice_year_and_each_year_starts_at_twelve(
        doctor, kecheng_hospital, deduct):
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 12, 30))
    assert selectors.doctor_standing(doctor=doctor, on=D(2020, 12, 31))["points_left"] == 6
    assert selectors.doctor_standing(doctor=doctor, on=D(2021, 1, 4))["points_left"] == 12


def test_nine_points_in_three_consecutive_years_terminate(make_doctor, kecheng_hospital, deduct):
    doctor = make_doctor(institutions=[kecheng_hospital], end=D(2022, 12, 31))
    for year in (2020, 2021):  # art. 29: in force from 2020-08-03
        deduct(doctor, kecheng_hospital, "18.1", D(year, 9, 2))
        deduct(doctor, kecheng_hospital, "19.1", D(year, 9, 3))
        deduct(doctor, kecheng_hospital, "20.1", D(year, 9, 4))
    assert selectors.active_consequences(doctor).filter(kind="suspension").count() == 2
    assert not selectors.active_consequences(doctor).filter(kind="termination").exists()
    deduct(doctor, kecheng_hospital, "18.1", D(2022, 3, 1))
    deduct(doctor, kecheng_hospital, "19.1", D(2022, 3, 2))
    deduct(doctor, kecheng_hospital, "20.1", D(2022, 3, 3))
    c = selectors.active_consequences(doctor).get(kind="termination")
    assert (c.rule, c.year, c.effective_date, c.ban_until) == ("three_years", 2022, D(2022, 3, 3),
                                                              D(2023, 3, 2))
    assert not selectors.active_consequences(doctor).filter(kind="suspension", year=2022).exists()


def test_eight_points_in_one_of_three_years_does_not_terminate(make_doctor, kecheng_hospital, deduct):
    doctor = make_doctor(institutions=[kecheng_hospital], end=D(2022, 12, 31))
    for year, last in ((2020, "20.1"), (2021, None), (2022, "20.1")):
        deduct(doctor, kecheng_hospital, "18.1", D(year, 9, 2))
        deduct(doctor, kecheng_hospital, "19.1", D(year, 9, 3))
        if last:
            deduct(doctor, kecheng_hospital, last, D(year, 9, 4))
    assert not selectors.active_consequences(doctor).filter(kind="termination").exists()
