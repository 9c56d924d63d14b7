"""DOMAIN §2 on the notice admin page: items added as inlines follow the same rules as the
gazette and the import (no second removal, probation end one year after the notice)."""

import datetime as dt

import pytest

from apps.core.services import organisation_find
from apps.personnel.models import AppointmentItem, AppointmentNotice

pytestmark = pytest.mark.django_db

GONGXIAO = "衢州市供销合作社联合社"
ADD = "/admin/personnel/appointmentnotice/add/"


def form(number, day, rows):
    data = {"number": number, "title": "职务任免通知", "issuing_body": "衢州市人民政府",
            "date": day, "public": "on",
            "items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(rows):
        values = {"order": index + 1, "person_name": "", "probation_months": "", **row}
        data.update({f"items-{index}-{key}": value for key, value in values.items()})
    return data


def removal(person, title="主任"):
    return {"person": person.pk, "action": "remove", "kind": "post",
            "organisation": organisation_find(GONGXIAO).pk, "title": title}


def wang_zongde():
    return AppointmentItem.objects.get(notice__number="衢政干〔2020〕9号", order=7).person


def test_inline_removal_of_a_post_already_removed_by_notice_9_is_refused(gazette, admin_client):
    response = admin_client.post(ADD, form("衢政干〔2020〕20号", "2020-09-01",
                                           [removal(wang_zongde())]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "汪宗德已于2020-07-13(衢政干〔2020〕9号第7项)被免去衢州市供销合作社联合社主任" in page
    assert "不能重复免去" in page
    assert not AppointmentNotice.objects.filter(number="衢政干〔2020〕20号").exists()


def test_two_inline_rows_removing_the_same_post_are_refused(gazette, admin_client):
    yao = AppointmentItem.objects.get(notice__number="衢政干〔2020〕9号", person_name="姚建").person
    rows = [removal(yao, "副主任"), removal(yao, "副主任")]
    response = admin_client.post(ADD, form("衢政干〔2020〕21号", "2020-09-01", rows))
    assert response.status_code == 200
    assert "衢政干〔2020〕21号第2项:姚建已于2020-09-01(衢政干〔2020〕21号第1项)" in (
        response.content.decode())
    assert not AppointmentNotice.objects.filter(number="衢政干〔2020〕21号").exists()


def test_inline_removal_dated_before_the_stored_one_is_refused(gazette, admin_client):
    """A removal entered later but dated earlier makes notice 9's removal the second one."""
    response = admin_client.post(ADD, form("衢政干〔2020〕3号", "2020-05-01",
                                           [removal(wang_zongde())]))
    assert response.status_code == 200
    assert "衢政干〔2020〕9号第7项:汪宗德已于2020-05-01(衢政干〔2020〕3号第1项)" in (
        response.content.decode())


def test_inline_appointment_gets_name_and_probation_end(gazette, admin_client):
    yao = AppointmentItem.objects.get(notice__number="衢政干〔2020〕9号", person_name="姚建").person
    rows = [{**removal(yao, "理事会副主任")},
            {**removal(yao, "理事会主任"), "action": "appoint", "probation_months": "12"}]
    response = admin_client.post(ADD, form("衢政干[2020]22号", "2020-09-01", rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    items = AppointmentItem.objects.filter(notice__number="衢政干〔2020〕22号").order_by("order")
    assert [(i.person_name, i.action, i.title, i.probation_until) for i in items] == [
        ("姚建", "remove", "理事会副主任", None),
        ("姚建", "appoint", "理事会主任", dt.date(2021, 9, 1)),
    ]
    notice = items[0].notice
    change = f"/admin/personnel/appointmentnotice/{notice.pk}/change/"
    data = form("衢政干〔2020〕22号", "2020-09-03", [])
    data.update({"items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "2"})
    for index, item in enumerate(items):
        data.update({f"items-{index}-id": item.pk, f"items-{index}-notice": notice.pk,
                     f"items-{index}-order": item.order, f"items-{index}-person": yao.pk,
                     f"items-{index}-person_name": item.person_name,
                     f"items-{index}-action": item.action, f"items-{index}-kind": "post",
                     f"items-{index}-organisation": item.organisation_id,
                     f"items-{index}-title": item.title,
                     f"items-{index}-probation_months": item.probation_months or ""})
    assert admin_client.post(change, data).status_code == 302
    assert notice.items.get(order=2).probation_until == dt.date(2021, 9, 3)


def test_inline_removal_cannot_carry_a_probation(gazette, admin_client):
    rows = [{**removal(wang_zongde(), "理事会主任"), "probation_months": "12"}]
    response = admin_client.post(ADD, form("衢政干〔2020〕23号", "2020-09-01", rows))
    assert "免职事项不能有试用期" in response.content.decode()
    assert not AppointmentNotice.objects.filter(number="衢政干〔2020〕23号").exists()


def test_a_notice_number_that_is_no_number_is_refused_with_a_message(gazette, admin_client):
    response = admin_client.post(ADD, form("/", "2020-09-01", [removal(wang_zongde())]))
    assert response.status_code == 200
    assert "不是文号" in response.content.decode()
    response = admin_client.post("/admin/awards/decision/add/", {
        "number": "/", "kind": "decision", "title": "决定", "issuing_body": "衢州市人民政府",
        "date": "2020-09-01", "basis": "", "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0", "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 200
    assert "不是文号" in response.content.decode()
