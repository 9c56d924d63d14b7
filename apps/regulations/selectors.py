"""Registry reads: a document's status on a date and its timeline, derived from events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from .models import DocumentLink, NormativeDocument, Status, StatusEvent, StatusPeriod

LAPSE_BY = "修改期满未重新公布"


@dataclass(frozen=True)
class Standing:
    """Status on a date: since when, until which deadline, by which act."""

    status: str | None
    since: dt.date | None = None
    deadline: dt.date | None = None
    by: str | None = None
    event: StatusEvent | None = None
    lapse_derived: bool = False

    @property
    def label(self) -> str:
        return Status(self.status).label if self.status else "无记录"

    @property
    def in_force(self) -> bool:
        """需修改 documents stay in force until their deadline (DOMAIN §3)."""
        return self.status in (Status.IN_FORCE, Status.TO_REVISE)


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    date: dt.date | None
    by: str | None
    note: str
    derived: bool = False  # computed (lapse past deadline), not yet written by the nightly job
    deadline: dt.date | None = None

    @property
    def label(self) -> str:
        return Status(self.status).label


def live_events() -> QuerySet[StatusEvent]:
    """Events that count: a voided event (``StatusEventVoid``, issue 9 §4) stays recorded but
    no longer gives the document a status."""
    return StatusEvent.objects.filter(void__isnull=True)


def live_events_prefetch() -> Prefetch:
    """Prefetch a document's counting events (``_events`` trusts a prefetched list to be this)."""
    return Prefetch("events", queryset=live_events().select_related("campaign", "repealed_by"))


def with_history(queryset: QuerySet[NormativeDocument]) -> QuerySet[NormativeDocument]:
    return queryset.select_related("issuer").prefetch_related(live_events_prefetch(), "links_in")


def _events(document: NormativeDocument) -> list[StatusEvent]:
    """The document's counting events (voided ones left out) in timeline order."""
    if "events" in getattr(document, "_prefetched_objects_cache", {}):
        events = document.events.all()  # prefetched through live_events_prefetch()
    else:
        events = live_events().filter(document=document).select_related("campaign", "repealed_by")
    return sorted(events,
                  key=lambda e: (e.effective_date is not None, e.effective_date or dt.date.min, e.id))


REPLACING_KINDS = (DocumentLink.Kind.REPLACES, DocumentLink.Kind.AMENDS)


def _replaced(document: NormativeDocument, deadline: dt.date) -> bool:
    """Re-issued in time: a replacing/amending text effective on or before the deadline
    (or undated) keeps a 需修改 document from lapsing; a later one comes after the lapse."""
    return any(link.kind in REPLACING_KINDS
               and (link.effective_date is None or link.effective_date <= deadline)
               for link in document.links_in.all())


def _not_yet_issued(document: NormativeDocument, on: dt.date) -> bool:
    if document.date:
        return on < document.date
    return bool(document.number_year) and on.year < document.number_year


def standing_on(document: NormativeDocument, on: dt.date) -> Standing:
    """The last event effective on or before ``on``; 需修改 past its deadline is 失效
    unless a newer document replaced or amended it (衢环发〔2020〕66号)."""
    events = [e for e in _events(document) if e.effective_date is None or e.effective_date <= on]
    if not events:
        return Standing(status=None)
    last = events[-1]
    if last.cause == StatusEvent.Cause.BASELINE and _not_yet_issued(document, on):
        return Standing(status=None)
    if (last.status == Status.TO_REVISE and last.deadline and last.deadline < on
            and not _replaced(document, last.deadline)):
        return Standing(status=Status.INVALID, since=last.deadline + dt.timedelta(days=1),
                        by=LAPSE_BY, event=last, lapse_derived=True)
    first_of_run = last
    for event in reversed(events):
        if event.status != last.status:
            break
        first_of_run = event
    return Standing(status=last.status, since=first_of_run.effective_date,
                    deadline=last.deadline, by=last.by, event=last)


