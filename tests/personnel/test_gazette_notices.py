"""衢政干〔2020〕9号 and 衢政办干〔2020〕5号 from the seed: every item, the roster, probations."""

import datetime as dt

import pytest

from apps.core.services import organisation_find
from apps.gazette.services import import_gazette
from apps.personnel import selectors
from apps.personnel.models import AppointmentItem, AppointmentNotice

pytestmark = pytest.mark.django_db

GONGXIAO = "衢州市供销合作社联合社"


def items(number):
    return [(i.person_name, i.action, i.kind, i.organisation.name, i.title, i.probation_until,
             i.election_confirmation)
            for i in AppointmentItem.objects.filter(notice__number=number).order_by("order")]


def test_notice_9_confirms_the_election_and_removes_old_posts(gazette):
    notice = AppointmentNotice.objects.get(number="衢政干〔2020〕9号")
    assert (notice.date, notice.issuing_body) == (dt.date(2020, 7, 13), "衢州市人民政府")
    assert items("衢政干〔2020〕9号") == [
        ("汪宗德", "appoint", "post", GONGXIAO, "理事会主任", None, True),
        ("刘秀云", "appoint", "post", GONGXIAO, "理事会副主任", None, True),
        ("汪水木", "appoint", "post", GONGXIAO, "理事会副主任", None, True),
        ("顾劲立", "appoint", "post", GONGXIAO, "理事会副主任", None, True),
        ("姚建", "appoint", "post", GONGXIAO, "理事会副主任", None, True),
        ("程鸣", "appoint", "post", GONGXIAO, "监事会主任", None, True),
        ("汪宗德", "remove", "post", GONGXIAO, "主任", None, False),
        ("刘秀云", "remove", "post", GONGXIAO, "副主任", None, False),
        ("汪水木", "remove", "post", GONGXIAO, "副主任", None, False),
        ("顾劲立", "remove", "post", GONGXIAO, "副主任", None, False),
        ("程鸣", "remove", "post", GONGXIAO, "副主任", None, False),
    ]


def test_notice_5_has_four_ranks_four_posts_on_probation_and_three_rank_removals(gazette):
    office, supervision, research = ("衢州市人民政府办公室", "衢州市人民政府督查室",
                                     "衢州市人民政府研究室")
    end = dt.date(2021, 6, 27)
    assert items("衢政办干〔2020〕5号") == [
        ("蒋昀", "appoint", "rank", office, "一级主任科员", None, False),
        ("吴立鹏", "appoint", "rank", office, "一级主任科员", None, False),
        ("汪建龙", "appoint", "rank", office, "一级主任科员", None, False),
        ("王苑", "appoint", "rank", office, "三级主任科员", None, False),
        ("陶乐", "appoint", "post", office, "秘书处副处长", end, False),
        ("饶新", "appoint", "post", office, "综合一处副处长", end, False),
        ("徐威", "appoint", "post", supervision, "副主任", end, False),
        ("周扬涛", "appoint", "post", research, "综合研究二处副处长", end, False),
        ("陶乐", "remove", "rank", office, "四级主任科员", None, False),
        ("徐威", "remove", "rank", office, "四级主任科员", None, False),
        ("周扬涛", "remove", "rank", research, "四级主任科员", None, False),
    ]


def test_the_four_probation_periods_end_one_year_after_the_notice(gazette):
    probations = AppointmentItem.objects.exclude(probation_until=None).order_by("order")
    assert [(i.person_name, i.probation_months, i.probation_until) for i in probations] == [
        ("陶乐", 12, dt.date(2021, 6, 27)),
        ("饶新", 12, dt.date(2021, 6, 27)),
        ("徐威", 12, dt.date(2021, 6, 27)),
        ("周扬涛", 12, dt.date(2021, 6, 27)),
    ]


def test_one_name_in_one_notice_is_one_person_across_units(gazette):
    xu = AppointmentItem.objects.filter(person_name="徐威")
    assert {i.organisation.name for i in xu} == {"衢州市人民政府督查室", "衢州市人民政府办公室"}
    assert len({i.person_id for i in xu}) == 1


def roster_rows(unit, as_of):
    organisation = organisation_find(unit)
    return [(t.person_name, t.title, t.since, t.probation_until, t.prior_tenure_unrecorded)
            for t in selectors.roster(organisation=organisation, as_of=as_of)]


def test_supply_cooperative_roster_after_notice_9(gazette):
    day = dt.date(2020, 7, 13)
    assert roster_rows(GONGXIAO, dt.date(2020, 8, 1)) == [
        ("汪宗德", "理事会主任", day, None, False),
        ("刘秀云", "理事会副主任", day, None, False),
        ("汪水木", "理事会副主任", day, None, False),
        ("顾劲立", "理事会副主任", day, None, False),
        ("姚建", "理事会副主任", day, None, False),
        ("程鸣", "监事会主任", day, None, False),
    ]


