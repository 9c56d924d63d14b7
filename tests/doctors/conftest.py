"""Fixtures for the doctors tests: two institutions in two regions, doctors, deductions."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.core import resident_id
from apps.doctors import services
from apps.doctors.models import Doctor, Institution, Qualification, ViolationItem

D = dt.date
YEAR_START, YEAR_END = D(2020, 1, 1), D(2020, 12, 31)


@pytest.fixture
def kecheng_hospital(regions) -> Institution:
    return Institution.objects.create(code="H330802001", name="衢州市人民医院", region=regions["330802"],
                                      agreement_start=D(2020, 1, 1), agreement_end=D(2020, 12, 31))


@pytest.fixture
def jiangshan_hospital(regions) -> Institution:
    return Institution.objects.create(code="H330881001", name="江山市人民医院", region=regions["330881"],
                                      agreement_start=D(2020, 1, 1), agreement_end=D(2020, 12, 31))


@pytest.fixture
def make_doctor(db):
    counter = {"n": 0}

    def make(name: str = "张医生", *, institutions=(), start=YEAR_START, end=YEAR_END,
             phone: str = "") -> Doctor:
        counter["n"] += 1
        doctor = Doctor.objects.create(
            name=name, resident_id=resident_id.compose("330802", D(1980, 5, 1), counter["n"]),
            certificate_number=f"11033080200{counter['n']:04d}",
            qualification=Qualification.PHYSICIAN, phone=phone)
        for institution in institutions:
            services.agreement_create(doctor=doctor, institution=institution, start=start, end=end)
        return doctor

    return make


@pytest.fixture
def doctor(make_doctor, kecheng_hospital):
    return make_doctor(institutions=[kecheng_hospital])


@pytest.fixture
def deduct(db):
    """deduct(doctor, institution, "19.4", notice_date) records a deduction via the service."""

    def record(doctor, institution, code: str, notice: dt.date, violation: dt.date | None = None,
               channel: str = "written"):
        return services.deduction_record(
            doctor=doctor, institution=institution, item=ViolationItem.objects.get(code=code),
            violation_date=violation or notice, notice_date=notice, channel=channel)

    return record
