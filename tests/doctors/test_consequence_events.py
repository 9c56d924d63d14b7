"""Every change of an art. 21 consequence is a ``ConsequenceEvent`` row, appended and never
edited or deleted (issue 14 §2); notice keys name that row, not a count of history rows."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import transaction

from apps.core.authority import AuthorityError
from apps.core.models import Notice
from apps.doctors import services
from apps.doctors.models import ConsequenceEvent

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def suspension(doctor, kecheng_hospital, deduct):
    """6 + 2 + 1 = 9 points notified 2020-08-03…05: suspended 1 month from 08-05 (art. 21)."""
    deduct(doctor, kecheng_hospital, "18.1", D(2020, 8, 3))
    deduct(doctor, kecheng_hospital, "19.1", D(2020, 8, 4))
    deduct(doctor, kecheng_hospital, "20.1", D(2020, 8, 5))
    return doctor.consequences.get(kind="suspension")


def test_a_derived_consequence_starts_with_its_created_row(suspension):
    (created,) = suspension.events.all()
    assert (created.kind, created.effective_date, created.months, created.end_date) == (
        "created", D(2020, 8, 5), 1, D(2020, 9, 5))
    assert created.reason == "累计扣分达9至11分"


def test_an_adjustment_is_a_row_and_its_notice_key_names_it(suspension):
    """Art. 21: staff set 2 months with a reason; the notice key is the event, so a second
    adjustment gets its own key however many history rows the consequence has."""
    services.consequence_adjust(consequence=suspension, months=2, reason="主动退回违规费用")
    services.consequence_adjust(consequence=suspension, months=3, reason="复核后延长")
    first, second = suspension.events.filter(kind="adjusted").order_by("id")
    assert (first.months, first.end_date, first.reason) == (2, D(2020, 10, 5), "主动退回违规费用")
    assert (second.months, second.end_date) == (3, D(2020, 11, 5))
    for event in (first, second):
        assert Notice.objects.filter(source=f"consequence-adjusted:{suspension.pk}:{event.pk}",
                                     recipient_kind="医保医师").count() == 1


def test_the_interview_and_a_revocation_are_rows(doctor, kecheng_hospital, deduct):
    d = deduct(doctor, kecheng_hospital, "18.1", D(2020, 9, 1))
    interview = doctor.consequences.get()
    services.interview_record(consequence=interview, held_on=D(2020, 9, 10))
    appeal = services.appeal_file(deduction=d, filed_on=D(2020, 9, 2))
    services.appeal_decide(appeal=appeal, decision="upheld", decided_on=D(2020, 9, 18))
    assert [(e.kind, e.on) for e in interview.events.order_by("id")] == [
        ("created", None), ("interview_held", D(2020, 9, 10)), ("revoked", D(2020, 9, 18))]


def test_the_suspension_end_processed_by_the_nightly_job_is_a_row(suspension):
    """Art. 22: no application by the end → extended; the job's claim writes one row."""
    services.nightly(today=D(2020, 9, 5))
    services.nightly(today=D(2020, 9, 6))
    (outcome,) = suspension.events.filter(kind="outcome")
    assert (outcome.on, outcome.reason) == (D(2020, 9, 5), "未申请恢复,暂停延长至协议期满")


def test_an_event_row_is_never_edited_or_deleted(suspension):
    created = suspension.events.get()
    created.reason = "改写"
    with pytest.raises(AuthorityError), transaction.atomic():
        created.save()
    with pytest.raises(AuthorityError), transaction.atomic():
        created.delete()
    assert ConsequenceEvent.objects.get(pk=created.pk).reason == "累计扣分达9至11分"


def test_the_data_migration_records_what_the_current_rows_show(suspension):
    services.interview_record(consequence=suspension.doctor.consequences.get(kind="interview"),
                              held_on=D(2020, 8, 20))
    migration = importlib.import_module("apps.doctors.migrations.0007_consequence_event")
    before = set(ConsequenceEvent.objects.values_list("pk", flat=True))
    migration.events_from_current_state(apps, None)
    added = ConsequenceEvent.objects.exclude(pk__in=before).order_by("consequence_id", "id")
    assert sorted((e.consequence.kind, e.kind, e.on) for e in added) == [
        ("interview", "created", None), ("interview", "interview_held", D(2020, 8, 20)),
        ("suspension", "created", None)]
