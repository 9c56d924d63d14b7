"""Awards reads: reconciliation of declared counts, honours histories, decision detail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from apps.core.docnumbers import DocumentNumber
from apps.core.services import organisation_find
from apps.core.text import clean

from .models import AwardKind, Decision, Person, Recipient, Section


@dataclass(frozen=True)
class CountLine:
    section: Section
    declared: int | None
    listed: int

    @property
    def matches(self) -> bool:
        return self.declared is None or self.declared == self.listed

    @property
    def message(self) -> str:
        return (f"{self.section.decision.number}“{self.section.title}”公布{self.declared}个,"
                f"名单列出{self.listed}个,数量不符")


def counted_sections() -> QuerySet[Section]:
    """Sections with ``n_listed``, their own listed recipients (one query for any number)."""
    return Section.objects.annotate(n_listed=Count("recipients", filter=Q(recipients__void__isnull=True)))


def _decision_sections(decision: Decision) -> list[Section]:
    """The decision's sections with ``n_listed``: prefetched (``Prefetch("sections",
    counted_sections())``, as the admin lists do), else one query."""
    cached = getattr(decision, "_prefetched_objects_cache", {}).get("sections")
    sections = list(cached) if cached is not None else list(
        counted_sections().filter(decision=decision))
    for section in sections:
        section.decision = decision
    return sorted(sections, key=lambda s: (s.order, s.pk))


def _totals(sections: list[Section]) -> dict[int, int]:
    """Listed recipients per section including all its sub-sections."""
    own = {s.pk: s.n_listed for s in sections}
    children: dict[int, list[int]] = {}
    for s in sections:
        if s.parent_id in own:
            children.setdefault(s.parent_id, []).append(s.pk)

    def total(pk: int) -> int:
        return own[pk] + sum(total(child) for child in children.get(pk, []))

    return {pk: total(pk) for pk in own}


def section_listed_count(section: Section) -> int:
    """Recipients listed in a section and all its sub-sections (the decision's sections are
    read once, or taken from a prefetch on ``section.decision``)."""
    return _totals(_decision_sections(section.decision)).get(section.pk, 0)


def reconciliation(*, decision: Decision) -> list[CountLine]:
    """Declared count vs listed recipients for every section (DOMAIN §1: report mismatches)."""
    sections = _decision_sections(decision)
    totals = _totals(sections)
    return [CountLine(s, s.declared_count, totals[s.pk]) for s in sections]


def decision_listed_count(decision: Decision) -> int:
    """Listed recipients of the whole decision."""
    return sum(s.n_listed for s in _decision_sections(decision))


def mismatched_sections() -> list[CountLine]:
    lines = []
    for decision in Decision.objects.prefetch_related(Prefetch("sections", queryset=counted_sections())):
        lines.extend(line for line in reconciliation(decision=decision) if not line.matches)
    return lines


def decision_by_number(number: str) -> Decision | None:
    """The decision for a number in any bracket form (raises InvalidDocumentNumber)."""
    return Decision.objects.filter(number=str(DocumentNumber.parse(number))).first()


def recipient_row(recipient: Recipient) -> dict:
    """A listed recipient as in the decision API: name, and work unit as printed (None for a
    collective)."""
    if recipient.person_id:
        return {"name": recipient.person_name, "unit": recipient.unit_text or None}
    return {"name": recipient.text, "unit": None}


def decision_detail(decision: Decision) -> dict:
    """GET /api/awards/decisions/<number>: exactly the keys of issue 6."""
    sections = []
    for section in decision.sections.order_by("order"):
        recipients = section.recipients.listed().order_by("order")
        sections.append({
            "title": section.title,
            "award": section.get_award_display() or None,
            "declared": section.declared_count,
            "recipients": [recipient_row(r) for r in recipients],
        })
    return {"number": decision.number, "title": decision.title,
            "date": decision.date.isoformat(), "sections": sections}


def honours_queryset() -> QuerySet[Recipient]:
    """Listed recipients (voided ones left out, issue 9 §4) in decision order."""
    return Recipient.objects.listed().select_related(
        "section__decision", "organisation", "person").order_by(
        "section__decision__date", "section__decision__number", "section__order", "order")


def honours(*, person: str | None = None, unit: str | None = None) -> list[Recipient]:
    """A person's honours (name, optionally at a unit, through aliases), or a unit's honours.

    With a unit, the person is identified by name + unit and their whole history across
    units is returned; with a unit alone, every honour of the unit and its staff.
    """
    queryset = honours_queryset()
    if person:
        from .services import person_lookup

        people = person_lookup(name=person, unit=unit)
        return list(queryset.filter(person__in=people))
    if unit:
        organisation = organisation_find(clean(unit))
        if organisation is None:
            return []
        return list(queryset.filter(organisation=organisation))
    return []


def honour_row(recipient: Recipient) -> dict:
    """GET /api/awards/honours: exactly the keys of issue 6."""
    decision = recipient.section.decision
    return {
        "name": recipient.person_name or recipient.text,
        "unit": recipient.unit_text or (recipient.organisation.name
                                         if recipient.organisation else None),
        "award": recipient.section.get_award_display(),
        "decision_number": decision.number,
        "date": decision.date.isoformat(),
    }


def people_with_several_decisions() -> QuerySet[Person]:
    """People honoured in more than one decision."""
    return Person.objects.annotate(
        decisions=Count("honours__section__decision", distinct=True,
                        filter=Q(honours__void__isnull=True))).filter(decisions__gt=1)


def recipients_filtered(*, year: int | None = None, award: str | None = None,
                        unit: str | None = None) -> QuerySet[Recipient]:
    """Recipients by year, award kind (value or label) and unit, for lists and export."""
    queryset = honours_queryset()
    if year:
        queryset = queryset.filter(section__decision__year=year)
    if award:
        kind = next((k for k in AwardKind if award in (k.value, k.label)), None)
        queryset = queryset.filter(section__award=kind.value if kind else "__none__")
    if unit:
        organisation = organisation_find(clean(unit))
        queryset = queryset.filter(organisation=organisation) if organisation else queryset.none()
    return queryset


def counts_per_unit(queryset: QuerySet[Recipient]) -> list[dict]:
    return list(queryset.values("organisation__name").annotate(
        total=Count("id"), individuals=Count("id", filter=Q(person__isnull=False))).order_by(
        "-total", "organisation__name"))
