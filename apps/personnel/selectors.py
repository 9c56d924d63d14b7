"""Personnel reads: the roster derived from appointment items, probations, duty division.

The roster starts from what has been imported (DOMAIN §2): a removal from a post the
records do not show the person holding becomes a tenure with an unknown start and the
``prior_tenure_unrecorded`` flag, never dropped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from apps.core.models import Organisation
from apps.core.services import organisation_find
from apps.core.text import clean

from .models import AppointmentItem, DutyDivision, DutyOffice


@dataclass
class Tenure:
    person_id: int
    person_name: str
    organisation_id: int
    organisation_name: str
    title: str
    kind: str
    since: dt.date | None
    since_number: str | None
    until: dt.date | None = None
    until_number: str | None = None
    until_item_id: int | None = None
    probation_until: dt.date | None = None
    prior_tenure_unrecorded: bool = False
    election_confirmation: bool = False

    def held_on(self, day: dt.date) -> bool:
        started = self.since is None or self.since <= day
        return started and (self.until is None or day < self.until)

    def as_row(self) -> dict:
        """GET /api/personnel/roster: exactly the keys of issue 6."""
        return {
            "person": self.person_name, "post": self.title,
            "since": self.since.isoformat() if self.since else None,
            "probation_until": self.probation_until.isoformat() if self.probation_until else None,
            "prior_tenure_unrecorded": self.prior_tenure_unrecorded,
        }


def _items(**filters) -> QuerySet[AppointmentItem]:
    """Items that count for the roster: a voided item (issue 9 §4) is left out."""
    return AppointmentItem.objects.filter(void__isnull=True, **filters).select_related(
        "notice", "organisation").order_by("notice__date", "notice__number", "order")


def tenures(*, person=None, organisation: Organisation | None = None, title: str | None = None,
            kind: str | None = None, before: tuple | None = None,
            problems: list[str] | None = None) -> list[Tenure]:
    """Tenures in date order, derived from the items (only those ``before`` (date, number,
    order) when given); inconsistencies go to ``problems``."""
    filters = {}
    if person is not None:
        filters["person"] = person
    if organisation is not None:
        filters["organisation"] = organisation
    if title is not None:
        filters["title"] = title
    if kind is not None:
        filters["kind"] = kind
    problems = problems if problems is not None else []
    result: list[Tenure] = []
    current: dict[tuple, Tenure] = {}
    last: dict[tuple, Tenure] = {}
    for item in _items(**filters):
        position = (item.notice.date, item.notice.number, item.order)
        if before is not None and position >= before:
            break
        key = (item.person_id, item.organisation_id, item.title, item.kind)
        if item.action == AppointmentItem.Action.APPOINT:
            if key in current:
                problems.append(f"{item.notice.number}第{item.order}项:{item.person_name}"
                                f"已任{item.organisation.name}{item.title},重复任职")
                continue
            tenure = Tenure(item.person_id, item.person_name, item.organisation_id,
                            item.organisation.name, item.title, item.kind, item.notice.date,
                            item.notice.number, probation_until=item.probation_until,
                            election_confirmation=item.election_confirmation)
            current[key] = last[key] = tenure
            result.append(tenure)
            continue
        tenure = current.pop(key, None)
        if tenure is None:
            if key in last:
                problems.append(f"{item.notice.number}第{item.order}项:{item.person_name}"
                                f"的{item.organisation.name}{item.title}已被免去,重复免职")
                continue
            tenure = Tenure(item.person_id, item.person_name, item.organisation_id,
                            item.organisation.name, item.title, item.kind, None, None,
                            prior_tenure_unrecorded=True)
            result.append(tenure)
            last[key] = tenure
        tenure.until, tenure.until_number = item.notice.date, item.notice.number
        tenure.until_item_id = item.pk
    return result


def organisation_named(name: str) -> Organisation | None:
    return organisation_find(clean(name))


def roster(*, organisation: Organisation, as_of: dt.date) -> list[Tenure]:
    """Who holds which post or rank at ``organisation`` on ``as_of``."""
    return [t for t in tenures(organisation=organisation) if t.held_on(as_of)]


def person_posts(*, person) -> list[Tenure]:
    """A person's whole history of posts and ranks."""
    return tenures(person=person)


def post_history(*, organisation: Organisation, title: str) -> list[Tenure]:
    """Every holder of one post, in order."""
    return tenures(organisation=organisation, title=title)


def probations_ending(*, today: dt.date, days: int = 30) -> QuerySet[AppointmentItem]:
    """Appointments whose probation ends within ``days`` from ``today`` (DOMAIN §2, nightly)."""
    return AppointmentItem.objects.filter(
        void__isnull=True, probation_until__gte=today, probation_until__lte=today + dt.timedelta(days=days),
    ).select_related("notice", "organisation", "person").order_by("probation_until", "pk")


def current_division() -> DutyDivision | None:
    return DutyDivision.objects.order_by("-date", "-pk").first()


def office_leaders(*, office: str, division: DutyDivision | None = None) -> list[DutyOffice]:
    """Who presides over (主持…工作), is in charge of (分管) or assists with (协助分管)
    ``office`` in the current division (issue 10 §13). An office printed with its second
    name (“市政府驻杭州办事处(市政府驻长三角联络处)”) is found by either name."""
    division = division or current_division()
    name = clean(office)
    if division is None or not name:
        return []
    named = (Q(office__name=name) | Q(office__name__startswith=f"{name}(")
             | Q(office__name__endswith=f"({name})"))
    return list(DutyOffice.objects.filter(named, assignment__division=division).select_related(
        "assignment", "office").order_by("-relation", "assignment__order"))


def leaders_by_office(names: list[str]) -> dict[str, list[DutyOffice]]:
    """``office_leaders`` for several offices from one read of the current division's
    links (an office list, issue 12 §7); the same name rule."""
    division = current_division()
    if division is None:
        return {name: [] for name in names}
    links = list(DutyOffice.objects.filter(assignment__division=division).select_related(
        "assignment", "office").order_by("-relation", "assignment__order"))
    found = {}
    for office in names:
        name = clean(office)
        found[office] = [link for link in links if name and (
            link.office.name == name or link.office.name.startswith(f"{name}(")
            or link.office.name.endswith(f"({name})"))]
    return found
