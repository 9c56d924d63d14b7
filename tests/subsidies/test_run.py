"""The monthly run (衢政办发〔2020〕20号 六): set-based, idempotent, locked once approved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from apps.core.models import AuditEvent
from apps.subsidies import services
from apps.subsidies.models import (
    LocalStandard,
    RollLine,
    RunStatus,
    SubsidyRun,
    University,
    UniversityLine,
)

from .conftest import JUNE

D = Decimal
JULY = dt.date(2020, 7, 1)


@pytest.fixture
def june(standards, set_index):
    return set_index(JUNE, "3.6", "11.1")


def line(run, beneficiary):
    return RollLine.objects.get(run=run, beneficiary=beneficiary)


def test_dibao_person_is_paid_rate_times_two_times_standard(june, person):
    b = person("330802", "urban", "dibao")
    run = services.run_compute(month=JUNE)
    assert run.triggered and run.rate == D("3.6")
    assert line(run, b).amount == D("55.80")
    assert line(run, b).department == "minzheng"


def test_rural_person_uses_the_rural_standard(june, person):
    b = person("330881", "rural", "dibao")
    run = services.run_compute(month=JUNE)
    assert (line(run, b).standard, line(run, b).amount) == (D("700"), D("50.40"))


def test_person_in_two_categories_is_paid_once_under_the_higher(june, person):
    b = person("330802", "urban", "dibao", "unemployment")
    run = services.run_compute(month=JUNE)
    assert RollLine.objects.filter(run=run, beneficiary=b).count() == 1
    assert (line(run, b).category, line(run, b).amount) == ("unemployment", D("58.32"))
    assert line(run, b).department == "renshe"


def test_edge_person_gets_half_the_dibao_amount(june, person):
    b = person("330803", "urban", "edge")
    assert line(services.run_compute(month=JUNE), b).amount == D("27.90")


def test_veteran_is_paid_by_veterans_affairs(june, person):
    b = person("330824", "rural", "youfu")
    assert line(services.run_compute(month=JUNE), b).department == "tuiyi"


def test_floor_applies_in_the_run(standards, set_index, person, regions):
    LocalStandard.objects.create(region=regions["330822"], from_month=JUNE, urban_dibao=D("250"),
                                 rural_dibao=D("250"), unemployment=D("500"))
    set_index(JUNE, "3.0", "0")
    b = person("330822", "rural", "dibao")
    assert line(services.run_compute(month=JUNE), b).amount == D("18.00")


def test_standard_changing_mid_year_applies_from_its_month(standards, set_index, person, regions):
    LocalStandard.objects.create(region=regions["330802"], from_month=JULY, urban_dibao=D("810"),
                                 rural_dibao=D("810"), unemployment=D("1620"))
    set_index(JUNE, "3.6", "11.1")
    set_index(JULY, "3.6", "11.1")
    b = person("330802", "urban", "dibao")
    assert line(services.run_compute(month=JUNE), b).amount == D("55.80")
    assert line(services.run_compute(month=JULY), b).amount == D("58.32")  # 3.6 % × 2 × 810


def test_enrolment_outside_the_month_is_not_paid(june, person):
    ended = person("330802", "urban", "dibao", to_month=dt.date(2020, 5, 1))
    later = person("330802", "urban", "dibao", from_month=JULY)
    run = services.run_compute(month=JUNE)
    assert not RollLine.objects.filter(run=run, beneficiary__in=[ended, later]).exists()


def test_month_not_triggered_records_the_index_values(standards, set_index, person):
    set_index(JUNE, "2.9", "5.9")
    person("330802", "urban", "dibao")
    run = services.run_compute(month=JUNE)
    assert not run.triggered and run.rate is None and run.persons == 0
    assert (run.scpi, run.cpi_food) == (D("2.9"), D("5.9"))
    assert "not triggered" in run.snapshot["decision"]
    assert not RollLine.objects.filter(run=run).exists()


def test_food_trigger_pays_at_three_percent(standards, set_index, person):
    set_index(JUNE, "2.9", "6.0")
    b = person("330802", "urban", "dibao")
    run = services.run_compute(month=JUNE)
    assert run.rate == D("3.00") and line(run, b).amount == D("46.50")


def test_universities_get_students_times_half_the_urban_amount(june, regions):
    from apps.core.services import organisation_resolve

    University.objects.create(organisation=organisation_resolve("衢州学院"),
                              region=regions["330802"], students=10000)
    run = services.run_compute(month=JUNE)
    u = UniversityLine.objects.get(run=run)
    assert (u.school, u.per_student, u.amount) == ("衢州学院", D("27.90"), D("279000.00"))


def test_rerunning_a_draft_replaces_it(june, person):
    b = person("330802", "urban", "dibao")
    first = services.run_compute(month=JUNE)
    second = services.run_compute(month=JUNE)
    assert first.pk == second.pk
    assert RollLine.objects.filter(beneficiary=b).count() == 1
    assert SubsidyRun.objects.filter(month=JUNE).count() == 1


def test_database_refuses_a_second_line_for_the_same_person(june, person):
    b = person("330802", "urban", "dibao")
    run = services.run_compute(month=JUNE)
    existing = line(run, b)
    with pytest.raises(IntegrityError), transaction.atomic():
        RollLine.objects.create(run=run, month=JUNE, sequence=0, beneficiary=b,
                                category="edge", department="minzheng", region=existing.region,
                                residence="urban", standard=D("775"), amount=D("27.90"))


def test_database_refuses_a_second_regular_run(june):
    run = services.run_compute(month=JUNE)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubsidyRun.objects.create(month=JUNE, sequence=0, policy=run.policy, triggered=False,
                                  scpi=0, cpi_food=0)


def test_snapshot_freezes_index_policy_and_standards(june, person):
    person("330802", "urban", "dibao")
    run = services.run_compute(month=JUNE)
    assert run.snapshot["index"]["scpi"] == "3.60"
    assert run.snapshot["policy"]["floor"] == "18.00"
    assert run.snapshot["standards"]["330802"]["urban_dibao"] == "775.00"
    assert run.snapshot["enrolments_in_force"] == {"dibao": 1}
    assert run.rates.filter(region__code="330802", residence="urban", category="dibao").get().amount == D("55.80")


def test_run_writes_one_run_level_audit_event(june, person):
    """One entry per computation (issue 13 §4): the step on the run, with the counts."""
    person("330802", "urban", "dibao")
    run = services.run_compute(month=JUNE)
    event = AuditEvent.objects.get(action__in=["step", "bulk"])
    assert (event.action, event.model, event.object_id) == ("step", "subsidies.SubsidyRun", str(run.pk))
    assert event.changes["counts"]["persons"] == 1


def test_missing_standard_stops_the_run_with_the_region_named(set_index, person):
    set_index(JUNE, "3.6", "11.1")
    person("330802", "urban", "dibao")
    with pytest.raises(services.SubsidyError, match="柯城区"):
        services.run_compute(month=JUNE)


def test_month_before_the_policy_is_refused(standards, set_index):
    set_index(dt.date(2020, 1, 1), "5", "20")
    with pytest.raises(services.SubsidyError, match="2020-02-13"):
        services.run_compute(month=dt.date(2020, 1, 1))


def test_february_2020_is_covered_from_the_13th(standards, set_index, person):
    set_index(dt.date(2020, 2, 1), "5.0", "20")
    person("330802", "urban", "dibao")
    assert services.run_compute(month=dt.date(2020, 2, 1)).persons == 1


def approve(run, make_staff):
    preparer = make_staff("preparer", "民政")
    approver = make_staff("approver", "发改委")
    services.run_submit(run=run, by=preparer)
    return services.run_approve(run=run, by=approver)


def test_approved_month_is_locked_and_a_late_enrolment_goes_into_an_adjustment(
        june, person, make_staff):
    first = person("330802", "urban", "dibao")
    run = approve(services.run_compute(month=JUNE), make_staff)
    late = person("330803", "rural", "dibao")
    adjustment = services.run_compute(month=JUNE)
    assert adjustment.sequence == 1 and adjustment.pk != run.pk
    assert list(RollLine.objects.filter(run=adjustment).values_list("beneficiary", "amount")) == [
        (late.pk, D("55.80"))]
    assert line(run, first).amount == D("55.80")  # the approved roll is untouched
    assert RollLine.objects.filter(run=run).count() == 1


def test_changed_standard_after_approval_pays_the_difference(june, person, make_staff, regions):
    b = person("330802", "urban", "dibao")
    approve(services.run_compute(month=JUNE), make_staff)
    standard = LocalStandard.objects.get(region=regions["330802"])
    standard.urban_dibao = D("810")
    standard.save()
    adjustment = services.run_compute(month=JUNE)
    assert line(adjustment, b).amount == D("2.52")  # 58.32 − 55.80


def test_enrolment_withdrawn_after_approval_is_reclaimed(june, person, make_staff):
    b = person("330802", "urban", "dibao")
    approve(services.run_compute(month=JUNE), make_staff)
    b.enrolments.update(to_month=dt.date(2020, 5, 1))
    assert line(services.run_compute(month=JUNE), b).amount == D("-55.80")


def test_rerun_after_approval_with_no_change_pays_nothing_more(june, person, make_staff):
    """Issue 13 §4: nothing to correct creates no (empty) adjustment roll; it says 无变化."""
    person("330802", "urban", "dibao")
    approve(services.run_compute(month=JUNE), make_staff)
    for _ in range(2):
        with pytest.raises(services.NoChange, match="无变化"):
            services.run_compute(month=JUNE)
    assert list(SubsidyRun.objects.values_list("sequence", flat=True)) == [0]


def test_submitted_run_cannot_be_recomputed(june, person, make_staff):
    run = services.run_compute(month=JUNE)
    services.run_submit(run=run, by=make_staff("p", "民政"))
    with pytest.raises(services.SubsidyError, match="已提交"):
        services.run_compute(month=JUNE)
    assert SubsidyRun.objects.get(pk=run.pk).status == RunStatus.SUBMITTED
