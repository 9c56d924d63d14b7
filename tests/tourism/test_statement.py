"""结算单 (review finding 1–2): the settlement of 衢政办发〔2020〕18号 三(三) is issued as a
stored, dated statement (``services.do_settle``) that later closures, corrected inputs or an
entered holiday schedule never change; a correction is a new statement superseding the old
(both kept). Closures are voided or corrected, never edited. 暂定 when a counted free day
rests on a provisional calendar year. Figures by hand from 三(一)(三) (see test_settlement)."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction

from apps.core import workdays
from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent, Region, WorkdayOverride, WorkdaySchedule
from apps.tourism import services
from apps.tourism.models import (
    FreeTourYear,
    ScenicSpot,
    SettlementStatement,
    SpotClosure,
    SpotClosureVoid,
)

from .conftest import D, get

pytestmark = pytest.mark.django_db


def url(name):
    return f"/api/tourism/spots/{name}/settlement"


def settle_inputs(spot, year=2020, **values):
    row = {"spot": ScenicSpot.objects.get(name=spot, programme__year=year), "year": year,
           "base_2019": None, "daily_ticket_income": None, "reward_ratio": None, "visitors": None, **values}
    return services.settlements_record(rows=[row])[0]


@pytest.fixture
def lanke(programme):
    """烂柯山 2020: 2019 amount 200000, 日均 1000.01, ratio 0.5 (as in test_settlement)."""
    settle_inputs("烂柯山", base_2019=Decimal("200000"), daily_ticket_income=Decimal("1000.01"),
                  reward_ratio=Decimal("0.5"))
    return ScenicSpot.objects.get(name="烂柯山")


def test_a_statement_is_stored_and_a_later_closure_changes_only_the_preview(lanke, client, wenlv):
    first = services.do_settle(spot=lanke, year=2020, as_of=D(2021, 3, 1), actor=wenlv)
    # 三(三): 1000.01 × 249 × 0.5 = 124501.245 → 124501.25; 200000 advance → 退 75498.75.
    assert (first.free_days, first.final, first.difference, first.direction, first.provisional) == (
        249, Decimal("124501.25"), Decimal("-75498.75"), "退", False)
    # 2020-06-01…05 (Monday–Friday, five working days) closed, recorded after the statement.
    closure = services.closures_record(rows=[{"spot": lanke, "starts_on": D(2020, 6, 1),
                                              "ends_on": D(2020, 6, 5), "note": ""}])[0]
    body = get(client, wenlv, url("烂柯山"), year="2020").json()
    assert (body["statement"], body["computed_on"], body["free_days"], body["final"]) == (
        first.pk, "2021-03-01", 249, "124501.25")  # the statement answers, not the live count
    second = services.do_settle(spot=lanke, year=2020, as_of=D(2021, 4, 1), actor=wenlv,
                                note="补录6月关闭")
    # 244 days: 1000.01 × 244 × 0.5 = 122001.22; 122001.22 − 200000 = −77998.78.
    assert (second.free_days, second.final, second.difference) == (
        244, Decimal("122001.22"), Decimal("-77998.78"))
    assert second.supersedes == first and SettlementStatement.objects.count() == 2
    body = get(client, wenlv, url("烂柯山"), year="2020").json()
    assert (body["statement"], body["computed_on"], body["final"], body["direction"]) == (
        second.pk, "2021-04-01", "122001.22", "退")
    # Voiding the closure does not touch the statement in force.
    services.closure_void(closure=closure, reason="录入有误", actor=wenlv)
    assert get(client, wenlv, url("烂柯山"), year="2020").json()["final"] == "122001.22"
    event = AuditEvent.objects.filter(model="tourism.SettlementStatement").latest("pk")
    assert event.actor == wenlv and "122001.22" in event.note


def test_a_statement_is_never_edited_or_deleted(lanke):
    statement = services.do_settle(spot=lanke, year=2020, as_of=D(2021, 3, 1))
    statement.final = Decimal("1")
    with pytest.raises(AuthorityError), transaction.atomic():
        statement.save()
    with pytest.raises(AuthorityError), transaction.atomic():
        SettlementStatement.objects.get().delete()
    assert SettlementStatement.objects.get().final == Decimal("124501.25")


def test_corrected_inputs_need_a_new_statement(lanke, client, wenlv):
    services.do_settle(spot=lanke, year=2020, as_of=D(2021, 3, 1))
    settle_inputs("烂柯山", base_2019=Decimal("200000"), daily_ticket_income=Decimal("1200"),
                  reward_ratio=Decimal("0.5"))
    assert get(client, wenlv, url("烂柯山"), year="2020").json()["final"] == "124501.25"
    services.do_settle(spot=lanke, year=2020, as_of=D(2021, 3, 2))
    # 1200 × 249 × 0.5 = 149400; 149400 − 200000 = −50600.
    body = get(client, wenlv, url("烂柯山"), year="2020").json()
    assert (body["final"], body["difference"], body["computed_on"]) == ("149400.00", "-50600.00", "2021-03-02")


@pytest.mark.parametrize(("spot", "as_of", "refusal"), [
    ("烂柯山", D(2020, 12, 31), "活动期结束后方可结算"),   # 三(三): after the year's free days are known
    ("烂柯山", D(2099, 1, 1), "晚于今天"),
    ("水亭门", D(2021, 3, 1), "不是核心收费景区"),         # 三: core spots only
    ("天脊龙门", D(2021, 3, 1), "日均门票收入"),            # inputs missing
])
def test_do_settle_refuses(lanke, spot, as_of, refusal):
    with pytest.raises(services.Refused, match=refusal):
        services.do_settle(spot=ScenicSpot.objects.get(name=spot), year=2020, as_of=as_of)
    assert SettlementStatement.objects.count() == 0


def test_the_same_figures_twice_or_an_earlier_date_are_refused(lanke):
    services.do_settle(spot=lanke, year=2020, as_of=D(2021, 3, 1))
    with pytest.raises(services.Refused, match="相同"):
        services.do_settle(spot=lanke, year=2020, as_of=D(2021, 3, 5))
    settle_inputs("烂柯山", base_2019=Decimal("1"), daily_ticket_income=Decimal("1"), reward_ratio=Decimal("1"))
    with pytest.raises(services.Refused, match="早于现行结算单"):
        services.do_settle(spot=lanke, year=2020, as_of=D(2021, 2, 1))


def test_a_county_settles_only_its_own_spots(lanke, make_staff):
    ScenicSpot.objects.filter(pk=lanke.pk).update(region=Region.objects.get(code="330802"))
    lanke.refresh_from_db()
    with pytest.raises(AuthorityError):
        services.do_settle(spot=lanke, year=2020, as_of=D(2021, 3, 1),
                           actor=make_staff("js-wl", "文旅", region_code="330881"))
    kecheng = make_staff("kc-wl", "文旅", region_code="330802")
    assert services.do_settle(spot=lanke, year=2020, as_of=D(2021, 3, 1), actor=kecheng).actor == kecheng
    with pytest.raises(AuthorityError):
        services.do_settle(spot=lanke, year=2020, as_of=D(2021, 3, 2), actor=make_staff("sfb", "市府办"))


# --- closures: void / correct, never edited -------------------------------------------------


def test_a_closure_is_locked_and_corrected_by_an_event(lanke, client, wenlv):
    closure = services.closures_record(rows=[{"spot": lanke, "starts_on": D(2020, 6, 1),
                                              "ends_on": D(2020, 6, 5), "note": "疫情"}])[0]
    closure.ends_on = D(2020, 6, 2)
    with pytest.raises(AuthorityError), transaction.atomic():
        closure.save()
    with pytest.raises(AuthorityError), transaction.atomic():
        SpotClosure.objects.get().delete()
    void = services.closure_correct(closure=SpotClosure.objects.get(), reason="止日有误",
                                    ends_on=D(2020, 6, 2), actor=wenlv)
    assert (void.replacement.starts_on, void.replacement.ends_on) == (D(2020, 6, 1), D(2020, 6, 2))
    assert SpotClosure.objects.count() == 2  # both kept
    # 249 − 2 working days (06-01, 06-02): 1000.01 × 247 × 0.5 = 123501.235 → 123501.24.
    body = get(client, wenlv, url("烂柯山"), year="2020").json()
    assert (body["free_days"], body["final"]) == (247, "123501.24")
    with pytest.raises(Exception, match="已作废"):
        services.closure_void(closure=void.closure, reason="再次", actor=wenlv)
    services.closure_void(closure=void.replacement, reason="其实未关闭", actor=wenlv)
    assert get(client, wenlv, url("烂柯山"), year="2020").json()["free_days"] == 249
    assert AuditEvent.objects.filter(model="tourism.SpotClosure", action="void").count() == 2


def test_voiding_needs_a_reason_and_the_right_county(lanke, make_staff):
    closure = services.closures_record(rows=[{"spot": lanke, "starts_on": D(2020, 6, 1),
                                              "ends_on": D(2020, 6, 5), "note": ""}])[0]
    with pytest.raises(Exception, match="原因"):
        services.closure_void(closure=closure, reason=" ")
    ScenicSpot.objects.filter(pk=lanke.pk).update(region=Region.objects.get(code="330802"))
    closure.refresh_from_db()
    with pytest.raises(AuthorityError):
        services.closure_void(closure=closure, reason="x",
                              actor=make_staff("js-wl", "文旅", region_code="330881"))
    assert SpotClosureVoid.objects.count() == 0


# --- 暂定: a provisional calendar year ------------------------------------------------------


@pytest.fixture
def year_2030(programme):
    """A 2030 programme (no official schedule yet: the statutory computation, 暂定)."""
    workdays.clear_cache()
    later = FreeTourYear.objects.create(
        document="测试方案", year=2030, signed_on=D(2030, 1, 1), starts_on=D(2030, 1, 1),
        ends_on=D(2030, 12, 31), settle_by=D(2031, 5, 31))
    ScenicSpot.objects.create(programme=later, name="烂柯山", core=True, position=1)
    settle_inputs("烂柯山", year=2030, base_2019=Decimal("0"), daily_ticket_income=Decimal("100"),
                  reward_ratio=Decimal("1"))
    yield ScenicSpot.objects.get(name="烂柯山", programme=later)
    workdays.clear_cache()


def test_a_provisional_year_is_flagged_and_a_later_schedule_leaves_the_statement(
        year_2030, client, wenlv):
    assert workdays.year_is_provisional(2030)
    body = get(client, wenlv, url("烂柯山"), year="2030").json()
    assert body["provisional"] is True and body["statement"] is None
    with mock.patch("django.utils.timezone.localdate", return_value=D(2031, 3, 1)):
        statement = services.do_settle(spot=year_2030, year=2030, as_of=D(2031, 3, 1))
    assert statement.provisional is True
    provisional_days = statement.free_days
    # The official 2030 schedule is entered later, listing only 12-31 (a Tuesday) as a holiday:
    # 2030 has 261 weekdays (52 weeks + Tuesday 01-01), so 260 free days, official.
    schedule = WorkdaySchedule.objects.create(year=2030, notice="测试通知")
    WorkdayOverride.objects.create(schedule=schedule, date=D(2030, 12, 31), kind="holiday", name="测试")
    workdays.clear_cache()
    body = get(client, wenlv, url("烂柯山"), year="2030").json()
    assert (body["free_days"], body["provisional"]) == (provisional_days, True)  # the statement
    with mock.patch("django.utils.timezone.localdate", return_value=D(2031, 3, 2)):
        again = services.do_settle(spot=year_2030, year=2030, as_of=D(2031, 3, 2))
    assert (again.free_days, again.provisional, again.final) == (260, False, Decimal("26000.00"))
    assert provisional_days != 260


def test_the_work_list_asks_to_resettle_a_provisional_statement_once_the_schedule_is_in(
        year_2030, client, wenlv):
    """A 暂定 statement is listed (今日待办, 文旅) once its year's official schedule is entered,
    and leaves the list when a new statement supersedes it."""
    from apps.core import worklist

    def resettle():
        return {line.key: line.count for line in worklist.lines(wenlv, on=D(2031, 3, 2))}["tourism.resettle"]

    with mock.patch("django.utils.timezone.localdate", return_value=D(2031, 3, 1)):
        statement = services.do_settle(spot=year_2030, year=2030, as_of=D(2031, 3, 1))
    assert statement.provisional and resettle() == 0  # 2030 is still provisional: nothing to redo
    WorkdaySchedule.objects.create(year=2030, notice="测试通知")
    workdays.clear_cache()
    assert resettle() == 1
    client.force_login(wenlv)
    listed = client.get("/admin/tourism/settlementstatement/?todo=tourism.resettle")
    assert [row.pk for row in listed.context["cl"].result_list] == [statement.pk]
    with mock.patch("django.utils.timezone.localdate", return_value=D(2031, 3, 2)):
        services.do_settle(spot=year_2030, year=2030, as_of=D(2031, 3, 2))
    assert resettle() == 0


def test_the_admin_shows_provisional(year_2030, client, wenlv):
    with mock.patch("django.utils.timezone.localdate", return_value=D(2031, 3, 1)):
        services.do_settle(spot=year_2030, year=2030, as_of=D(2031, 3, 1))
    client.force_login(wenlv)
    page = client.get("/admin/tourism/settlementstatement/").content.decode()
    assert "暂定" in page and "2031" in page
