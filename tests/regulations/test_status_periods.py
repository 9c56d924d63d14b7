"""The derived status periods (``StatusPeriod``) that the 状态 filter reads (issue 13 §1) give
the same answer as the reference ``selectors.with_status_on`` (DOMAIN §3: the last counting
event on or before the date; 需修改 past its deadline is 失效 unless replaced in time, 衢环发
〔2020〕66号; an undated baseline counts from the document's own date; voided events do not
count) — kept up to date by every write, with no nightly job for a lapse."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import pre_delete
from django.urls import reverse
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from apps.core import authority
from apps.regulations import periods, services
from apps.regulations.models import (
    CleanupCampaign,
    DocumentLink,
    NormativeDocument,
    Status,
    StatusEvent,
    StatusPeriod,
)
from apps.regulations.periods import OPEN
from apps.regulations.selectors import documents_in_status, with_status_on

pytestmark = pytest.mark.django_db

PROPERTY = settings(max_examples=40, deadline=None, derandomize=True,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
DAY0 = dt.date(2019, 1, 1)
_serial = iter(range(1, 10**6))


def reference(doc: NormativeDocument, on: dt.date) -> str | None:
    return with_status_on(NormativeDocument.objects.filter(pk=doc.pk), on=on).get().status_on


def from_periods(doc: NormativeDocument, on: dt.date) -> str | None:
    statuses = list(StatusPeriod.objects.filter(document=doc, valid_from__lte=on, valid_to__gt=on)
                    .values_list("status", flat=True))
    assert len(statuses) <= 1, (doc, on, statuses)  # periods of one document never overlap
    return statuses[0] if statuses else None


def interesting_days(doc: NormativeDocument) -> set[dt.date]:
    """Every day the answer may change, the day before it, and a day long before and after."""
    days = {dt.date(2000, 1, 1), dt.date(2030, 1, 1)}
    for event in StatusEvent.objects.filter(document=doc):
        days |= {d for d in (event.effective_date, event.deadline) if d}
    for link in DocumentLink.objects.filter(target=doc):
        days |= {link.effective_date} if link.effective_date else set()
    if doc.date:
        days.add(doc.date)
    if doc.number_year:
        days.add(dt.date(doc.number_year, 1, 1))
    return {d + dt.timedelta(days=k) for d in days for k in (-1, 0, 1)}


def assert_same_as_reference(doc: NormativeDocument, days=None) -> None:
    doc.refresh_from_db()
    for on in sorted(days or interesting_days(doc)):
        expected = reference(doc, on)
        assert from_periods(doc, on) == expected, (doc.label, on)
        # The filter itself (what the admin, the staff page and the API call).
        for status in [expected, *(s for s in Status.values if s != expected)][:2]:
            found = documents_in_status(NormativeDocument.objects.filter(pk=doc.pk), status=status,
                                        on=on).exists()
            assert found == (status == expected), (doc.label, on, status)


def new_document(*, date=None, year=2019) -> NormativeDocument:
    n = next(_serial)
    doc, _, _ = services.document_register(number=f"衢期测发〔{year}〕{n}号", title=f"时段测试文件{n}",
                                           date=date)
    return doc


# --- the property: any sequence of writes, any date ----------------------------------------

days = st.integers(min_value=0, max_value=1200).map(lambda n: DAY0 + dt.timedelta(days=n))
event_actions = st.tuples(st.just("event"), st.sampled_from(Status.values), days,
                          st.integers(min_value=0, max_value=400))
actions = st.one_of(
    event_actions, event_actions, event_actions,  # mostly events: lapses, ties, reorderings
    st.tuples(st.just("baseline")),
    st.tuples(st.just("void"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("link"), st.sampled_from(DocumentLink.Kind.values), st.none() | days),
    st.tuples(st.just("redate"), st.none() | days),
)


def apply(doc: NormativeDocument, action: tuple) -> None:
    kind = action[0]
    if kind == "event":
        _, status, day, grace = action
        services.event_record(document=doc, status=status, effective_date=day,
                              deadline=day + dt.timedelta(days=grace))
    elif kind == "baseline":
        services.baseline_record(document=doc, note="测试")
    elif kind == "void":
        live = list(StatusEvent.objects.filter(document=doc, void__isnull=True).order_by("pk"))
        if live:
            services.event_void(event=live[action[1] % len(live)], reason="测试作废")
    elif kind == "link":
        _, link_kind, day = action
        other = new_document(year=2020)  # a new text each time (a recorded repeal is never redated)
        if day is None or link_kind == DocumentLink.Kind.AMENDS:
            # As the admin's 文件关系 form saves an undated link (no status event).
            DocumentLink.objects.get_or_create(source=other, target=doc, kind=link_kind,
                                               defaults={"effective_date": day})
        else:
            services.repeal_record(repealer=other, target=doc, effective=day, kind=link_kind)
    elif kind == "redate":  # the document's own date corrected (admin form, document_register)
        doc.date = action[1]
        doc.save()


@PROPERTY
@given(date=st.none() | days, year=st.none() | st.integers(min_value=2018, max_value=2022),
       steps=st.lists(actions, min_size=1, max_size=8))
# A lapse, then one prevented by a replacement in time, then one voided away.
@example(date=None, year=2019, steps=[("baseline",), ("event", "to_revise", dt.date(2019, 5, 1), 30)])
@example(date=dt.date(2019, 2, 1), year=2019,
         steps=[("event", "to_revise", dt.date(2019, 5, 1), 30),
                ("link", "replaces", dt.date(2019, 5, 20))])
@example(date=None, year=None,
         steps=[("event", "in_force", dt.date(2019, 1, 1), 0),
                ("event", "to_revise", dt.date(2019, 5, 1), 30), ("void", 1)])
def test_periods_equal_the_reference_after_any_sequence_of_writes(date, year, steps):
    doc = new_document(date=date, year=year or 2019)
    if year is None:  # a document named by title and date only
        doc = NormativeDocument.objects.create(title=f"无文号文件{next(_serial)}", date=date)
    for step in steps:
        apply(doc, step)
    assert_same_as_reference(doc)


# The rule alone, many more sequences: the periods' status on any day is the rule's answer.
@settings(max_examples=1500, deadline=None, derandomize=True)
@given(date=st.none() | days, year=st.none() | st.integers(min_value=2018, max_value=2022),
       events=st.lists(st.tuples(st.sampled_from(Status.values), st.none() | days,
                                 st.sampled_from(["baseline", "manual"]),
                                 st.integers(min_value=0, max_value=400)), max_size=6),
       links=st.lists(st.tuples(st.sampled_from(DocumentLink.Kind.values), st.none() | days),
                      max_size=2),
       probes=st.lists(days, min_size=1, max_size=10))
def test_derived_periods_answer_as_the_rule_on_every_day(date, year, events, links, probes):
    events = [periods.Event(n, status, day, cause,
                            (day or DAY0) + dt.timedelta(days=grace) if status == Status.TO_REVISE
                            else None)
              for n, (status, day, cause, grace) in enumerate(events)]
    links = [periods.Link(kind, day) for kind, day in links]
    derived = periods.derive(date=date, number_year=year, events=events, links=links)
    for earlier, later in itertools.pairwise(derived):
        assert earlier.valid_to <= later.valid_from  # in order, never overlapping
    days_to_check = set(probes)
    for e in events:
        days_to_check |= {d + dt.timedelta(days=k) for d in (e.effective_date, e.deadline) if d
                          for k in (-1, 0, 1)}
    for on in days_to_check:
        covering = [p.status for p in derived if p.valid_from <= on < p.valid_to]
        expected = periods.status_on(on, date=date, number_year=year, events=events, links=links)
        assert covering == ([expected] if expected else []), on


# --- the seed gazette: every document, every day that matters --------------------------------


def test_gazette_import_leaves_periods_equal_to_the_reference_and_to_a_full_rebuild(registry):
    docs = list(NormativeDocument.objects.all())
    assert len(docs) > 80
    days = {dt.date(2020, 6, 8), dt.date(2020, 6, 9), dt.date(2020, 6, 30), dt.date(2020, 7, 1),
            dt.date(2020, 7, 31), dt.date(2020, 8, 1), dt.date(2021, 6, 30), dt.date(2021, 7, 1),
            dt.date(2026, 1, 1)}
    for campaign in CleanupCampaign.objects.all():
        days |= {campaign.effective_date - dt.timedelta(days=1), campaign.effective_date}
    for on in sorted(days):
        expected = dict(with_status_on(NormativeDocument.objects.all(), on=on)
                        .values_list("pk", "status_on"))
        for status in [*Status.values, None]:
            wanted = {pk for pk, s in expected.items() if s == status}
            found = set(documents_in_status(NormativeDocument.objects.all(), status=status, on=on)
                        .values_list("pk", flat=True))
            assert found == wanted, (on, status)
    # What the writes maintained one document at a time is what a full rebuild derives.
    kept = set(StatusPeriod.objects.values_list("document", "status", "valid_from", "valid_to"))
    services.periods_rebuild()
    assert set(StatusPeriod.objects.values_list("document", "status", "valid_from", "valid_to")) == kept


def test_a_to_revise_document_lapses_by_date_without_the_nightly_job(registry):
    """衢环发〔2020〕66号: 衢环发〔2013〕93号 needs revising, valid to 2021-06-30; its lapse on
    2021-07-01 is already a period, written when the campaign was imported. Before the
    campaign its undated baseline counts from its number's year (no date of its own known)."""
    doc = NormativeDocument.objects.get(number="衢环发〔2013〕93号")
    periods = list(doc.periods.order_by("valid_from").values_list("status", "valid_from", "valid_to"))
    assert doc.date is None
    assert periods == [(Status.IN_FORCE, dt.date(2013, 1, 1), dt.date(2020, 8, 1)),
                       (Status.TO_REVISE, dt.date(2020, 8, 1), dt.date(2021, 7, 1)),
                       (Status.INVALID, dt.date(2021, 7, 1), OPEN)]
    assert not StatusEvent.objects.filter(document=doc, cause=StatusEvent.Cause.LAPSE).exists()
    # The nightly job's lapse row, when it comes, changes no period.
    services.transitions_apply(today=dt.date(2021, 7, 2))
    assert StatusEvent.objects.filter(document=doc, cause=StatusEvent.Cause.LAPSE).exists()
    assert list(doc.periods.order_by("valid_from").values_list(
        "status", "valid_from", "valid_to")) == periods


