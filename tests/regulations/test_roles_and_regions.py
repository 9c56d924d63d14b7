"""Who may change the registry: city 市场监管 and 生态环境 staff; every other role and the
auditor read it (admin, search page, API); county-scoped staff read it and change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.regulations.models import DocumentLink, NormativeDocument

READ_ONLY = ["shifuban_user", "minzheng_user", "renshe_user", "fagaiwei_user", "yibao_user",
             "auditor_user", "kecheng_user", "jiangshan_user"]


def _repeal_link_post(client):
    new = NormativeDocument.objects.get(number="衢市监规〔2020〕1号")
    old = NormativeDocument.objects.get(number="衢市监规〔2019〕1号")
    return client.post(reverse("admin:regulations_documentlink_add"), {
        "source": new.pk, "target": old.pk, "kind": "repeals", "effective_date": "2021-01-01",
        "clause": "测试"})


@pytest.mark.parametrize("group", ["市场监管", "生态环境"])
def test_market_and_ecology_staff_change_the_registry(registry, client, make_staff, group):
    user = make_staff("bureau", group)
    client.force_login(user)
    doc = NormativeDocument.objects.get(number="衢政发〔2011〕97号")
    page = client.get(reverse("admin:regulations_normativedocument_change", args=[doc.pk]))
    assert 'name="_save"' in page.content.decode()
    assert client.get(reverse("admin:regulations_normativedocument_import")).status_code == 200
    assert _repeal_link_post(client).status_code == 302
    assert DocumentLink.objects.filter(target__number="衢市监规〔2019〕1号").exists()


@pytest.mark.parametrize("persona", READ_ONLY)
def test_other_roles_and_the_auditor_only_view(registry, client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    doc = NormativeDocument.objects.get(number="衢政发〔2011〕97号")
    change_url = reverse("admin:regulations_normativedocument_change", args=[doc.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"title": "改动"}).status_code == 403
    assert client.get(reverse("admin:regulations_normativedocument_add")).status_code == 403
    assert client.get(reverse("admin:regulations_normativedocument_import")).status_code == 403
    assert _repeal_link_post(client).status_code == 403
    assert not DocumentLink.objects.filter(target__number="衢市监规〔2019〕1号").exists()
    doc.refresh_from_db()
    assert doc.title == "衢州市人民政府关于进一步完善困难群众基本生活价格补贴机制的通知"
    # Reading works everywhere: admin list, search page, API.
    assert client.get(reverse("admin:regulations_normativedocument_changelist")).status_code == 200
    assert client.get(reverse("regulations:search"), {"number": "衢政发[2011]97号"}).status_code == 200
    rows = client.get("/api/regulations/documents", {"number": "衢政发(2011)97号",
                                                     "as_of": "2020-06-09"}).json()
    assert [(r["status"], r["history"][-1]["by"]) for r in rows] == [("repealed", "衢政办发〔2020〕20号")]


def test_county_market_staff_read_but_do_not_change_the_city_registry(registry, client, make_staff):
    client.force_login(make_staff("kc_scjg", "市场监管", region_code="330802"))
    doc = NormativeDocument.objects.get(number="衢政发〔2011〕97号")
    change_url = reverse("admin:regulations_normativedocument_change", args=[doc.pk])
    assert 'name="_save"' not in client.get(change_url).content.decode()
    assert client.post(change_url, {"title": "改动"}).status_code == 403
    assert client.get(reverse("admin:regulations_normativedocument_import")).status_code == 403
    assert _repeal_link_post(client).status_code == 403


def test_staff_without_a_role_see_nothing(registry, client, make_staff):
    client.force_login(make_staff("nobody"))
    assert client.get(reverse("admin:regulations_normativedocument_changelist")).status_code == 403
    assert client.get("/api/regulations/documents").status_code == 403
