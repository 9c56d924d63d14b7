import datetime as dt

import pytest

from apps.core import workdays
from apps.core.models import WorkdayOverride, WorkdaySchedule

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.mark.django_db
def test_national_day_2020_and_its_make_up_workdays():
    assert workdays.is_workday(D(2020, 9, 27))  # Sunday, make-up workday
    assert workdays.is_workday(D(2020, 10, 10))  # Saturday, make-up workday
    for day in range(1, 9):
        assert not workdays.is_workday(D(2020, 10, day))
    assert not workdays.is_workday(D(2020, 10, 11))  # ordinary Sunday


@pytest.mark.django_db
def test_ten_working_days_from_a_notice_spanning_national_day():
    # Notice 2020-09-29 (not counted): 09-30, 10-09, 10-10(调休), 10-12 … 10-16, 10-19, 10-20.
    assert workdays.add_working_days(D(2020, 9, 29), 10) == D(2020, 10, 20)
    assert workdays.add_working_days(D(2020, 9, 25), 1) == D(2020, 9, 27)


@pytest.mark.django_db
def test_the_start_day_is_not_counted():
    assert workdays.add_working_days(D(2020, 6, 1), 1) == D(2020, 6, 2)
    assert workdays.working_days_between(D(2020, 6, 1), D(2020, 6, 1)) == 0
    assert workdays.working_days_between(D(2020, 6, 1), D(2020, 6, 2)) == 1


@pytest.mark.django_db
def test_count_between_skips_holidays_and_counts_make_up_days():
    # 2020-09-25 (Fri) → 2020-10-12 (Mon): 09-27, 09-28, 09-29, 09-30, 10-09, 10-10, 10-12.
    assert workdays.working_days_between(D(2020, 9, 25), D(2020, 10, 12)) == 7


@pytest.mark.django_db
def test_subtract_working_days_mirrors_add():
    assert workdays.subtract_working_days(D(2020, 10, 20), 10) == D(2020, 9, 29)
    assert workdays.within_working_days(D(2020, 9, 29), 10, D(2020, 10, 20))
    assert not workdays.within_working_days(D(2020, 9, 29), 10, D(2020, 10, 21))


@pytest.mark.django_db
def test_a_year_the_package_does_not_cover_is_provisional_not_an_error():
    assert workdays.year_basis(2026) == workdays.Basis.PACKAGE
    assert workdays.year_basis(2027) == workdays.Basis.STATUTORY
    assert workdays.year_is_provisional(2027) and not workdays.year_is_provisional(2026)
    assert workdays.is_provisional(D(2027, 2, 8)) and not workdays.is_provisional(D(2026, 12, 31))
    assert not workdays.is_workday(D(2027, 2, 8))  # 春节初三 (Monday)
    # 12-31 (Thu) 1, 2027-01-01 元旦 off, 01-04…01-07 2–5
    assert workdays.add_working_days(D(2026, 12, 30), 5) == D(2027, 1, 7)
    due = workdays.deadline(D(2026, 12, 30), 5)
    assert (due.date, due.provisional) == (D(2027, 1, 7), True)
    assert str(due) == "2027年1月7日(暂定)"
    within_2026 = workdays.deadline(D(2026, 12, 1), 5)
    assert (within_2026.date, within_2026.provisional) == (D(2026, 12, 8), False)


