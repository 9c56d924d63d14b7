"""Per-run totals (issue 13 §1), one run-level audit entry per attempt (§4), bounded ``IN``.

June 2020 (衢政办发〔2020〕20号 二, 补贴涨幅 3.6 %): 张三 柯城区 urban 低保 3.6 % × 2 × 775 / 100
= 55.80 (民政); 李四 柯城区 低保 + 失业保险金, the higher 3.6 % × 1620 = 58.32 (就高不就低,
人社); 王五 江山市 rural 低保边缘 3.6 % × 700 = 25.20 (民政). 八: 人次和金额 per county and
department are what the totals hold.
"""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent
from apps.subsidies import services, signals
from apps.subsidies.models import Beneficiary, BeneficiaryFact, RollLine, RunTotal, SubsidyRun

from .conftest import JUNE
from .test_api_and_exports import june_run  # noqa: F401 (fixture)
from .test_run import approve, june  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def line_sums(run) -> dict:
    """What the totals must equal: the run's lines summed (the old way of every request)."""
    return {(r["region__code"], r["department"], r["category"]): (r["n"], r["amount"])
            for r in RollLine.objects.filter(run=run).values("region__code", "department", "category")
            .annotate(n=Count("id"), amount=Sum("amount")).order_by()}


def stored(run) -> dict:
    return {(t.region.code, t.department, t.category): (t.persons, t.amount)
            for t in RunTotal.objects.filter(run=run).select_related("region")}


def test_the_run_writes_its_totals_equal_to_its_lines(june_run):  # noqa: F811
    assert stored(june_run) == {
        ("330802", "minzheng", "dibao"): (1, D("55.80")),
        ("330802", "renshe", "unemployment"): (1, D("58.32")),
        ("330881", "minzheng", "edge"): (1, D("25.20")),
    }
    assert {k: (n, D(str(a)).quantize(D("0.01"))) for k, (n, a) in line_sums(june_run).items()} \
        == stored(june_run)
    assert (june_run.persons, june_run.amount) == (3, D("139.32"))


def test_an_adjustment_roll_has_its_own_totals(june, person, make_staff):  # noqa: F811
    """A late enrolment in an approved month goes into an adjustment roll (DOMAIN §7): its
    totals are its own lines, the approved roll's stay as they were."""
    person("330802", "urban", "dibao")
    run = approve(services.run_compute(month=JUNE), make_staff)
    person("330881", "rural", "edge")
    adjustment = services.run_compute(month=JUNE)
    assert stored(run) == {("330802", "minzheng", "dibao"): (1, D("55.80"))}
    assert stored(adjustment) == {("330881", "minzheng", "edge"): (1, D("25.20"))}


def test_the_summary_api_and_run_page_read_no_roll_line(client, june_run, make_staff):  # noqa: F811
    """A year of lines is 12 million rows: the figures come from the totals only."""
    client.force_login(make_staff("c", "民政", region_code="330802"))
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/subsidies/runs/2020-06/summary").json()
        page = client.get("/subsidies/runs/2020-06/")
    assert page.status_code == 200
    assert not [q["sql"] for q in queries if "subsidies_rollline" in q["sql"]]
    # 柯城区 民政: 张三's 55.80 of the whole run's 139.32.
    assert (body["persons"], body["amount"], body["whole"]["amount"]) == (1, "55.80", "139.32")
    assert body["chart"]["trend"]["own"][-1] == "55.80"


def test_rebuild_command_restores_damaged_totals(june_run):  # noqa: F811
    expected = stored(june_run)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE subsidies_runtotal SET persons = 99, amount = 1")
        cursor.execute("DELETE FROM subsidies_runtotal WHERE category = 'edge'")
    call_command("rebuild_run_totals", stdout=open("/dev/null", "w"))
    assert stored(june_run) == expected


def test_a_county_clerk_may_not_rebuild_totals(june_run, make_staff):  # noqa: F811
    with pytest.raises(AuthorityError):
        services.rebuild_run_totals(actor=make_staff("k", "发改委", region_code="330802"))


def test_totals_of_an_approved_roll_are_not_edited_by_hand(june_run, make_staff):  # noqa: F811
    approve(june_run, make_staff)
    total = RunTotal.objects.filter(run=june_run).first()
    total.amount = D("1.00")
    with pytest.raises(AuthorityError):
        total.save()


def _run_entries(month=JUNE) -> list[AuditEvent]:
    """Run-level entries (a step or a bulk write; the run row's own add/change entries are
    the generic record of the row)."""
    runs = [str(pk) for pk in SubsidyRun.objects.filter(month=month).values_list("pk", flat=True)]
    return list(AuditEvent.objects.filter(Q(object_id__in=runs, model="subsidies.SubsidyRun")
                                          | Q(model="subsidies.RollLine"))
                .filter(action__in=[AuditEvent.Action.STEP, AuditEvent.Action.BULK])
                .order_by("id"))


def test_one_run_level_audit_entry_per_attempt(june, person, monkeypatch):  # noqa: F811
    """Issue 13 §4: each attempt that commits leaves exactly one run-level entry (the step,
    with counts and regions); an attempt cut off in the middle (here the database going away
    after the lines were written) leaves none — it rolled back with the lines — and its
    retry leaves one."""
    person("330802", "urban", "dibao")
    real = services._university_lines

    def cut(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "_university_lines", cut)
    with pytest.raises(OperationalError):
        services.run_compute(month=JUNE)
    assert not SubsidyRun.objects.exists() and not AuditEvent.objects.filter(
        note__contains="价格补贴测算").exists()
    monkeypatch.setattr(services, "_university_lines", real)
    run = services.run_compute(month=JUNE)
    entries = _run_entries()
    assert len(entries) == 1
    assert entries[0].action == AuditEvent.Action.STEP
    assert entries[0].note == f"计算:价格补贴测算 {run}"
    assert entries[0].changes["counts"] == {"persons": 1, "amount": "55.80", "universities": 0}
    assert [r.code for r in entries[0].regions.all()] == ["330802"]
    services.run_compute(month=JUNE)  # a second attempt (recompute of the draft): one more
    assert [e.note.split(":")[0] for e in _run_entries()] == ["计算", "重新计算"]


def test_sync_reads_ids_in_bounded_batches(person, monkeypatch):
    """No unbounded ``IN (…)``: five ids with a batch of two are three fact queries, and each
    person still gets the county of their latest fact."""
    people = [person("330802", "urban", "dibao") for _ in range(5)]
    with connection.cursor() as cursor:  # put the record out of step with its fact
        cursor.execute("UPDATE subsidies_beneficiary SET residence = 'rural'")
    monkeypatch.setattr(signals, "BATCH", 2)
    with CaptureQueriesContext(connection) as queries:
        signals.sync_beneficiaries([p.pk for p in people])
    reads = [q["sql"] for q in queries if 'FROM "subsidies_beneficiaryfact"' in q["sql"]]
    assert len(reads) == 3
    assert set(Beneficiary.objects.values_list("residence", flat=True)) == {"urban"}
    assert BeneficiaryFact.objects.count() == 5