def test_a_replacing_link_saved_in_the_admin_keeps_the_document_from_lapsing(registry, client,
                                                                            make_staff):
    doc = NormativeDocument.objects.get(number="衢环发〔2013〕93号")
    new = new_document(year=2021)
    on = dt.date(2021, 7, 1)
    assert documents_in_status(NormativeDocument.objects.filter(pk=doc.pk), status=Status.INVALID,
                               on=on).exists()
    client.force_login(make_staff("hbj", "生态环境"))
    response = client.post(reverse("admin:regulations_documentlink_add"),
                           {"source": new.pk, "target": doc.pk, "kind": "replaces",
                            "effective_date": "", "clause": ""})
    assert response.status_code == 302
    assert documents_in_status(NormativeDocument.objects.filter(pk=doc.pk),
                               status=Status.TO_REVISE, on=on).exists()
    assert_same_as_reference(doc)
    # Deleting the link (admin) brings the lapse back.
    link = DocumentLink.objects.get(source=new, target=doc)
    response = client.post(reverse("admin:regulations_documentlink_delete", args=[link.pk]),
                           {"post": "yes"})
    assert response.status_code == 302
    assert from_periods(doc, on) == Status.INVALID


def test_a_void_changes_the_periods_in_the_same_transaction(registry):
    """衢工商综〔2013〕58号 was repealed by 衢市监规〔2020〕1号 from 2020-07-01; voiding that
    event leaves it 有效 (its undated baseline, counted from its number's year 2013)."""
    doc = NormativeDocument.objects.get(number="衢工商综〔2013〕58号")
    on = dt.date(2020, 7, 1)
    assert from_periods(doc, on) == Status.REPEALED
    event = StatusEvent.objects.get(document=doc, cause=StatusEvent.Cause.CAMPAIGN)
    services.event_void(event=event, reason="误录")
    assert from_periods(doc, on) == Status.IN_FORCE
    assert list(doc.periods.values_list("status", "valid_from", "valid_to")) == [
        (Status.IN_FORCE, dt.date(2013, 1, 1), OPEN)]


