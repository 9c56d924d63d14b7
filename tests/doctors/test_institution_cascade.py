"""Art. 14: an institution's suspended/terminated agreement reaches its doctors there only."""

import datetime as dt

import pytest

from apps.core.models import Notice
from apps.doctors import selectors, services
from apps.doctors.models import InstitutionEvent

D = dt.date
pytestmark = pytest.mark.django_db


def statuses(doctor, on):
    return {a["institution"]: a["status"]
            for a in selectors.doctor_standing(doctor=doctor, on=on)["agreements"]}


def test_institution_suspension_suspends_its_doctors_there_and_not_elsewhere(
        make_doctor, kecheng_hospital, jiangshan_hospital):
    doctor = make_doctor(institutions=[kecheng_hospital, jiangshan_hospital])
    services.institution_event_record(institution=kecheng_hospital, kind=InstitutionEvent.Kind.SUSPENDED,
                                      effective_date=D(2020, 6, 1), reason="违规结算")
    assert statuses(doctor, D(2020, 5, 31)) == {"H330802001": "active", "H330881001": "active"}
    assert statuses(doctor, D(2020, 6, 1)) == {"H330802001": "suspended", "H330881001": "active"}
    services.institution_event_record(institution=kecheng_hospital, kind=InstitutionEvent.Kind.RESUMED,
                                      effective_date=D(2020, 7, 1))
    assert statuses(doctor, D(2020, 7, 1))["H330802001"] == "active"
    assert Notice.objects.filter(source__startswith="institution-event:").count() == 2
    assert selectors.payability(doctor=doctor, institution=kecheng_hospital,
                                on=D(2020, 6, 15))["payable"] is False


def test_institution_termination_terminates_its_doctors_agreements(make_doctor, kecheng_hospital):
    doctor = make_doctor(institutions=[kecheng_hospital])
    services.institution_event_record(institution=kecheng_hospital, kind=InstitutionEvent.Kind.TERMINATED,
                                      effective_date=D(2020, 8, 1))
    assert statuses(doctor, D(2020, 8, 1)) == {"H330802001": "terminated"}
