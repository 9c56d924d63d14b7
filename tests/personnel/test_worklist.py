"""今日待办: probations ending within 30 days (DOMAIN §2; issue 12 §2). In the seed gazette
four appointments of 2020-06-27 carry 试用期一年, ending 2021-06-27 (陶乐, 饶新, 徐威, 周扬涛)."""

import datetime as dt

import pytest

from apps.core import worklist
from apps.personnel import services
from apps.personnel.models import AppointmentItem

D = dt.date
pytestmark = pytest.mark.django_db
KEY = "personnel.probations"


def line(user, on):
    return {found.key: found for found in worklist.lines(user, on=on)}.get(KEY)


def test_probations_ending_within_30_days_for_city_hr(gazette, make_staff):
    shifuban, renshe = make_staff("wp-s", "市府办"), make_staff("wp-r", "人社")
    assert line(shifuban, D(2021, 5, 27)).count == 0   # 31 days before the end
    found = line(shifuban, D(2021, 5, 28))
    assert (found.count, found.deadline, found.days_left) == (4, D(2021, 6, 27), 30)
    assert found.url == "/admin/personnel/appointmentitem/?todo=personnel.probations"
    assert line(renshe, D(2021, 6, 27)).count == 4      # the last day still counts
    assert line(renshe, D(2021, 6, 28)).count == 0
    # City-wide records: no line for county staff, nor for bureaus without personnel access.
    assert line(make_staff("wp-k", "市府办", region_code="330802"), D(2021, 5, 28)) is None
    assert line(make_staff("wp-m", "民政"), D(2021, 5, 28)) is None


def test_a_voided_appointment_leaves_the_list(gazette, make_staff):
    shifuban = make_staff("wp-s", "市府办")
    item = AppointmentItem.objects.get(person_name="陶乐", probation_until=D(2021, 6, 27))
    services.item_void(item=item, reason="录入错误", actor=shifuban)
    assert line(shifuban, D(2021, 5, 28)).count == 3


def test_link_lists_the_four(gazette, make_staff, client, monkeypatch):
    monkeypatch.setattr(worklist, "today", lambda: D(2021, 6, 1))
    shifuban = make_staff("wp-s", "市府办")
    client.force_login(shifuban)
    response = client.get(line(shifuban, D(2021, 6, 1)).url)
    assert response.context["cl"].result_count == 4
    assert "周扬涛" in response.content.decode()
