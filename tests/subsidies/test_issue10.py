"""Issue 10 §2–6 (衢政办发〔2020〕20号): dated facts, one paying department per identity,
stale drafts, the overdue warning after payment, the month summary. Amounts hand-computed:

June/July 2020: SCPI 3.6 % (triggered, 三(一)); 柯城区 urban/rural 低保 775, 江山市 rural 700,
unemployment 1620 (conftest ``standards``). 四: 低保 amount = 3.6 % × 2 × 775 = 55.80;
江山 rural 3.6 % × 2 × 700 = 50.40; 失业保险金 = 3.6 % × 1620 = 58.32. 五: per student
55.80 × 50 % = 27.90.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core import resident_id
from apps.core.models import Notice
from apps.core.services import organisation_resolve
from apps.subsidies import imports, selectors, services
from apps.subsidies.models import (
    ALWAYS,
    Beneficiary,
    BeneficiaryFact,
    Enrolment,
    LocalStandard,
    PolicyVersion,
    RollLine,
    RunStatus,
    SubsidyRun,
    University,
    UniversityFact,
    UniversityLine,
)

from .conftest import JUNE

D = Decimal
JULY = dt.date(2020, 7, 1)
AUGUST = dt.date(2020, 8, 1)
ID1 = resident_id.compose("330802", dt.date(1960, 5, 1), 11)


@pytest.fixture
def indices(standards, set_index):
    set_index(JUNE, "3.6", "11.1")
    set_index(JULY, "3.6", "11.1")


def csv(*lines):
    return ("\n".join(lines) + "\n").encode()


def lines(run, beneficiary):
    return sorted(RollLine.objects.filter(run=run, beneficiary=beneficiary)
                  .values_list("department", "region__code", "amount"))


def approve(run, make_staff, suffix=""):
    services.run_submit(run=run, by=make_staff(f"preparer{suffix}", "民政"))
    return services.run_approve(run=run, by=make_staff(f"approver{suffix}", "发改委"))


# --- §2 facts carry the month they start ----------------------------------------------------


def test_a_move_from_july_never_reprices_june(indices):
    """四 当地现行标准: June is paid where the person lived in June (柯城 urban 775 → 55.80),
    July where they live from July (江山 rural 700 → 50.40)."""
    imports.import_file(kind="beneficiaries", from_month=JUNE, data=csv(
        "姓名,公民身份号码,区划代码,城乡,类别", f"张三,{ID1},330802,城镇,低保"), filename="a.csv")
    imports.import_file(kind="beneficiaries", data=csv(
        "姓名,公民身份号码,区划代码,城乡,类别,起始月份",
        f"张三,{ID1},330881,农村,低保,2020-07"), filename="b.csv")
    person = Beneficiary.objects.get()
    assert (person.region.code, person.residence) == ("330881", "rural")  # the latest values
    assert list(person.facts.order_by("from_month").values_list(
        "from_month", "region__code", "residence")) == [
        (JUNE, "330802", "urban"), (JULY, "330881", "rural")]
    june, july = services.run_compute(month=JUNE), services.run_compute(month=JULY)
    assert lines(june, person) == [("minzheng", "330802", D("55.80"))]
    assert lines(july, person) == [("minzheng", "330881", D("50.40"))]


def test_backdated_move_after_approval_moves_the_line_between_counties(indices, make_staff):
    """A move dated June, entered after June was approved: the adjustment reverses 柯城's
    55.80 and pays 江山's 50.40, so each county's roll stays true for June."""
    imports.import_file(kind="beneficiaries", from_month=JUNE, data=csv(
        "姓名,公民身份号码,区划代码,城乡,类别", f"张三,{ID1},330802,城镇,低保"), filename="a.csv")
    person = Beneficiary.objects.get()
    approve(services.run_compute(month=JUNE), make_staff)
    imports.import_file(kind="beneficiaries", from_month=JUNE, data=csv(
        "姓名,公民身份号码,区划代码,城乡,类别", f"张三,{ID1},330881,农村,低保"), filename="b.csv")
    adjustment = services.run_compute(month=JUNE)
    assert adjustment.sequence == 1
    assert lines(adjustment, person) == [("minzheng", "330802", D("-55.80")),
                                         ("minzheng", "330881", D("50.40"))]


def test_beneficiaries_default_to_the_current_month(indices):
    imports.import_file(kind="beneficiaries", data=csv(
        "姓名,公民身份号码,区划代码,城乡,类别", f"张三,{ID1},330802,城镇,低保"), filename="a.csv")
    this_month = timezone.localdate().replace(day=1)
    person = Beneficiary.objects.get()
    assert list(person.facts.values_list("from_month", flat=True)) == [this_month]
    assert list(person.enrolments.values_list("from_month", flat=True)) == [this_month]
    assert services.run_compute(month=JUNE).persons == 0  # not enrolled in June 2020


def test_bad_from_month_cell_is_a_bad_row(db, regions):
    with pytest.raises(imports.ImportRejected) as caught:
        imports.import_file(kind="beneficiaries", data=csv(
            "姓名,公民身份号码,区划代码,城乡,类别,起始月份", f"张三,{ID1},330802,城镇,低保,2020-13"),
            filename="a.csv")
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "起始月份")]
    assert not Beneficiary.objects.exists()


def test_wrong_headers_name_the_optional_column(db):
    with pytest.raises(imports.ImportRejected) as caught:
        imports.import_file(kind="universities", data=csv("学校,区划代码"), filename="u.csv")
    assert "可在最后加“起始月份”列" in caught.value.errors[0].message


def school_count(run):
    line = UniversityLine.objects.get(run=run)
    return line.students, line.per_student, line.amount


def test_a_new_term_applies_from_its_month(indices, regions):
    """五 按在校学生人数: 100 students in June (100 × 27.90 = 2790.00), 200 from July
    (200 × 27.90 = 5580.00); June is not repriced by the July count."""
    imports.import_file(kind="universities", data=csv("学校,区划代码,在校学生数", "衢州学院,330802,100"),
                        filename="u.csv")
    imports.import_file(kind="universities", data=csv(
        "学校,区划代码,在校学生数,起始月份", "衢州学院,330802,200,2020-07"), filename="u.csv")
    school = University.objects.get()
    assert school.students == 200
    assert list(school.facts.order_by("from_month").values_list("from_month", "students")) == [
        (ALWAYS, 100), (JULY, 200)]
    assert school_count(services.run_compute(month=JUNE)) == (100, D("27.90"), D("2790.00"))
    assert school_count(services.run_compute(month=JULY)) == (200, D("27.90"), D("5580.00"))


def test_university_defaults_new_school_always_changed_count_this_month(indices, regions):
    """No 起始月份 and no --from-month: a school not yet on record counts for every month
    (June 2020 pays 100 × 27.90); a changed count applies from the current month only."""
    imports.import_file(kind="universities", data=csv("学校,区划代码,在校学生数", "衢州学院,330802,100"),
                        filename="u.csv")
    imports.import_file(kind="universities", data=csv("学校,区划代码,在校学生数", "衢州学院,330802,150"),
                        filename="u.csv")
    this_month = timezone.localdate().replace(day=1)
    assert list(UniversityFact.objects.order_by("from_month").values_list(
        "from_month", "students")) == [(ALWAYS, 100), (this_month, 150)]
    assert school_count(services.run_compute(month=JUNE)) == (100, D("27.90"), D("2790.00"))


def test_command_from_month_dates_a_school_and_its_count(indices, tmp_path):
    """``--from-month 2020-07``: the school counts from July, so June pays no school line."""
    path = tmp_path / "u.csv"
    path.write_bytes(csv("学校,区划代码,在校学生数", "衢州学院,330802,100"))
    call_command("subsidy_import", "universities", str(path), "--from-month", "2020-07")
    assert list(UniversityFact.objects.values_list("from_month", "students")) == [(JULY, 100)]
    assert not UniversityLine.objects.filter(run=services.run_compute(month=JUNE)).exists()
    assert school_count(services.run_compute(month=JULY)) == (100, D("27.90"), D("2790.00"))


def test_data_migration_creates_facts_from_the_rows_on_record(person, regions):
    import importlib

    from django.apps import apps as django_apps
    from django.db import connection

    migration = importlib.import_module("apps.subsidies.migrations.0006_initial_facts")
    b = person("330881", "rural", "dibao")
    school = University.objects.create(organisation=organisation_resolve("衢州学院"),
                                       region=regions["330802"], students=321)
    BeneficiaryFact.objects.all().delete()
    UniversityFact.objects.all().delete()
    class Editor:  # the migration only reads ``connection`` from its schema editor
        pass

    editor = Editor()
    editor.connection = connection
    migration.forward(django_apps, editor)
    assert list(b.facts.values_list("from_month", "region__code", "residence")) == [
        (ALWAYS, "330881", "rural")]
    assert list(school.facts.values_list("from_month", "students")) == [(ALWAYS, 321)]


# --- §3 one identity, one paying department -----------------------------------------------


def test_category_change_moves_the_whole_amount_to_the_new_department(indices, person,
                                                                      make_staff):
    """二 就高不就低, 一 职责分工: June approved as 低保 (民政 55.80); the person turns out to
    receive 失业保险金 (58.32 > 55.80), paid by 人社. The adjustment reverses 民政's 55.80 and
    pays 人社 the full 58.32 — not a 2.52 difference under 人社."""
    b = person("330802", "urban", "dibao")
    regular = approve(services.run_compute(month=JUNE), make_staff)
    Enrolment.objects.create(beneficiary=b, category="unemployment", from_month=JUNE,
                             department="renshe")
    adjustment = services.run_compute(month=JUNE)
    assert lines(adjustment, b) == [("minzheng", "330802", D("-55.80")),
                                    ("renshe", "330802", D("58.32"))]
    assert (adjustment.persons, adjustment.amount) == (2, D("2.52"))
    by_department = {r["department"]: (r["persons"], r["amount"])
                     for r in selectors.rolls_by_department_and_region(adjustment)}
    assert by_department == {"minzheng": (1, "-55.80"), "renshe": (1, "58.32")}
    net = {}
    for run in (regular, adjustment):
        for line in RollLine.objects.filter(run=run):
            net[line.department] = net.get(line.department, D(0)) + line.amount
    assert net == {"minzheng": D("0.00"), "renshe": D("58.32")}
    # Approved, the next correction with no change pays nothing more: no third roll, 无变化
    # (issue 13 §4).
    approve(adjustment, make_staff, suffix="2")
    with pytest.raises(services.NoChange, match="无变化"):
        services.run_compute(month=JUNE)
    assert SubsidyRun.objects.filter(month=JUNE).count() == 2


# --- §4 a draft is never silently stale ---------------------------------------------------


@pytest.fixture
def draft(indices, person):
    b = person("330802", "urban", "dibao")
    run = services.run_compute(month=JUNE)
    assert not run.stale
    return run, b


@pytest.mark.parametrize("change", ["index", "policy", "standard", "enrolment", "fact",
                                    "beneficiary", "university", "import"])
def test_any_input_change_marks_the_draft_stale(draft, regions, set_index, change):
    run, b = draft
    if change == "index":
        set_index(JUNE, "4.0", "11.1")
    elif change == "policy":
        policy = PolicyVersion.objects.get()
        policy.floor = D("20")
        policy.save()
    elif change == "standard":
        LocalStandard.objects.filter(region=regions["330802"]).update(urban_dibao=D("800"))
        LocalStandard.objects.get(region=regions["330802"]).save()
    elif change == "enrolment":
        b.enrolments.get().delete()
    elif change == "fact":
        BeneficiaryFact.objects.create(beneficiary=b, from_month=JUNE, region=regions["330881"],
                                       residence="rural")
    elif change == "beneficiary":
        b.residence = "rural"
        b.save()
    elif change == "university":
        University.objects.create(organisation=organisation_resolve("衢州学院"),
                                  region=regions["330802"], students=10)
    else:
        imports.import_file(kind="beneficiaries", from_month=JUNE, data=csv(
            "姓名,公民身份号码,区划代码,城乡,类别", f"李四,{ID1},330802,城镇,低保"), filename="a.csv")
    run.refresh_from_db()
    assert run.stale and run.stale_reason


def test_change_of_a_later_month_leaves_june_fresh(draft, regions):
    run, _ = draft
    LocalStandard.objects.create(region=regions["330802"], from_month=JULY, urban_dibao=D("810"),
                                 rural_dibao=D("810"), unemployment=D("1620"))
    run.refresh_from_db()
    assert not run.stale


def test_stale_draft_is_flagged_refused_and_recomputed_nightly(draft, regions, client,
                                                                fagaiwei_user, make_staff):
    """六 按月测算: a standard raised to 800 after computing (3.6 % × 2 × 800 = 57.60)."""
    run, b = draft
    standard = LocalStandard.objects.get(region=regions["330802"])
    standard.urban_dibao = D("800")
    standard.save()
    client.force_login(fagaiwei_user)
    assert client.get("/api/subsidies/runs/2020-06/summary").json()["stale"] is True
    page = client.get("/subsidies/runs/2020-06/").content.decode()
    assert "stale-banner" in page and "请重新计算后再提交审核" in page
    with pytest.raises(services.SubsidyError, match="输入数据已变更.*请重新计算后再提交"):
        services.run_submit(run=run, by=make_staff("p", "民政"))
    assert SubsidyRun.objects.get(pk=run.pk).status == RunStatus.DRAFT

    from apps.subsidies.tasks import recompute_stale_task

    assert recompute_stale_task() == ["2020-06 正常发放"]
    run.refresh_from_db()
    assert not run.stale and RollLine.objects.get(run=run, beneficiary=b).amount == D("57.60")
    assert client.get("/api/subsidies/runs/2020-06/summary").json()["stale"] is False
    services.run_submit(run=run, by=make_staff("p2", "民政"))


def test_nightly_recompute_is_in_the_beat_schedule():
    from qzgov.celery import collect_beat_schedule

    assert (collect_beat_schedule()["subsidies.recompute_stale"]["task"]
            == "subsidies.recompute_stale")


def test_approved_runs_never_turn_stale(draft, make_staff, set_index):
    run, _ = draft
    approve(run, make_staff)
    set_index(JUNE, "4.0", "11.1")
    run.refresh_from_db()
    assert run.stale_since is None and not run.stale


def test_recompute_stale_checks_the_actor(draft, make_staff):
    from apps.core.authority import AuthorityError

    county = make_staff("county", "民政", region_code="330881")
    with pytest.raises(AuthorityError):
        services.recompute_stale_drafts(actor=county)


# --- §5 the overdue warning follows payment -----------------------------------------------


def test_month_with_nothing_to_pay_is_never_overdue(standards, set_index, person):
    """三: not triggered (SCPI 2.9 < 3, food 5.9 < 6) — nothing to pay, no warning."""
    set_index(JUNE, "2.9", "5.9")
    person("330802", "urban", "dibao")
    services.run_compute(month=JUNE)
    assert services.warn_overdue_runs(today=dt.date(2020, 9, 1)) == 0


def test_triggered_month_with_no_one_to_pay_is_never_overdue(indices):
    run = services.run_compute(month=JUNE)
    assert run.triggered and run.persons == 0
    assert services.warn_overdue_runs(today=dt.date(2020, 9, 1)) == 0


def test_school_only_month_is_overdue_until_paid(indices, regions):
    University.objects.create(organisation=organisation_resolve("衢州学院"),
                              region=regions["330802"], students=10)
    services.run_compute(month=JUNE)
    assert services.warn_overdue_runs(today=dt.date(2020, 7, 31)) == 0
    assert services.warn_overdue_runs(today=dt.date(2020, 8, 1)) == 1
    notice = Notice.objects.get(topic="subsidies")
    assert "逾期未发放" in notice.subject and "2020-07-31" in notice.body


# --- §6 the month summary shows what was paid ---------------------------------------------


def test_summary_lists_every_roll_and_the_net_amount(indices, person, make_staff, client,
                                                     fagaiwei_user):
    """Regular roll: 张三 and 李四, 55.80 each = 111.60 (approved). Then 李四's 低保 is
    withdrawn (−55.80) and 王五 (江山 rural, 50.40) added: adjustment 2 persons, −5.40;
    net for June 111.60 − 5.40 = 106.20."""
    person("330802", "urban", "dibao", name="张三")
    li = person("330802", "urban", "dibao", name="李四")
    approve(services.run_compute(month=JUNE), make_staff)
    li.enrolments.update(to_month=dt.date(2020, 5, 1))
    person("330881", "rural", "dibao", name="王五")
    services.run_compute(month=JUNE)
    client.force_login(fagaiwei_user)
    body = client.get("/api/subsidies/runs/2020-06/summary").json()
    assert [(r["sequence"], r["status"], r["persons"], r["amount"]) for r in body["runs"]] == [
        (0, "approved", 2, "111.60"), (1, "draft", 2, "-5.40")]
    assert body["net_amount"] == "106.20"
    assert body["amount"] == "111.60"  # the regular roll's own figures are unchanged
    page = client.get("/subsidies/runs/2020-06/").content.decode()
    assert '<th id="net-amount">¥106.20</th>' in page and "-¥5.40" in page


def test_university_amount_is_rounded_per_student(standards, set_index, regions):
    """五 and ``services._university_lines``: SCPI 3.7 % → urban 低保 amount 3.7 % × 2 × 775 =
    57.35; 50 % = 28.675 → 28.68 per student (rounded half-up first); 1001 students ×
    28.68 = 28,708.68. Rounding the school total instead would give 28,703.68."""
    set_index(JUNE, "3.7", "0")
    University.objects.create(organisation=organisation_resolve("衢州学院"),
                              region=regions["330802"], students=1001)
    assert school_count(services.run_compute(month=JUNE)) == (1001, D("28.68"), D("28708.68"))
