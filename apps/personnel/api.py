"""Personnel API (thin: selectors do the work)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Schema

from apps.core import params
from apps.core.api import ApiError, ApiRouter

from . import selectors

router = ApiRouter("personnel")


class Duty(Schema):
    person: str
    relation: str  # presiding | in_charge | assisting


@router.get("roster", permission="personnel.view_appointmentitem", url_name="personnel-roster")
def roster(request, organisation: params.RequiredText, as_of: params.Date = None):
    """Who holds which post in ``organisation`` (name or alias) on ``as_of`` (default today)."""
    found = selectors.organisation_named(organisation)
    if found is None:
        raise ApiError(f"未找到单位“{organisation}”", status=404)
    return [t.as_row() for t in selectors.roster(organisation=found,
                                                 as_of=as_of or timezone.localdate())]


@router.get("duties", permission="personnel.view_dutyassignment", response=list[Duty],
            url_name="personnel-duties")
def duties(request, office: params.RequiredText):
    """Who presides (presiding), is in charge (in_charge) or assists (assisting) ``office``,
    issue 10 §13. An office not on record: 200 with []."""
    return [{"person": link.assignment.person_name, "relation": link.relation}
            for link in selectors.office_leaders(office=office)]