def amended_in_time() -> tuple[NormativeDocument, NormativeDocument]:
    """A document 需修改 from 2020-01-01 (deadline 2020-06-30) and the text amending it in
    force 2020-05-01, before the deadline: it does not lapse (衢环发〔2020〕66号's rule)."""
    doc = new_document(year=2019, date=dt.date(2019, 3, 1))
    amending = new_document(year=2020)
    services.event_record(document=doc, status=Status.TO_REVISE, effective_date=dt.date(2020, 1, 1),
                          deadline=dt.date(2020, 6, 30))
    services.repeal_record(repealer=amending, target=doc, effective=dt.date(2020, 5, 1),
                           kind=DocumentLink.Kind.AMENDS)
    return doc, amending


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_deleting_documents_rebuilds_or_removes_their_periods(registry, how):
    """An amending text in force by the deadline keeps a 需修改 document from lapsing; when
    the amending record is deleted (its link cascades) the lapse is back; a document deleted
    with its events takes its periods along (no period left pointing at it) — deleted one by
    one or as a queryset (the admin's 删除所选)."""
    doc, amending = amended_in_time()

    def delete(document: NormativeDocument) -> None:
        if how == "instance":
            document.delete()
        else:
            NormativeDocument.objects.filter(pk=document.pk).delete()

    assert list(doc.periods.values_list("status", "valid_from", "valid_to")) == [
        (Status.TO_REVISE, dt.date(2020, 1, 1), OPEN)]
    delete(amending)
    assert list(doc.periods.order_by("valid_from").values_list("status", "valid_from", "valid_to")) == [
        (Status.TO_REVISE, dt.date(2020, 1, 1), dt.date(2020, 7, 1)),
        (Status.INVALID, dt.date(2020, 7, 1), OPEN)]
    with authority.deriving():  # status events are never deleted by hand (issue 9 §4)
        delete(doc)
    assert not StatusPeriod.objects.filter(document_id=doc.pk).exists()
    if connection.vendor == "postgresql":  # deferred foreign keys checked now, not at commit
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_delete_interrupted_by_an_error_leaves_later_writes_rebuilding():
    """Review finding 9: something refuses a delete after the document's own pre_delete ran
    (here a receiver that raises; in life a guard or a database error). The document stays,
    and a status change recorded afterwards still gives it its period (有效 from 2021-01-01):
    no “being deleted” marker is left behind."""
    doc = new_document(year=2021, date=dt.date(2021, 1, 1))

    def refuse(sender, instance, **kwargs):
        raise RuntimeError("删除被中断")

    pre_delete.connect(refuse, sender=NormativeDocument, dispatch_uid="test-refuse-delete")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            doc.delete()
        with pytest.raises(RuntimeError), transaction.atomic():
            NormativeDocument.objects.filter(pk=doc.pk).delete()
    finally:
        pre_delete.disconnect(sender=NormativeDocument, dispatch_uid="test-refuse-delete")
    assert NormativeDocument.objects.filter(pk=doc.pk).exists()
    services.event_record(document=doc, status=Status.IN_FORCE, effective_date=dt.date(2021, 1, 1))
    assert list(doc.periods.values_list("status", "valid_from", "valid_to")) == [
        (Status.IN_FORCE, dt.date(2021, 1, 1), OPEN)]


