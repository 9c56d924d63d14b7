"""A document's status as periods: the pure rule behind the ``StatusPeriod`` table (DOMAIN §3).

The status on a date (``selectors.with_status_on``, the reference) is the last counting event
effective on or before it (an undated baseline first, ties by id); 需修改 past its deadline is
失效 unless a replacing/amending text came into force by the deadline (衢环发〔2020〕66号); an
undated baseline counts only from the document's own date. That answer changes only on an
event's date, the day after a deadline, the document's date or the first day of its number's
year, so evaluating the rule once at each of those days gives every period — including
future ones (a lapse still to come is a period from ``deadline + 1``, no nightly job needed).

Plain values in, plain tuples out: the service and the migration that fills the table share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

# The open ends of a period (the status since an unknown day / until further notice).
ALWAYS = dt.date.min
OPEN = dt.date.max

TO_REVISE, INVALID, BASELINE = "to_revise", "invalid", "baseline"
REPLACING = ("replaces", "amends")


class Event(NamedTuple):
    id: int
    status: str
    effective_date: dt.date | None
    cause: str
    deadline: dt.date | None


class Link(NamedTuple):
    kind: str
    effective_date: dt.date | None


class Period(NamedTuple):
    status: str
    valid_from: dt.date  # inclusive; ALWAYS when since an unknown day
    valid_to: dt.date  # exclusive; OPEN when until further notice


def _order(event: Event) -> tuple:
    return (event.effective_date is not None, event.effective_date or dt.date.min, event.id)


def status_on(on: dt.date, *, date: dt.date | None, number_year: int | None,
              events: list[Event], links: list[Link]) -> str | None:
    """``with_status_on``'s rule for one document (``events`` counting ones only)."""
    counted = [e for e in events if e.effective_date is None or e.effective_date <= on]
    if not counted:
        return None
    last = max(counted, key=_order)
    not_yet_issued = (date > on) if date is not None else (
        number_year is not None and number_year > on.year)
    if last.cause == BASELINE and not_yet_issued:
        return None
    if (last.status == TO_REVISE and last.deadline is not None and last.deadline < on
            and not any(link.kind in REPLACING
                        and (link.effective_date is None or link.effective_date <= last.deadline)
                        for link in links)):
        return INVALID
    return last.status


def derive(*, date: dt.date | None, number_year: int | None, events: Iterable[Event],
           links: Iterable[Link]) -> list[Period]:
    """Every period of one document, in date order, adjacent equal statuses merged and days
    without a status left out."""
    events, links = list(events), list(links)
    days = {e.effective_date for e in events if e.effective_date is not None}
    days |= {e.deadline + dt.timedelta(days=1) for e in events
             if e.deadline is not None and e.deadline < dt.date.max}
    if date is not None:
        days.add(date)
    if number_year is not None and 1 <= number_year <= dt.MAXYEAR:
        days.add(dt.date(number_year, 1, 1))
    starts = sorted(days | {ALWAYS})
    periods: list[Period] = []
    for start, end in zip(starts, [*starts[1:], OPEN], strict=True):
        if start >= end:  # an event dated 9999-12-31: no day left to hold it
            continue
        status = status_on(start, date=date, number_year=number_year, events=events, links=links)
        if status is None:
            continue
        if periods and periods[-1].status == status and periods[-1].valid_to == start:
            periods[-1] = periods[-1]._replace(valid_to=end)
        else:
            periods.append(Period(status, start, end))
    return periods
