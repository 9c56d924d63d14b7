"""DOMAIN §2: a removal not on record is kept and flagged; removing twice is an error."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.personnel import selectors, services

pytestmark = pytest.mark.django_db


def notice(number, day):
    return services.notice_record(number=number, title="职务任免通知", issuing_body="衢州市人民政府",
                                  date=day)


def test_removal_without_record_then_second_removal_is_refused(db):
    first = notice("衢政干[2021]1号", dt.date(2021, 3, 1))
    services.item_record(notice=first, order=1, name="张三", action="remove", kind="post",
                         unit="市民政局", title="副局长")
    tenure, = selectors.tenures()
    assert (tenure.since, tenure.until, tenure.prior_tenure_unrecorded) == (
        None, dt.date(2021, 3, 1), True)
    second = notice("衢政干(2021)2号", dt.date(2021, 4, 1))
    with pytest.raises(ValidationError, match="张三已于2021-03-01.*不能重复免去"):
        services.item_record(notice=second, order=1, name="张三", action="remove", kind="post",
                             unit="衢州市民政局", title="副局长")


def test_appoint_then_remove_closes_the_tenure_and_reappointment_opens_another(db):
    a = notice("衢政干〔2021〕3号", dt.date(2021, 1, 4))
    services.item_record(notice=a, order=1, name="李四", action="appoint", kind="post",
                         unit="市民政局", title="副局长", probation_months=12)
    b = notice("衢政干〔2021〕4号", dt.date(2021, 5, 6))
    services.item_record(notice=b, order=1, name="李四", action="remove", kind="post",
                         unit="市民政局", title="副局长")
    with pytest.raises(ValidationError):
        services.item_record(notice=b, order=2, name="李四", action="remove", kind="post",
                             unit="市民政局", title="副局长")
    c = notice("衢政干〔2021〕5号", dt.date(2021, 9, 1))
    services.item_record(notice=c, order=1, name="李四", action="appoint", kind="post",
                         unit="市民政局", title="副局长")
    spans = [(t.since, t.until, t.probation_until) for t in selectors.tenures()]
    assert spans == [(dt.date(2021, 1, 4), dt.date(2021, 5, 6), dt.date(2022, 1, 4)),
                     (dt.date(2021, 9, 1), None, None)]


def test_probation_of_one_year_from_29_february_ends_28_february(db):
    assert services.probation_end(notice_date=dt.date(2024, 2, 29), months=12) == dt.date(2025, 2, 28)


def test_a_removal_cannot_carry_a_probation(db):
    a = notice("衢政干〔2021〕6号", dt.date(2021, 1, 4))
    with pytest.raises(ValidationError, match="免职事项不能有试用期"):
        services.item_record(notice=a, order=1, name="王五", action="remove", kind="post",
                             unit="市民政局", title="副局长", probation_months=12)


def test_correcting_the_notice_date_moves_the_probation_end(db):
    a = notice("衢政办干〔2021〕7号", dt.date(2021, 1, 4))
    item = services.item_record(notice=a, order=1, name="赵六", action="appoint", kind="post",
                                unit="市政府办公室", title="秘书处副处长", probation_months=12)
    assert item.probation_until == dt.date(2022, 1, 4)
    assert item.organisation.name == "衢州市人民政府办公室"
    notice("衢政办干〔2021〕7号", dt.date(2021, 1, 6))
    item.refresh_from_db()
    assert item.probation_until == dt.date(2022, 1, 6)


def test_turning_a_stored_item_into_a_second_removal_is_refused(db):
    a = notice("衢政干〔2021〕8号", dt.date(2021, 3, 1))
    services.item_record(notice=a, order=1, name="孙七", action="remove", kind="post",
                         unit="市民政局", title="副局长")
    b = notice("衢政干〔2021〕9号", dt.date(2021, 4, 1))
    services.item_record(notice=b, order=1, name="孙七", action="appoint", kind="post",
                         unit="市民政局", title="局长")
    with pytest.raises(ValidationError, match="孙七已于2021-03-01.*第1项.*不能重复免去"):
        services.item_record(notice=b, order=1, name="孙七", action="remove", kind="post",
                             unit="市民政局", title="副局长")
    assert b.items.get().title == "局长"


def test_a_removal_dated_before_a_stored_removal_is_refused(db):
    later = notice("衢政干〔2021〕10号", dt.date(2021, 6, 1))
    services.item_record(notice=later, order=1, name="周八", action="remove", kind="rank",
                         unit="市民政局", title="四级主任科员")
    earlier = notice("衢政干〔2021〕11号", dt.date(2021, 2, 1))
    with pytest.raises(ValidationError, match="衢政干〔2021〕10号第1项:周八已于2021-02-01"):
        services.item_record(notice=earlier, order=1, name="周八", action="remove", kind="rank",
                             unit="市民政局", title="四级主任科员")
