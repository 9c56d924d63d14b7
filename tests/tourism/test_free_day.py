"""二(二)1 of 衢政办发〔2020〕18号: which days a spot is free (working days incl. make-up
Saturdays, not closed; from the date 另行确定 also ordinary weekends, never statutory holidays)."""

import pytest

from apps.tourism import services
from apps.tourism.models import ScenicSpot, SpotClosure

from .conftest import D, get

pytestmark = pytest.mark.django_db
URL = "/api/tourism/free-day"


def free(client, user, spot, date):
    response = get(client, user, URL, spot=spot, date=date)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("date, expected", [
    ("2020-06-01", True),    # Monday
    ("2020-06-06", False),   # Saturday: 双休日 excluded
    ("2020-06-28", True),    # Sunday, 端午 make-up working day: a working day
    ("2020-10-10", True),    # Saturday, 国庆 make-up working day
    ("2020-06-25", False),   # 端午 (Thursday)
    ("2020-10-01", False),   # 国庆
    ("2020-01-31", False),   # 春节 as extended by 国办发明电〔2020〕1号
    ("2021-01-04", False),   # no 2021 programme
])
def test_working_days_only_until_the_weekend_extension(programme, client, wenlv, date, expected):
    body = free(client, wenlv, "烂柯山", date)
    assert body["free"] is expected and body["reason"]


def test_make_up_saturday_says_so(programme, client, wenlv):
    assert "调休上班日" in free(client, wenlv, "烂柯山", "2020-10-10")["reason"]


def test_weekends_from_the_extension_date_but_never_statutory_holidays(programme, client, wenlv):
    services.weekend_extension_set(programme=programme, starts_on=D(2020, 9, 1), basis="测试:另行确定的通知")
    assert free(client, wenlv, "烂柯山", "2020-08-29")["free"] is False   # Saturday before the date
    assert free(client, wenlv, "烂柯山", "2020-09-05")["free"] is True    # ordinary Saturday after it
    assert free(client, wenlv, "烂柯山", "2020-10-03")["free"] is False   # Saturday inside 国庆 10-01…08
    assert free(client, wenlv, "烂柯山", "2020-10-04")["free"] is False   # Sunday inside 国庆
    assert free(client, wenlv, "烂柯山", "2020-10-07")["free"] is False   # bridged rest day (Wednesday)
    assert free(client, wenlv, "烂柯山", "2020-10-11")["free"] is True    # ordinary Sunday


def test_closed_days_are_not_free(programme, client, wenlv):
    spot = ScenicSpot.objects.get(name="龙游石窟")
    SpotClosure.objects.create(spot=spot, starts_on=D(2020, 2, 3), ends_on=D(2020, 3, 20))
    assert free(client, wenlv, "龙游石窟", "2020-03-20")["free"] is False  # both ends included
    assert "关闭" in free(client, wenlv, "龙游石窟", "2020-02-03")["reason"]
    assert free(client, wenlv, "龙游石窟", "2020-03-23")["free"] is True
    assert free(client, wenlv, "烂柯山", "2020-03-20")["free"] is True     # another spot


def test_the_printed_exclusion_is_named(programme, client, wenlv):
    body = free(client, wenlv, "江郎山", "2020-06-01")
    assert body["free"] is True and "“郎峰”" in body["reason"]


def test_other_participating_spots_follow_the_same_days(programme, client, wenlv):
    # 二(二)1 speaks of 参与景区: the ~100 others too (they get no subsidy, 三).
    assert free(client, wenlv, "桃源七里", "2020-06-01")["free"] is True
    assert free(client, wenlv, "桃源七里景区", "2020-06-06")["free"] is False


def test_errors(programme, client, wenlv):
    assert get(client, wenlv, URL, spot="不存在的景区", date="2020-06-01").status_code == 404
    response = get(client, wenlv, URL, date="2020-06-01")
    assert response.status_code == 400 and response.json()["parameter"] == "spot"
    assert get(client, wenlv, URL, spot="烂柯山", date="2020-13-01").status_code == 400


def test_without_the_programme(db, client, wenlv):
    assert get(client, wenlv, URL, spot="烂柯山", date="2020-06-01").status_code == 404
