"""Browser (issue 12 §11): a 柯城区 医保 clerk records deductions through the admin form up to
12 points and sees each consequence on the doctor page; files an appeal today and sees its
decision deadline; the 今日待办 lines (interview due, appeal awaiting a decision) show and clear
once the clerk acts.

衢医保发〔2020〕64号: art. 21 — reaching 6 points → 约谈; 9–11 → all agreements suspended
(proposed 9 → 1 month); 12 → terminated, no new agreement for 1 year; art. 27 — an appeal
within 10 working days of the notice, decided within 30 working days of receipt; an upheld
appeal reverses the deduction and what depended on it (12 → 11: suspended again).
Items: 18.1 (6), 19.4 (2), 20.1 (1), 19.1 (2), 20.2 (1): 6, 8, 9, 11, 12.
"""

import datetime as dt

import pytest
from django.utils import timezone

from apps.core import workdays
from apps.doctors.models import Appeal, Consequence, PointDeduction


def pick(page, field: str, term: str, option: str) -> None:
    """Choose in a select2 autocomplete as a clerk does: open, type, click the option."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-search__field", term)
    page.click(f".select2-results__option:has-text('{option}')")


def deduct(page, base: str, doctor: str, code: str, on: dt.date) -> None:
    page.goto(f"{base}/admin/doctors/pointdeduction/add/")
    pick(page, "doctor", doctor, doctor)
    pick(page, "institution", "人民医院", "衢州市人民医院")
    pick(page, "item", code, f"{code} ")
    page.fill("#id_violation_date", on.isoformat())
    page.fill("#id_notice_date", on.isoformat())
    page.click("input[name=_save]")
    page.wait_for_url(f"{base}/admin/doctors/pointdeduction/")
    assert "成功" in page.inner_text(".messagelist")


def doctor_page(page, base: str, name: str) -> dict:
    page.goto(f"{base}/admin/doctors/doctor/?q={name}")
    page.click(f"#result_list a:has-text('{name}')")
    page.wait_for_selector("#doctor-standing")
    return {"deducted": page.inner_text(".points-deducted"), "left": page.inner_text(".points-left"),
            "standing": page.inner_text("#doctor-standing"),
            "status": page.locator(".agreement-status").all_inner_texts(),
            "timeline": page.inner_text("#doctor-timeline"),
            "appeals": page.inner_text("#doctor-appeals")}


def worklist(page, base: str) -> dict[str, str]:
    page.goto(f"{base}/admin/")
    return {row.get_attribute("data-key"): row.locator(".qz-worklist-count").inner_text()
            for row in page.locator("#worklist tr[data-key^='doctors.']").all()}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deductions_to_termination_appeal_today_and_the_work_list(
        admin_login, live_server, make_staff, make_doctor, kecheng_hospital):
    today = timezone.localdate()
    if today < dt.date(today.year, 1, 8):
        pytest.skip("the flow records five deductions in this year's first days")
    base = live_server.url
    make_doctor("流程医生", institutions=[kecheng_hospital], start=dt.date(today.year, 1, 1),
                end=dt.date(today.year, 12, 31))
    page = admin_login(make_staff("yb-flow", "医保", region_code="330802"))

    deduct(page, base, "流程医生", "18.1", today - dt.timedelta(days=7))
    seen = doctor_page(page, base, "流程医生")
    assert (seen["deducted"], seen["left"]) == ("6", "6")
    assert "待约谈" in seen["standing"] and seen["status"] == ["正常"]
    assert "约谈(累计扣分达6分)" in seen["timeline"]
    # The interview waits in 今日待办; recording it on the consequence clears the line.
    assert worklist(page, base).get("doctors.interviews") == "1"
    page.click('#worklist tr[data-key="doctors.interviews"] th a')
    page.click("#result_list tbody tr a")
    page.fill("#id_interview_held_on", (today - dt.timedelta(days=6)).isoformat())
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert "doctors.interviews" not in worklist(page, base)

    deduct(page, base, "流程医生", "19.4", today - dt.timedelta(days=6))
    deduct(page, base, "流程医生", "20.1", today - dt.timedelta(days=5))
    seen = doctor_page(page, base, "流程医生")
    assert (seen["deducted"], seen["left"]) == ("9", "3")
    assert seen["status"] == ["暂停"]
    assert "(1个月)" in seen["timeline"]

    deduct(page, base, "流程医生", "19.1", today - dt.timedelta(days=4))
    deduct(page, base, "流程医生", "20.2", today - dt.timedelta(days=3))
    seen = doctor_page(page, base, "流程医生")
    assert (seen["deducted"], seen["left"]) == ("12", "0")
    assert seen["status"] == ["解除"]
    assert "不予签约至" in seen["standing"]  # 1 year from termination (art. 21)
    assert Consequence.objects.filter(kind=Consequence.Kind.TERMINATION, revoked_on=None).count() == 1

    # An appeal against the 20.2 deduction, filed today (art. 27): the deadline is the 30th
    # working day after today, 暂定 while a year it runs into has no official schedule.
    page.goto(f"{base}/admin/doctors/appeal/add/")
    pick(page, "deduction", "流程医生", "20.2")
    page.fill("#id_filed_on", today.isoformat())
    page.click("input[name=_save]")
    page.wait_for_url(f"{base}/admin/doctors/appeal/")
    due = workdays.deadline(today, 30)
    assert workdays.label(due.date, due.provisional) in page.inner_text("#result_list tbody tr")
    seen = doctor_page(page, base, "流程医生")
    # the doctor page writes the deadline like the appeals list (one formatter, issue 12)
    received = f"{today.year}年{today.month}月{today.day}日"
    deadline = f"{due.date.year}年{due.date.month}月{due.date.day}日" + ("(暂定)" if due.provisional else "")
    assert f"第20.2项扣分,{received}收到,应于{deadline}前决定" in seen["appeals"]
    lines = worklist(page, base)
    assert lines.get("doctors.appeals") == "1"
    assert "剩" in page.inner_text('#worklist tr[data-key="doctors.appeals"]')

    # The clerk follows the line and upholds the appeal: 12 → 11, terminated → suspended.
    page.click('#worklist tr[data-key="doctors.appeals"] th a')
    page.click("#result_list tbody tr a")
    page.select_option("#id_decision", Appeal.Decision.UPHELD)
    page.fill("#id_decided_on", today.isoformat())
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert "doctors.appeals" not in worklist(page, base)
    seen = doctor_page(page, base, "流程医生")
    assert (seen["deducted"], seen["left"]) == ("11", "1")
    assert seen["status"] == ["暂停"]
    assert "申诉成立,已撤销" in seen["timeline"]
    assert PointDeduction.objects.count() == 5


@pytest.mark.django_db
def test_the_appeal_deadline_from_2026_12_01():
    """The real date of this flow's first runs (Asia/Shanghai: 2026-12-01 and -02), hand-counted (art. 27, 30 working days, the filing day not counted): December 2026
    has 22 working days after the 1st (2–4, 7–11, 14–18, 21–25, 28–31); 2027-01-01 is 元旦;
    4–8 January make 27, 11–13 make 30 → 2027-01-13, 暂定 (no official 2027 schedule)."""
    due = workdays.deadline(dt.date(2026, 12, 1), 30)
    assert (due.date, due.provisional) == (dt.date(2027, 1, 13), True)
    due = workdays.deadline(dt.date(2026, 12, 2), 30)
    assert (due.date, due.provisional) == (dt.date(2027, 1, 14), True)
