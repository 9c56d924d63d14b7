"""Admin screens, the person page, XLSX export by year/kind/unit, XLSX/CSV import."""

import io

import pytest
from openpyxl import load_workbook

from apps.awards.models import Decision, Recipient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/awards/decision/", "/admin/awards/section/",
                                 "/admin/awards/section/?reconciled=no",
                                 "/admin/awards/recipient/", "/admin/awards/person/",
                                 "/admin/awards/recipient/?section__award=individual_third"])
def test_admin_lists_open(gazette, admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_decision_page_reports_the_count_check(gazette, admin_client):
    decision = Decision.objects.get(number="衢政发〔2020〕12号")
    page = admin_client.get(f"/admin/awards/decision/{decision.pk}/change/").content.decode()
    assert "县(市、区):公布 28,名单 28" in page
    assert "数量不符" not in page


def test_a_mismatch_is_reported_in_the_admin(gazette, admin_client):
    # A listed recipient is never deleted (issue 9 §4): voiding it leaves the count short.
    from apps.awards.services import recipient_void

    for recipient in Recipient.objects.filter(section__decision__number="衢政发〔2020〕13号",
                                              section__title="集体嘉奖"):
        recipient_void(recipient=recipient, reason="测试")
    page = admin_client.get("/admin/awards/section/?reconciled=no").content.decode()
    assert "集体嘉奖" in page and "衢政发〔2020〕12号" not in page
    decision = Decision.objects.get(number="衢政发〔2020〕13号")
    detail = admin_client.get(f"/admin/awards/decision/{decision.pk}/change/").content.decode()
    assert "集体嘉奖:公布 1,名单 0 ⚠ 数量不符" in detail


def test_person_page_shows_honours(gazette, client, renshe_user):
    person = Recipient.objects.get(person_name="柴东剑", section__decision__number="衢政发〔2020〕13号").person
    client.force_login(renshe_user)
    page = client.get(f"/awards/people/{person.pk}/").content.decode()
    assert "衢政发〔2020〕13号" in page and "衢政发〔2020〕14号" in page
    assert "个人三等功" in page and "个人二等功" in page
    assert "柴东剑" in client.get("/awards/people/", {"q": "柴东"}).content.decode()


def test_person_page_needs_permission(gazette, client, minzheng_user):
    person = Recipient.objects.filter(person_name="柴东剑").first().person
    client.force_login(minzheng_user)
    assert client.get(f"/awards/people/{person.pk}/").status_code == 403


def test_export_by_year_kind_and_unit(gazette, client, renshe_user):
    client.force_login(renshe_user)
    response = client.get("/awards/export.xlsx", {"year": "2020", "award": "个人三等功",
                                                  "unit": "衢州市人民医院"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["柴东剑", "王莉娟", "王钰", "徐慧", "何冬娟", "吴利和"]
    assert client.get("/awards/export.xlsx", {"award": "金奖"}).status_code == 400


def test_admin_export_of_recipients_as_xlsx(gazette, admin_client):
    response = admin_client.post("/admin/awards/recipient/export/?section__award=individual_second",
                                 {"format": "1", "resource": "0",
                                  **{f"recipientresource_{f}": "on" for f in
                                     ["number", "date", "section", "award", "declared", "name",
                                      "unit", "unit_canonical"]}})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "spreadsheetml" in response["Content-Type"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "文号"
    assert len(rows) == 1 + 18 + 1 + 1


def _import(admin_client, url, content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")
    response = admin_client.post(url, {"resource": "0", "format": "0", "import_file": upload})
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    import re

    match = re.search(r'name="import_file_name" value="([^"]+)"', page)
    return page, match


def _confirm(admin_client, url, page, match):
    import re

    data = {"import_file_name": match.group(1), "original_file_name": "x.csv", "format": "0",
            "resource": "0"}
    for field in ("import_file_name", "original_file_name", "format", "resource"):
        found = re.search(rf'name="{field}" value="([^"]*)"', page)
        if found:
            data[field] = found.group(1)
    return admin_client.post(url.replace("/import/", "/process_import/"), data)


def test_import_a_decision_and_its_recipients_from_csv(db, admin_client):
    decisions = ("文号,标题,发文机关,成文日期,文种,依据,公开发布\n"
                 "衢政发[2021]3号,关于表彰的决定,衢州市人民政府,2021-02-01,决定,《公务员法》,1\n")
    page, match = _import(admin_client, "/admin/awards/decision/import/", decisions, "d.csv")
    assert match, page[:3000]
    _confirm(admin_client, "/admin/awards/decision/import/", page, match)
    decision = Decision.objects.get(number="衢政发〔2021〕3号")
    assert (decision.year, decision.serial) == (2021, 3)
    recipients = ("文号,成文日期,栏目,奖励类别,公布数量,姓名或集体,单位,单位规范名称\n"
                  "衢政发〔2021〕3号,,个人三等功,个人三等功,2,柴东剑,衢州市人民医院,\n"
                  "衢政发〔2021〕3号,,个人三等功,个人三等功,2,王五,市民政局,\n")
    page, match = _import(admin_client, "/admin/awards/recipient/import/", recipients, "r.csv")
    assert match, page[:3000]
    assert Recipient.objects.filter(section__decision=decision).count() == 0  # dry run
    _confirm(admin_client, "/admin/awards/recipient/import/", page, match)
    rows = Recipient.objects.filter(section__decision=decision).order_by("order")
    assert [(r.person_name, r.organisation.name) for r in rows] == [
        ("柴东剑", "衢州市人民医院"), ("王五", "衢州市民政局")]


def test_import_rejects_rows_of_unknown_decisions(db, admin_client):
    recipients = ("文号,成文日期,栏目,奖励类别,公布数量,姓名或集体,单位,单位规范名称\n"
                  "衢政发〔2021〕9号,,个人嘉奖,个人嘉奖,,王五,市民政局,\n")
    page, match = _import(admin_client, "/admin/awards/recipient/import/", recipients, "r.csv")
    assert "请先导入决定" in page
    assert not Recipient.objects.filter(person_name="王五").exists()


def test_lists_page_counts_per_unit(gazette, client, renshe_user):
    client.force_login(renshe_user)
    page = client.get("/awards/", {"year": "2020", "award": "个人二等功"}).content.decode()
    assert "共 20 个" in page  # 18 + 1 in 14号, 1 in 15号
    table = page[page.index('id="per-unit"'):page.index('id="list"')]
    assert "<td>衢州市人民医院</td><td>6</td><td>6</td>" in table

