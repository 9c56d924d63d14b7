"""Tourism admin: 文旅 keeps, 市府办 reads, county staff see and write their own spots only;
the weekend date is a dated, audited staff decision; settlement rows are never edited."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.models import AuditEvent
from apps.tourism import services
from apps.tourism.models import FreeTourYear, ScenicSpot, SpotClosure, SpotSettlement

from .conftest import D

pytestmark = pytest.mark.django_db


def test_wenlv_sets_the_weekend_date_with_a_basis_and_it_is_audited(programme, client, wenlv):
    client.force_login(wenlv)
    url = f"/admin/tourism/freetouryear/{programme.pk}/change/"
    refused = client.post(url, {"weekend_extension_from": "2020-09-01", "weekend_extension_basis": ""})
    assert refused.status_code == 200 and FreeTourYear.objects.get().weekend_extension_from is None
    response = client.post(url, {"weekend_extension_from": "2020-09-01",
                                 "weekend_extension_basis": "市文旅局通知(测试)"})
    assert response.status_code == 302
    assert FreeTourYear.objects.get().weekend_extension_from == D(2020, 9, 1)
    event = AuditEvent.objects.filter(model="tourism.FreeTourYear", action="update").latest("pk")
    assert "2020-09-01" in event.note and event.actor == wenlv


def test_outside_the_year_is_refused(programme):
    with pytest.raises(services.Refused):
        services.weekend_extension_set(programme=programme, starts_on=D(2021, 1, 2), basis="x")


def test_county_user_sees_only_its_spots(programme, client, wenlv, wenlv_jiangshan, jiangshan):
    client.force_login(wenlv)
    spot = ScenicSpot.objects.get(name="江郎山")
    response = client.post(f"/admin/tourism/scenicspot/{spot.pk}/change/", {"region": jiangshan.pk})
    assert response.status_code == 302 and ScenicSpot.objects.get(pk=spot.pk).region == jiangshan
    client.force_login(wenlv_jiangshan)
    page = client.get("/admin/tourism/scenicspot/").content.decode()
    assert "江郎山" in page and "烂柯山" not in page
    other = ScenicSpot.objects.get(name="烂柯山")
    assert client.get(f"/admin/tourism/scenicspot/{other.pk}/change/").status_code in (302, 404)


def test_settlement_rows_are_read_only_and_uploads_use_the_import_validation(programme, client, wenlv):
    client.force_login(wenlv)
    bad = SimpleUploadedFile("s.csv", "景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数\n烂柯山,2020,1,1,2,1\n"
                             .encode())
    page = client.post("/admin/tourism/spotsettlement/upload/", {"file": bad}).content.decode()
    assert "第2行" in page and SpotSettlement.objects.count() == 0
    good = SimpleUploadedFile("s.csv", "景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数\n烂柯山,2020,1,1,1,1\n"
                              .encode())
    assert client.post("/admin/tourism/spotsettlement/upload/", {"file": good}).status_code == 302
    row = SpotSettlement.objects.get()
    assert row.base_2019 == Decimal(1)
    response = client.post(f"/admin/tourism/spotsettlement/{row.pk}/change/", {
        "spot": row.spot_id, "year": 2020, "base_2019": "999", "daily_ticket_income": "1",
        "reward_ratio": "1", "visitors": "1"})
    assert response.status_code in (302, 403) and SpotSettlement.objects.get().base_2019 == Decimal(1)


def test_closure_upload_page_and_list(programme, client, wenlv):
    client.force_login(wenlv)
    assert "景区,起,止" in client.get("/admin/tourism/spotclosure/upload/").content.decode()
    good = SimpleUploadedFile("c.csv", "景区,起,止\n烂柯山,2020-02-01,2020-02-03\n".encode())
    assert client.post("/admin/tourism/spotclosure/upload/", {"file": good}).status_code == 302
    assert SpotClosure.objects.count() == 1
    assert "整表上传" in client.get("/admin/tourism/spotclosure/").content.decode()


def test_shifuban_reads_only(programme, client, make_staff):
    client.force_login(make_staff("sfb", "市府办"))
    assert client.get("/admin/tourism/scenicspot/").status_code == 200
    assert client.get("/admin/tourism/spotclosure/upload/").status_code == 302  # 无权导入
    assert SpotClosure.objects.count() == 0
