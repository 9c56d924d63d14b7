"""Personnel admin screens, the roster page and the XLSX/CSV import of appointment items."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.models import AuditEvent
from apps.personnel.models import AppointmentItem, AppointmentNotice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/admin/personnel/appointmentnotice/", "/admin/personnel/appointmentitem/",
    "/admin/personnel/appointmentitem/?probation=any", "/admin/personnel/probationflag/",
    "/admin/personnel/dutydivision/", "/admin/personnel/dutyassignment/",
    "/admin/personnel/office/",
])
def test_admin_lists_open(gazette, admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_office_list_names_the_leader_in_charge(gazette, admin_client):
    page = admin_client.get("/admin/personnel/office/", {"q": "综合四处"}).content.decode()
    assert "吴剑波(分管)" in page


def test_roster_page(gazette, client, renshe_user):
    client.force_login(renshe_user)
    page = client.get("/personnel/roster/", {"organisation": "市供销社",
                                             "as_of": "2020-08-01"}).content.decode()
    assert "未找到单位" in page
    page = client.get("/personnel/roster/", {"organisation": "衢州市供销合作社联合社",
                                             "as_of": "2020-08-01"}).content.decode()
    assert "理事会主任" in page and "汪宗德" in page
    history = client.get("/personnel/roster/", {"organisation": "衢州市供销合作社联合社",
                                                "post": "副主任"}).content.decode()
    section = history[history.index('id="post-history"'):]
    assert section.count("此前任职未在记录中") == 4
    assert section.count("2020-07-13(衢政干〔2020〕9号)") == 4


def test_import_appointment_items_from_csv(db, admin_client):
    csv = ("文号,标题,发文机关,成文日期,顺序,姓名,任免,类别,单位,职务或职级,试用期(月),试用期满,选举说明\n"
           "衢政干[2021]2号,关于张三等同志职务任免的通知,衢州市人民政府,2021-03-01,1,张三,任,职务,"
           "市民政局,副局长,12,,\n"
           "衢政干[2021]2号,关于张三等同志职务任免的通知,衢州市人民政府,2021-03-01,2,李四,免去,职务,"
           "衢州市民政局,副局长,,,\n")
    url = "/admin/personnel/appointmentitem/import/"
    upload = SimpleUploadedFile("items.csv", csv.encode(), content_type="text/csv")
    page = admin_client.post(url, {"resource": "0", "format": "0", "import_file": upload})
    html = page.content.decode()
    assert not AppointmentNotice.objects.filter(year=2021).exists()  # dry run
    data = {f: re.search(rf'name="{f}" value="([^"]*)"', html).group(1)
            for f in ("import_file_name", "original_file_name", "format", "resource")}
    admin_client.post("/admin/personnel/appointmentitem/process_import/", data)
    items = AppointmentItem.objects.filter(notice__number="衢政干〔2021〕2号").order_by("order")
    assert [(i.person_name, i.action, i.organisation.name, i.probation_until) for i in items] == [
        ("张三", "appoint", "衢州市民政局", dt.date(2022, 3, 1)),
        ("李四", "remove", "衢州市民政局", None),
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT,
                                     model="personnel.AppointmentItem").count() == 1


def test_import_rejects_a_bad_action(db, admin_client):
    csv = ("文号,标题,发文机关,成文日期,顺序,姓名,任免,类别,单位,职务或职级,试用期(月),试用期满,选举说明\n"
           "衢政干〔2021〕2号,通知,衢州市人民政府,2021-03-01,1,张三,调任,职务,市民政局,副局长,,,\n")
    upload = SimpleUploadedFile("items.csv", csv.encode(), content_type="text/csv")
    page = admin_client.post("/admin/personnel/appointmentitem/import/",
                             {"resource": "0", "format": "0", "import_file": upload})
    assert "任免应为“任”或“免去”" in page.content.decode()
    assert not AppointmentNotice.objects.filter(year=2021).exists()


def test_admin_refuses_a_second_removal(gazette, admin_client):
    from apps.core.services import organisation_find
    from apps.personnel.models import AppointmentNotice as Notice

    notice = Notice.objects.get(number="衢政干〔2020〕9号")
    first = AppointmentItem.objects.get(notice=notice, order=7)  # 免去汪宗德 主任
    response = admin_client.post("/admin/personnel/appointmentitem/add/", {
        "notice": notice.pk, "order": 12, "person": first.person_id, "person_name": "",
        "action": "remove", "kind": "post",
        "organisation": organisation_find("衢州市供销合作社联合社").pk, "title": "主任",
        "probation_months": "", "election_text": "", "text": "",
    })
    assert response.status_code == 200
    assert "不能重复免去" in response.content.decode()
    assert notice.items.count() == 11


def test_person_page_shows_posts_and_duties(gazette, client, renshe_user):
    from apps.personnel.models import DutyAssignment

    xu = DutyAssignment.objects.get(person_name="许露华").person
    client.force_login(renshe_user)
    page = client.get(f"/awards/people/{xu.pk}/").content.decode()
    assert "分管 秘书处" in page and "协助分管 督查室" in page and "衢政办发〔2020〕19号" in page
    zhou = AppointmentItem.objects.filter(person_name="周扬涛").first().person
    page = client.get(f"/awards/people/{zhou.pk}/").content.decode()
    assert "综合研究二处副处长" in page and "2021-06-27" in page and "此前任职未在记录中" in page


def test_admin_change_pages_open(gazette, admin_client):
    from apps.awards.models import Decision, Person, Recipient, Section
    from apps.personnel.models import DutyAssignment, DutyDivision, Office

    for model in (AppointmentNotice, AppointmentItem, DutyDivision, DutyAssignment, Office,
                  Decision, Section, Recipient, Person):
        obj = model.objects.order_by("pk").first()
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
        assert admin_client.get(url).status_code == 200, url
        assert admin_client.get(url.replace("change/", "history/")).status_code == 200, url
