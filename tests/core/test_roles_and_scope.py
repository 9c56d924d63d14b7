import pytest
from django.contrib.auth.models import Group

from apps.core import roles
from apps.core.models import Notice, Region


@pytest.mark.django_db
def test_every_role_group_exists_after_migrate():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"市府办", "民政", "人社", "退役军人", "发改委", "医保", "市场监管", "生态环境", "审计"} <= names


@pytest.mark.django_db
def test_auditor_reads_everything_and_changes_nothing(auditor_user):
    assert auditor_user.has_perm("core.view_auditevent")
    assert auditor_user.has_perm("gazette.view_article")
    codenames = Group.objects.get(name="审计").permissions.values_list("codename", flat=True)
    assert codenames and all(c.startswith("view_") for c in codenames)


@pytest.mark.django_db
def test_full_resident_id_only_for_roles_handling_citizens(minzheng_user, yibao_user,
                                                          auditor_user, shifuban_user):
    assert roles.may_see_full_id(minzheng_user)
    assert roles.may_see_full_id(yibao_user)
    assert not roles.may_see_full_id(auditor_user)
    assert not roles.may_see_full_id(shifuban_user)


@pytest.mark.django_db
def test_user_region(kecheng_user, minzheng_user, make_staff):
    assert roles.user_region(kecheng_user).code == "330802"
    assert roles.user_region(minzheng_user) is None
    city_user = make_staff("city", "民政", region_code="330800")
    assert roles.user_region(city_user) is None


@pytest.fixture
def notices(db):
    kecheng = Region.objects.get(code="330802")
    jiangshan = Region.objects.get(code="330881")
    for region, who in [(kecheng, "柯城区张三"), (jiangshan, "江山市李四")]:
        Notice.objects.create(channel="sms", recipient=who, subject="价格临时补贴到账",
                              body="…", topic="test", region=region)


def test_county_user_never_sees_another_countys_records(client, kecheng_user, notices):
    client.force_login(kecheng_user)
    page = client.get("/admin/core/notice/").content.decode()
    assert "柯城区张三" in page and "江山市李四" not in page


def test_county_scope_holds_in_exports(client, kecheng_user, notices):
    client.force_login(kecheng_user)
    response = client.post("/admin/core/notice/export/", {"format": "0", "resource": "0",
                                                            "noticeresource_id": True,
                                                            "noticeresource_recipient": True})
    assert response.status_code == 200, response.content[:500]
    body = response.content.decode("utf-8-sig")
    assert "柯城区张三" in body and "江山市李四" not in body


def test_city_user_sees_all_counties(client, minzheng_user, notices):
    client.force_login(minzheng_user)
    page = client.get("/admin/core/notice/").content.decode()
    assert "柯城区张三" in page and "江山市李四" in page


def test_county_user_cannot_attach_records_to_another_countys_person(client, kecheng_user):
    """A 柯城区 enrolment never names a 江山市 beneficiary, even when the id is typed in."""
    from apps.core import resident_id
    from apps.subsidies.models import Beneficiary, Enrolment

    jiangshan = Beneficiary.objects.create(
        name="江山某人", resident_id=resident_id.compose("330881", "19500101", 7),
        region=Region.objects.get(code="330881"), residence="rural")
    client.force_login(kecheng_user)
    response = client.post("/admin/subsidies/enrolment/add/", {
        "beneficiary": jiangshan.pk, "category": "dibao", "from_month": "2020-06-01",
        "department": "minzheng"})
    assert response.status_code == 200  # the form comes back with an error
    assert not Enrolment.objects.filter(beneficiary=jiangshan).exists()
