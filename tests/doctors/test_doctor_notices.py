"""Issue 10 item 10: the doctor page lists every notice about the doctor.

Notices are keyed by ``Notice.source`` ("<kind>:<record>[:<suffix>]"); the doctor's and the
institutions' copies share it. One life of a doctor in December 2026 – January 2027 makes
each kind (衢医保发〔2020〕64号 arts. 14, 21, 22, 27; agreement art. 8; issue 9 voids and
corrections; issue 10 deadline changes when the 2027 schedule is entered).
"""

import datetime as dt
from unittest import mock

import pytest

from apps.core import workdays
from apps.core.models import Notice
from apps.doctors import selectors, services
from apps.doctors.models import Appeal, InstitutionEvent

from .test_provisional_deadlines import enter_2027

D = dt.date
TODAY = D(2026, 12, 11)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield TODAY


def test_every_kind_of_notice_about_the_doctor_is_listed(client, shifuban_user, yibao_user,
                                                         make_doctor, kecheng_hospital, deduct, today):
    doctor = make_doctor("王医生", institutions=[kecheng_hospital], start=D(2026, 1, 1),
                         end=D(2027, 12, 31), phone="13800000000")
    other = make_doctor("李医生", institutions=[kecheng_hospital], start=D(2026, 1, 1),
                        end=D(2027, 12, 31))
    deduct(other, kecheng_hospital, "20.9", D(2026, 12, 9), violation=D(2026, 12, 1))

    # Art. 21: 6 (interview), 8, 9 (suspension 1 month, 2026-12-10 → 2027-01-10), 10, 11.
    deduct(doctor, kecheng_hospital, "18.1", D(2026, 12, 10), violation=D(2026, 12, 7))
    deduct(doctor, kecheng_hospital, "19.1", D(2026, 12, 10), violation=D(2026, 12, 8))
    deduct(doctor, kecheng_hospital, "20.1", D(2026, 12, 10), violation=D(2026, 12, 9))
    to_void = deduct(doctor, kecheng_hospital, "20.2", D(2026, 12, 10), violation=D(2026, 12, 9))
    appealed = deduct(doctor, kecheng_hospital, "20.3", D(2026, 12, 10), violation=D(2026, 12, 9))
    interview = selectors.active_consequences(doctor).get(kind="interview")
    suspension = selectors.active_consequences(doctor).get(kind="suspension")
    # Art. 27: decision due 30 working days after 2026-12-10 — 2027-01-22 (暂定).
    appeal = services.appeal_file(deduction=appealed, filed_on=D(2026, 12, 10))
    assert (appeal.decision_due, appeal.decision_due_provisional) == (D(2027, 1, 22), True)
    services.consequence_adjust(consequence=interview, reason="约谈改期", effective_date=D(2026, 12, 14))
    # Agreement art. 8: 15 working days after 2026-12-21 — 2027-01-12 (暂定).
    services.agreement_notice_to_end(agreement=doctor.agreements.get(), given_on=D(2026, 12, 21),
                                     reason="调离")
    # Art. 14: the institution's suspension reaches both doctors' agreements there.
    services.institution_event_record(institution=kecheng_hospital, kind=InstitutionEvent.Kind.SUSPENDED,
                                      effective_date=D(2026, 12, 15), reason="检查")

    # 2027 entered with Saturday 01-09 worked: the decision due moves to 01-21, the restore
    # window to 2026-12-31…2027-01-09, the notice-dated end to 2027-01-11 (art. 22, 27;
    # agreement art. 8) — each change notified.
    enter_2027(client, shifuban_user)
    # 2027-01-25: the suspension ended 01-10 without an application (art. 22: extended),
    # and the appeal decision due 01-21 is overdue (art. 27).
    services.nightly(today=D(2027, 1, 25))
    services.appeal_decide(appeal=appeal, decision=Appeal.Decision.REJECTED, decided_on=D(2027, 1, 26))
    correction = services.appeal_correct(appeal=appeal, decision=Appeal.Decision.UPHELD,
                                         reason="复核成立", corrected_on=D(2027, 1, 27))
    void = services.deduction_void(deduction=to_void, reason="重复录入", voided_on=D(2027, 1, 27))

    mine = selectors.doctor_notices(doctor)
    kinds = {n.source.split(":")[0] for n in mine}
    assert kinds == {"deduction", "consequence", "consequence-adjusted", "institution-event",
                     "appeal-due", "restore-window", "agreement-end", "suspension-end",
                     "appeal-overdue", "appeal", "appeal-correction", "deduction-void"}
    sources = set(mine.values_list("source", flat=True))
    assert {f"appeal-due:{appeal.pk}:2027-01-21", f"appeal-correction:{correction.pk}",
            f"restore-window:{suspension.pk}:2026-12-31:2027-01-09",
            f"deduction-void:{void.pk}", f"appeal-overdue:{appeal.pk}"} <= sources
    # Both the doctor's copy and the institution's copy of a deduction notice.
    assert {n.recipient_kind for n in mine.filter(source__startswith="deduction:")} == {
        "医保医师", "定点医疗机构"}
    # Nothing about the other doctor: their deduction and their own institution notice.
    theirs = set(selectors.doctor_notices(other).values_list("pk", flat=True))
    assert theirs and not theirs & set(mine.values_list("pk", flat=True))
    assert set(Notice.objects.filter(topic="doctors").values_list("pk", flat=True)) == (
        theirs | set(mine.values_list("pk", flat=True)))

    client.force_login(yibao_user)
    page = client.get(f"/admin/doctors/doctor/{doctor.pk}/change/").content.decode()
    section = page[page.index('id="doctor-notices"'):]
    for subject in ("医保医师扣分通知(20.1)", "医保医师暂停服务协议通知", "医保医师约谈变更通知",
                    "定点医疗机构暂停定点服务协议", "申诉决定期限变更", "恢复服务协议申请期间变更",
                    "服务协议解除日期变更", "医保医师暂停期满", "申诉决定逾期", "医保医师扣分申诉决定更正",
                    "医保医师扣分作废通知"):
        assert subject in section, subject
    assert "医保医师扣分通知(20.9)" not in section
    assert section.count("<tr><td>") == mine.count()