@pytest.mark.django_db
def test_provisional_2027_follows_the_2024_amendment_without_make_up_workdays():
    """《全国年节及纪念日放假办法》(2024): 元旦1, 春节4 (除夕–初三), 清明1, 劳动节2, 端午1,
    中秋1, 国庆3; a holiday on a weekend is made up on the next working day (art. 6)."""
    off = {D(2027, 1, 1),  # 元旦 (Fri)
           D(2027, 2, 5), D(2027, 2, 8),  # 除夕 (Fri), 初三 (Mon); 初一/初二 are Sat/Sun
           D(2027, 2, 9), D(2027, 2, 10),  # 补假 for 初一, 初二 on the weekend
           D(2027, 4, 5),  # 清明 (Mon)
           D(2027, 5, 3), D(2027, 5, 4),  # 补假 for 5/1–5/2 (Sat/Sun)
           D(2027, 6, 9),  # 端午 (Wed)
           D(2027, 9, 15),  # 中秋 (Wed)
           D(2027, 10, 1), D(2027, 10, 4), D(2027, 10, 5)}  # 国庆 (Fri) + 补假 for 10/2–10/3
    weekdays_off = {d for d in off if d.weekday() < 5}
    assert weekdays_off == off
    day = D(2027, 1, 1)
    while day.year == 2027:
        assert workdays.is_workday(day) == (day.weekday() < 5 and day not in off), day
        day += dt.timedelta(days=1)
    assert set(workdays.statutory_holidays(2027)) >= off | {D(2027, 2, 6), D(2027, 2, 7),
                                                            D(2027, 10, 2), D(2027, 10, 3)}
    # No make-up workday is guessed: the Saturday/Sunday around 春节 stay rest days.
    assert not workdays.is_workday(D(2027, 2, 20)) and not workdays.is_workday(D(2027, 2, 21))


@pytest.mark.django_db
def test_a_year_without_any_data_falls_back_to_the_fixed_date_holidays():
    assert workdays.year_is_provisional(2031)
    assert not workdays.is_workday(D(2031, 1, 23))  # 春节 2031 (Thu), from the lunar calendar
    assert workdays.statutory_holidays(2200) == {
        D(2200, 1, 1): "元旦", D(2200, 5, 1): "劳动节", D(2200, 5, 2): "劳动节",
        D(2200, 10, 1): "国庆节", D(2200, 10, 2): "国庆节", D(2200, 10, 3): "国庆节"}
    assert not workdays.is_workday(D(2200, 1, 1))
    assert workdays.deadline(D(2200, 6, 2), 3).provisional


@pytest.mark.django_db
def test_a_schedule_day_listed_early_is_official_even_in_a_provisional_year():
    schedule = WorkdaySchedule.objects.create(year=2028, notice="国办发明电〔2027〕X号")
    WorkdayOverride.objects.create(schedule=schedule, date=D(2027, 12, 31), kind="holiday")
    assert workdays.year_is_provisional(2027)
    assert not workdays.is_provisional(D(2027, 12, 31))
    assert workdays.is_provisional(D(2027, 12, 30))
    assert not workdays.is_workday(D(2027, 12, 31))


@pytest.mark.django_db
def test_an_entered_schedule_covers_2027_and_takes_precedence(admin_user):
    schedule = WorkdaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕X号",
                                              entered_by=admin_user)
    WorkdayOverride.objects.create(schedule=schedule, date=D(2027, 1, 1), kind="holiday", name="元旦")
    WorkdayOverride.objects.create(schedule=schedule, date=D(2027, 1, 9), kind="workday", name="元旦")
    assert not workdays.is_workday(D(2027, 1, 1))  # Friday, holiday
    assert workdays.is_workday(D(2027, 1, 9))  # Saturday, make-up workday
    assert workdays.is_workday(D(2027, 1, 4))  # ordinary Monday
    assert not workdays.is_workday(D(2027, 1, 10))  # ordinary Sunday
    assert workdays.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert not workdays.year_is_provisional(2027)
    assert workdays.deadline(D(2026, 12, 31), 1) == workdays.Deadline(D(2027, 1, 4), False)


@pytest.mark.django_db
def test_entered_schedule_overrides_package_data_for_a_covered_year():
    schedule = WorkdaySchedule.objects.create(year=2026, notice="更正")
    WorkdayOverride.objects.create(schedule=schedule, date=D(2026, 3, 2), kind="holiday")
    assert not workdays.is_workday(D(2026, 3, 2))


def test_staff_enter_a_schedule_in_the_admin_and_deadlines_use_it(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/core/workdayschedule/add/", {
        "year": "2027", "notice": "国办发明电〔2026〕X号",
        "days-TOTAL_FORMS": "2", "days-INITIAL_FORMS": "0",
        "days-0-date": "2027-02-08", "days-0-kind": "holiday", "days-0-name": "春节",
        "days-1-date": "2027-02-06", "days-1-kind": "workday", "days-1-name": "春节",
    })
    assert response.status_code == 302, response.content.decode()[:1500]
    assert not workdays.is_workday(D(2027, 2, 8))  # Monday off
    assert workdays.is_workday(D(2027, 2, 6))  # Saturday worked
    assert workdays.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 6)


