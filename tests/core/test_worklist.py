"""今日待办: the registry, the holiday-schedule item and the empty list (issue 12 §2).

chinesecalendar 1.11 carries the State Council schedules up to 2026; 2027 has none, so its
working days are provisional (暂定) until 市府办 enter it (apps.core.workdays)."""

import datetime as dt

import pytest

from apps.core import workdays, worklist
from apps.core.models import WorkdaySchedule

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Entered schedules are cached per process (apps.core.workdays): none leaks between tests."""
    workdays.clear_cache()
    yield
    workdays.clear_cache()
KEY = "core.holiday_schedule"


def line(user, on):
    return {found.key: found for found in worklist.lines(user, on=on)}.get(KEY)


def test_every_app_contributes_its_items():
    assert set(worklist.registry()) == {
        "core.holiday_schedule", "subsidies.submit", "subsidies.stale", "subsidies.approve",
        "subsidies.pay", "subsidies.overdue", "subsidies.failed_jobs", "doctors.interviews",
        "doctors.restore", "doctors.appeals", "personnel.probations", "bizenv.mine", "bizenv.overdue",
        "tourism.resettle"}


def test_next_years_schedule_is_asked_for_from_1_november(make_staff):
    """The day the nightly reminder starts (services.calendar_check)."""
    assert workdays.year_is_provisional(2027) and not workdays.year_is_provisional(2026)
    shifuban = make_staff("wc-s", "市府办")
    assert line(shifuban, D(2026, 10, 31)).count == 0
    found = line(shifuban, D(2026, 11, 1))
    # 30 days of November and 31 of December: 61 days to 2027-01-01.
    assert (found.count, found.note, found.deadline, found.days_left) == (1, "2027年", D(2027, 1, 1), 61)
    assert found.url == "/admin/core/workdayschedule/add/?year=2027"
    # Only 市府办 maintain the calendar, at city level.
    assert line(make_staff("wc-k", "市府办", region_code="330802"), D(2026, 11, 1)) is None
    assert line(make_staff("wc-m", "民政"), D(2026, 11, 1)) is None
    WorkdaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕9号")
    workdays.clear_cache()
    assert line(shifuban, D(2026, 11, 1)).count == 0


def test_a_current_year_without_schedule_is_always_listed(make_staff):
    found = line(make_staff("wc-s", "市府办"), D(2030, 3, 1))
    assert (found.count, found.note, found.days_text) == (1, "2030年", "已超期59天")


def test_add_link_prefills_the_year(make_staff, client):
    client.force_login(make_staff("wc-s", "市府办"))
    response = client.get("/admin/core/workdayschedule/add/?year=2027")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["year"] == "2027"


def test_index_says_when_nothing_waits(make_staff, client, monkeypatch):
    monkeypatch.setattr(worklist, "today", lambda: D(2026, 6, 1))
    user = make_staff("wc-e", "市场监管")
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "今日待办" in page and "今日暂无待办事项" in page
    assert client.get("/api/worklist").json() == {"date": "2026-06-01", "items": []}