def standings_on(documents: Iterable[NormativeDocument], on: dt.date) -> dict[int, Standing]:
    return {doc.pk: standing_on(doc, on) for doc in documents}


def timeline(document: NormativeDocument, *, as_of: dt.date | None = None) -> list[TimelineEntry]:
    """Every recorded change in date order (undated baseline first), plus a lapse the
    nightly job has not written yet when its date has come."""
    entries = []
    events = _events(document)
    for event in events:
        if as_of and event.effective_date and event.effective_date > as_of:
            continue
        entries.append(TimelineEntry(status=event.status, date=event.effective_date, by=event.by,
                                     note=event.note, deadline=event.deadline))
    last_dated = [e for e in events if not as_of or not e.effective_date or e.effective_date <= as_of]
    if last_dated:
        last = last_dated[-1]
        lapse = last.deadline + dt.timedelta(days=1) if last.deadline else None
        if (last.status == Status.TO_REVISE and lapse and lapse <= (as_of or timezone.localdate())
                and not _replaced(document, last.deadline)):
            entries.append(TimelineEntry(status=Status.INVALID, date=lapse, by=LAPSE_BY,
                                         note=f"需修改文件有效期已于{last.deadline}截止", derived=True))
    return entries


def with_status_on(queryset: QuerySet[NormativeDocument], *, on: dt.date) -> QuerySet[NormativeDocument]:
    """Annotate ``status_on`` (the status on ``on``) in the database, the same rule as
    ``standing_on``: the last counting (not voided) event effective on or before the date (undated baseline
    first, ties by id); 需修改 past its deadline is 失效 unless replaced in time; an
    undated baseline counts only from the document's own date (DOMAIN §3)."""
    latest = (live_events().filter(document=OuterRef("pk"))
              .filter(Q(effective_date__isnull=True) | Q(effective_date__lte=on))
              .order_by(F("effective_date").desc(nulls_last=True), "-id"))
    replaced_in_time = DocumentLink.objects.filter(
        Q(effective_date__isnull=True) | Q(effective_date__lte=OuterRef("reg_event_deadline")),
        target=OuterRef("pk"), kind__in=REPLACING_KINDS)
    not_yet_issued = Q(date__gt=on) | Q(date__isnull=True, number_year__gt=on.year)
    return queryset.annotate(
        reg_event_status=Subquery(latest.values("status")[:1], output_field=CharField()),
        reg_event_cause=Subquery(latest.values("cause")[:1], output_field=CharField()),
        reg_event_deadline=Subquery(latest.values("deadline")[:1], output_field=DateField()),
    ).annotate(
        reg_replaced=Exists(replaced_in_time),
    ).annotate(
        status_on=Case(
            When(Q(reg_event_cause=StatusEvent.Cause.BASELINE) & not_yet_issued,
                 then=Value(None, output_field=CharField())),
            When(reg_event_status=Status.TO_REVISE, reg_event_deadline__lt=on, reg_replaced=False,
                 then=Value(Status.INVALID.value)),
            default=F("reg_event_status"),
            output_field=CharField(),
        ),
    )


def periods_on(on: dt.date) -> QuerySet[StatusPeriod]:
    """The status periods covering ``on`` (at most one per document)."""
    return StatusPeriod.objects.filter(valid_from__lte=on, valid_to__gt=on)


def documents_in_status(queryset: QuerySet[NormativeDocument], *, status: str | None,
                        on: dt.date) -> QuerySet[NormativeDocument]:
    """Filter by the status on a date (DOMAIN §3) through the derived ``StatusPeriod`` rows:
    one index range scan instead of deriving every document's status (issue 13 §1). The
    same answer as ``with_status_on`` (the reference, tests/regulations/test_status_periods.py);
    ``status=None`` keeps documents with no status on that date."""
    covering = periods_on(on).filter(document=OuterRef("pk"))
    if status is None:
        return queryset.filter(~Exists(covering))
    return queryset.filter(Exists(covering.filter(status=status)))
