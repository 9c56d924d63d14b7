"""Nightly: probations ending within 30 days are flagged for HR (admin list + outbox notice)."""

import datetime as dt
from io import StringIO

import pytest

from apps.core.models import Notice
from apps.personnel import tasks
from apps.personnel.models import ProbationFlag

pytestmark = pytest.mark.django_db


def test_nothing_is_flagged_more_than_30_days_before_the_end(gazette):
    assert tasks.flag_probations.delay("2021-05-27").get() == 0
    assert not ProbationFlag.objects.exists()


def test_four_probations_ending_2021_06_27_are_flagged_once(gazette):
    assert tasks.flag_probations.delay("2021-05-28").get() == 4
    flags = ProbationFlag.objects.order_by("item__order")
    assert [(f.item.person_name, f.probation_until) for f in flags] == [
        ("陶乐", dt.date(2021, 6, 27)), ("饶新", dt.date(2021, 6, 27)),
        ("徐威", dt.date(2021, 6, 27)), ("周扬涛", dt.date(2021, 6, 27))]
    notices = Notice.objects.filter(topic="personnel.probation")
    assert notices.count() == 4
    assert notices.filter(channel=Notice.Channel.INTERNAL, subject__contains="陶乐").exists()
    assert tasks.flag_probations.delay("2021-06-01").get() == 0
    assert Notice.objects.filter(topic="personnel.probation").count() == 4


def test_probation_already_ended_is_not_flagged(gazette):
    assert tasks.flag_probations.delay("2021-06-28").get() == 0


def test_admin_lists_the_flags_for_hr(gazette, client, renshe_user):
    tasks.flag_probations.delay("2021-06-10").get()
    client.force_login(renshe_user)
    response = client.get("/admin/personnel/probationflag/")
    assert response.status_code == 200
    assert "周扬涛" in response.content.decode()


def test_probation_command(gazette):
    from django.core.management import call_command

    out = StringIO()
    call_command("flag_probations", "--date", "2021-06-01", stdout=out)
    assert "新增提醒 4 条" in out.getvalue()
    out = StringIO()
    call_command("flag_probations", "--date", "2021-06-01", stdout=out)
    assert "没有新的试用期到期提醒" in out.getvalue()


@pytest.mark.parametrize("today, flagged", [
    (dt.date(2021, 5, 27), 0),  # 31 days before 2021-06-27: not yet
    (dt.date(2021, 5, 28), 4),  # day 30: flagged
    (dt.date(2021, 6, 27), 4),  # the last day of probation itself
    (dt.date(2021, 6, 28), 0),  # ended
])
def test_the_30_day_window_boundary(gazette, today, flagged):
    from apps.personnel import selectors, services

    ending = selectors.probations_ending(today=today)
    assert ending.count() == flagged
    # the four 试用期一年 appointments of 2020-06-28 all end on 2021-06-27 (DOMAIN §2)
    assert {item.probation_until for item in ending} <= {dt.date(2021, 6, 27)}
    assert len(services.probation_flags_raise(today=today)) == flagged
    assert ProbationFlag.objects.count() == flagged
