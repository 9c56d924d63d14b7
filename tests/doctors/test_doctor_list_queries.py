"""Issue 12 §7: the doctors list ran 94 queries for 9 doctors (points, grade and status read
per row). With the demo's doctors in every band (art. 21) the list runs as many queries for
eight doctors as for one, and shows the same points, grades and statuses as the per-doctor
selectors."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from apps.doctors import demo, selectors
from apps.doctors.admin import DoctorAdmin
from apps.doctors.models import CreditGrade, Doctor

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_doctors_list_runs_as_many_queries_for_eight_doctors_as_for_one(client, yibao_user, regions):
    demo.load()
    client.force_login(yibao_user)
    assert Doctor.objects.count() == 8
    one = _count(client, "/admin/doctors/doctor/?q=DEMO3308000007")
    eight = _count(client, "/admin/doctors/doctor/")
    assert eight == one < 30


def test_the_list_shows_what_the_per_doctor_selectors_derive(yibao_user, regions):
    """褚强 reached 12 points (art. 21: 解除), 冯磊 10, 周清 0."""
    demo.load()
    model_admin = DoctorAdmin(Doctor, admin.site)
    request = RequestFactory().get("/admin/doctors/doctor/")
    request.user = yibao_user
    listed = selectors.doctors_for_list(model_admin.get_queryset(request), selectors.dt.date.today())
    plain = Doctor.objects.in_bulk()
    shown = {}
    for doctor in listed:
        row = (model_admin.points_this_year(doctor), model_admin.credit_today(doctor),
               model_admin.status_today(doctor))
        per_row = (model_admin.points_this_year(plain[doctor.pk]),
                   model_admin.credit_today(plain[doctor.pk]),
                   model_admin.status_today(plain[doctor.pk]))
        assert row == per_row, doctor.name
        shown[doctor.name] = row
    assert shown["周清"][0] == 0 and shown["冯磊"][0] == 10 and shown["褚强"][0] == 12
    assert "解除" in shown["褚强"][2]
    assert shown["周清"][1] in ("—", *CreditGrade.Grade.labels)