def test_removals_of_posts_held_before_the_records_begin_are_kept_and_flagged(gazette):
    assert roster_rows(GONGXIAO, dt.date(2020, 7, 12)) == [
        ("汪宗德", "主任", None, None, True),
        ("刘秀云", "副主任", None, None, True),
        ("汪水木", "副主任", None, None, True),
        ("顾劲立", "副主任", None, None, True),
        ("程鸣", "副主任", None, None, True),
    ]
    flagged = [t for t in selectors.tenures() if t.prior_tenure_unrecorded]
    assert len(flagged) == 5 + 3
    assert all(t.until is not None for t in flagged)


def test_government_office_roster_after_notice_5(gazette):
    day = dt.date(2020, 6, 27)
    end = dt.date(2021, 6, 27)
    assert roster_rows("市政府办公室", dt.date(2020, 7, 1)) == [
        ("蒋昀", "一级主任科员", day, None, False),
        ("吴立鹏", "一级主任科员", day, None, False),
        ("汪建龙", "一级主任科员", day, None, False),
        ("王苑", "三级主任科员", day, None, False),
        ("陶乐", "秘书处副处长", day, end, False),
        ("饶新", "综合一处副处长", day, end, False),
    ]
    assert roster_rows("市政府研究室", dt.date(2020, 7, 1)) == [
        ("周扬涛", "综合研究二处副处长", day, end, False)]
    assert roster_rows("衢州市人民政府督查室", dt.date(2020, 7, 1)) == [
        ("徐威", "副主任", day, end, False)]


def test_person_history_shows_rank_removed_and_post_taken(gazette):
    person = AppointmentItem.objects.filter(person_name="陶乐").first().person
    history = [(t.title, t.since, t.until, t.prior_tenure_unrecorded)
               for t in selectors.person_posts(person=person)]
    assert history == [
        ("秘书处副处长", dt.date(2020, 6, 27), None, False),
        ("四级主任科员", None, dt.date(2020, 6, 27), True),
    ]


def test_second_import_creates_nothing(gazette, gazette_text):
    before = AppointmentItem.objects.count()
    report = import_gazette(text=gazette_text, source_name="seed")
    for name in ("personnel.notices", "personnel.duties"):
        result = report.parser_results[name]
        assert (result["created"], result["updated"], result["messages"]) == (0, 0, [])
    assert AppointmentItem.objects.count() == before == 22


def test_election_confirmation_text_and_probation_months_of_every_item(gazette):
    election = "衢州市供销合作社联合社第二届理事会、第二届监事会第一次会议选举结果"
    rows = [(i.notice.number, i.order, i.election_text, i.probation_months)
            for i in AppointmentItem.objects.select_related("notice").order_by(
                "notice__number", "order")]
    nine = [(n, o, e, p) for n, o, e, p in rows if n == "衢政干〔2020〕9号"]
    assert nine == [("衢政干〔2020〕9号", o, election if o <= 6 else "", None)
                    for o in range(1, 12)]
    five = [(o, e, p) for n, o, e, p in rows if n == "衢政办干〔2020〕5号"]
    assert five == [(o, "", 12 if o in (5, 6, 7, 8) else None) for o in range(1, 12)]


def test_every_holder_of_a_post_or_rank_in_order(gazette):
    office = organisation_find("衢州市人民政府办公室")
    assert [(t.person_name, t.since, t.until, t.prior_tenure_unrecorded)
            for t in selectors.post_history(organisation=office, title="四级主任科员")] == [
        ("陶乐", None, dt.date(2020, 6, 27), True),
        ("徐威", None, dt.date(2020, 6, 27), True),
    ]
    gongxiao = organisation_find(GONGXIAO)
    assert [(t.person_name, t.since, t.until)
            for t in selectors.post_history(organisation=gongxiao, title="理事会副主任")] == [
        ("刘秀云", dt.date(2020, 7, 13), None), ("汪水木", dt.date(2020, 7, 13), None),
        ("顾劲立", dt.date(2020, 7, 13), None), ("姚建", dt.date(2020, 7, 13), None),
    ]


def test_roster_today_after_both_notices(gazette):
    today = dt.date(2026, 1, 1)
    assert [r[:2] for r in roster_rows(GONGXIAO, today)] == [
        ("汪宗德", "理事会主任"), ("刘秀云", "理事会副主任"), ("汪水木", "理事会副主任"),
        ("顾劲立", "理事会副主任"), ("姚建", "理事会副主任"), ("程鸣", "监事会主任")]
    assert [r[:2] for r in roster_rows("衢州市人民政府办公室", today)] == [
        ("蒋昀", "一级主任科员"), ("吴立鹏", "一级主任科员"), ("汪建龙", "一级主任科员"),
        ("王苑", "三级主任科员"), ("陶乐", "秘书处副处长"), ("饶新", "综合一处副处长")]