@pytest.mark.django_db
def test_other_processes_pick_up_a_new_schedule_after_the_cache_lifetime(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(workdays.time, "monotonic", lambda: clock[0])
    assert workdays.year_is_provisional(2027)
    # Saved by another process: no signal reaches this one (bulk_create sends none either).
    WorkdaySchedule.objects.bulk_create([WorkdaySchedule(year=2027, notice="国办发明电〔2026〕X号")])
    assert workdays.year_is_provisional(2027)  # still cached in this process
    clock[0] += workdays.SCHEDULE_CACHE_SECONDS + 1
    assert not workdays.year_is_provisional(2027)
    assert workdays.is_workday(D(2027, 3, 1))


def test_deleting_a_schedule_in_the_admin_takes_effect(client, admin_user):
    schedule = WorkdaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕X号")
    assert not workdays.year_is_provisional(2027)
    client.force_login(admin_user)
    response = client.post(f"/admin/core/workdayschedule/{schedule.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert workdays.year_is_provisional(2027)  # back to the statutory computation
    assert not workdays.is_workday(D(2027, 1, 1))


@pytest.mark.django_db
def test_a_make_up_day_in_the_previous_year_counts():
    """A 2027 notice may move a working day into December 2026 (covered by the package)."""
    assert not workdays.is_workday(D(2026, 12, 26))  # Saturday
    schedule = WorkdaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕X号")
    WorkdayOverride.objects.create(schedule=schedule, date=D(2026, 12, 26), kind="workday", name="元旦")
    assert workdays.is_workday(D(2026, 12, 26))


def test_a_schedule_read_before_a_clear_is_not_cached_after_it(monkeypatch):
    """Review finding (issue 13 §5): in a threaded server, thread A reads the old schedule,
    thread B saves a new one and clears the cache, then A stores what it read. The cache is
    generation-stamped: A's answer serves A's own call, and the next call reads the new
    schedule (2031 entered → 2031-06-02, a Monday, is official, not 暂定)."""
    import threading

    old = workdays.Entered(frozenset(), {})
    new = workdays.Entered(frozenset({2031}), {})
    reading, release = threading.Event(), threading.Event()
    schedules = [old]

    def load():
        entered = schedules[0]
        if entered is old:
            reading.set()
            assert release.wait(10)
        return entered

    monkeypatch.setattr(workdays, "_load", load)
    seen: list = []
    reader = threading.Thread(target=lambda: seen.append(workdays._entered()))
    reader.start()
    assert reading.wait(10)

    def save_new_schedule():
        schedules[0] = new
        workdays.clear_cache()

    saver = threading.Thread(target=save_new_schedule)
    saver.start()
    saver.join(10)
    release.set()
    reader.join(10)
    assert seen == [old]  # the reader's own call used what it read
    assert workdays._entered() is new
    assert not workdays.is_provisional(D(2031, 6, 2))


@pytest.mark.django_db
def test_a_schedule_saved_in_an_open_transaction_is_not_cached_for_others():
    """Review finding: inside the transaction that enters a schedule this thread sees it
    (its deadlines are recomputed there), but it is never put in the shared cache — another
    thread meanwhile, or anyone after a rollback, still gets the committed schedule."""
    import threading

    from django.db import transaction

    assert workdays.is_provisional(D(2031, 6, 2))
    with pytest.raises(RuntimeError), transaction.atomic():
        WorkdaySchedule.objects.create(year=2031)
        workdays.clear_cache()
        assert not workdays.is_provisional(D(2031, 6, 2))  # this thread: its own schedule
        other: list = []
        thread = threading.Thread(target=lambda: other.append(workdays._cache[:]))
        thread.start()
        thread.join(10)
        assert other == [[]]  # nothing cached from the open transaction
        raise RuntimeError("rolled back")
    assert workdays.is_provisional(D(2031, 6, 2))  # the rollback leaves no trace
    assert workdays._entered().years == frozenset(WorkdaySchedule.objects.values_list("year", flat=True))