def test_dumpdata_then_loaddata_gives_the_same_periods(tmp_path):
    """Review finding 9: ``loaddata`` saves raw (no rebuild in the signals). A document with
    its baseline, its 需修改 and an amending link, dumped without its derived periods and
    loaded back after both documents were deleted, has the same periods — 有效 from its date,
    需修改 from 2020-01-01 with no lapse — and a fixture that carries the periods as well
    (``dumpdata regulations``) adds none twice."""
    doc, amending = amended_in_time()
    services.baseline_record(document=doc, note="测试")

    def periods_now() -> list[tuple]:
        return list(StatusPeriod.objects.filter(document_id=doc.pk).order_by("valid_from")
                    .values_list("status", "valid_from", "valid_to"))

    expected = periods_now()
    assert expected == [(Status.IN_FORCE, dt.date(2019, 3, 1), dt.date(2020, 1, 1)),
                        (Status.TO_REVISE, dt.date(2020, 1, 1), OPEN)]
    records = [doc, amending, *DocumentLink.objects.filter(target=doc),
               *StatusEvent.objects.filter(document=doc).order_by("pk")]
    without_periods = tmp_path / "registry.json"
    without_periods.write_text(serializers.serialize("json", records), encoding="utf-8")
    with_periods = tmp_path / "registry-with-periods.json"
    with_periods.write_text(serializers.serialize(
        "json", [*records, *StatusPeriod.objects.filter(document=doc)]), encoding="utf-8")
    for fixture in (without_periods, with_periods):
        with authority.deriving():
            NormativeDocument.objects.filter(pk__in=[doc.pk, amending.pk]).delete()
        assert periods_now() == []
        call_command("loaddata", str(fixture), verbosity=0)
        assert StatusEvent.objects.filter(document_id=doc.pk).count() == 2
        assert periods_now() == expected, fixture.name



