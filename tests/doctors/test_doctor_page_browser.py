"""The doctor page in a real browser: score, timeline and masked ID for a 医保 user."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.core import resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_yibao_staff_sees_the_score_and_timeline_on_the_doctor_page(
        admin_login, live_server, make_staff, make_doctor, kecheng_hospital, deduct):
    year = timezone.localdate().year
    doctor = make_doctor("浏览器医生", institutions=[kecheng_hospital], start=dt.date(year, 1, 1),
                         end=dt.date(year, 12, 31))
    deduct(doctor, kecheng_hospital, "18.1", dt.date(year, 1, 6))
    deduct(doctor, kecheng_hospital, "19.4", dt.date(year, 1, 7))
    page = admin_login(make_staff("yb_browser", "医保"))
    page.goto(f"{live_server.url}/admin/doctors/doctor/?band=6-8")
    assert resident_id.mask(doctor.resident_id) in page.content()
    page.click("text=浏览器医生")
    assert page.locator(".points-deducted").inner_text() == "8"
    assert page.locator(".points-left").inner_text() == "4"
    timeline = page.locator("#doctor-timeline").inner_text()
    assert "第18.1项 扣6分" in timeline and "约谈(累计扣分达6分)" in timeline