LOAD_ON_OTHER = """
import django, json, sys
django.setup()
from django.core.management import call_command
from django.db import connections
from apps.core.models import Organisation
from apps.regulations.models import (CleanupCampaign, DocumentLink, NormativeDocument,
                                     StatusEvent, StatusEventVoid, StatusPeriod)
for alias in ("default", "other"):
    with connections[alias].schema_editor() as editor:
        for model in (Organisation, NormativeDocument, CleanupCampaign, DocumentLink, StatusEvent,
                      StatusEventVoid, StatusPeriod):
            editor.create_model(model)
call_command("loaddata", sys.argv[1], database="other", verbosity=0)
print(json.dumps({alias: [[p.document_id, p.status, str(p.valid_from), str(p.valid_to)]
                          for p in StatusPeriod.objects.using(alias).order_by("document_id", "valid_from")]
                  for alias in ("default", "other")}))
"""


def test_loaddata_database_rebuilds_periods_on_that_database(tmp_path):
    """Review finding (issue 13 §5): ``loaddata --database other`` rebuilds the loaded
    documents' periods on ``other``, not on default (run in a process whose settings name two
    SQLite databases): 有效 from 2019-03-01, 需修改 from 2020-01-01 (DOMAIN §3), none on default."""
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    doc, amending = amended_in_time()
    services.baseline_record(document=doc, note="测试")
    fixture = tmp_path / "registry.json"
    fixture.write_text(serializers.serialize("json", [
        doc, amending, *DocumentLink.objects.filter(target=doc),
        *StatusEvent.objects.filter(document=doc).order_by("pk")]), encoding="utf-8")
    prefix = str(tmp_path / "db-")
    (tmp_path / "two_databases.py").write_text(
        "from qzgov.settings import *  # noqa\n"
        f"DATABASES = {{alias: {{'ENGINE': 'django.db.backends.sqlite3', 'NAME': {prefix!r} + alias}}\n"
        "             for alias in ('default', 'other')}\n", encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "two_databases",
           "PYTHONPATH": f"{tmp_path}:{django_settings.BASE_DIR}"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", LOAD_ON_OTHER, str(fixture)], env=env,
                          cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    periods = json.loads(done.stdout.strip().splitlines()[-1])
    assert periods["default"] == []
    assert [row for row in periods["other"] if row[0] == doc.pk] == [
        [doc.pk, Status.IN_FORCE, "2019-03-01", "2020-01-01"],
        [doc.pk, Status.TO_REVISE, "2020-01-01", str(OPEN)]]


def test_loaddata_rebuilds_periods_as_system_under_a_county_actor(tmp_path, kecheng_user):
    """Review finding (issue 13 §5): the periods are derived data, rebuilt as 系统: a county
    clerk's acting context around ``loaddata`` (a request, ``acting_as``) does not refuse it."""
    doc, amending = amended_in_time()
    services.baseline_record(document=doc, note="测试")
    expected = list(doc.periods.order_by("valid_from").values_list("status", "valid_from", "valid_to"))
    assert expected == [(Status.IN_FORCE, dt.date(2019, 3, 1), dt.date(2020, 1, 1)),
                        (Status.TO_REVISE, dt.date(2020, 1, 1), OPEN)]
    fixture = tmp_path / "registry.json"
    fixture.write_text(serializers.serialize("json", [
        doc, amending, *DocumentLink.objects.filter(target=doc),
        *StatusEvent.objects.filter(document=doc).order_by("pk")]), encoding="utf-8")
    with authority.deriving():
        NormativeDocument.objects.filter(pk__in=[doc.pk, amending.pk]).delete()
    with authority.acting_as(kecheng_user):
        call_command("loaddata", str(fixture), verbosity=0)
    assert list(doc.periods.order_by("valid_from")
                .values_list("status", "valid_from", "valid_to")) == expected
