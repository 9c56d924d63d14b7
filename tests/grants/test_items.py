"""衢政办发〔2020〕16号 二/三: every item as printed, its status on a date, the 2019 rule."""

import datetime as dt

import pytest
from django.conf import settings

from apps.core.models import AuditEvent
from apps.grants import services
from apps.grants.models import GrantItem, GrantItemEvent

pytestmark = pytest.mark.django_db
URL = "/api/grants/items"


@pytest.fixture
def jx(make_staff):
    return make_staff("jingxin", "经信")


def get(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def test_seed_import_reads_every_item_as_printed(gazette):
    assert "衢政办发〔2020〕16号" not in gazette.unparsed
    counts = {group: GrantItem.objects.filter(group=group).count()
              for group in ("added", "adjusted", "suspended", "stopped")}
    # 二(一) 1–4; 二(二) 1 (with (1), (2)), 2, 3; 二(三) 13 entries; 二(四) 20 entries.
    assert counts == {"added": 4, "adjusted": 5, "suspended": 13, "stopped": 20}
    assert GrantItem.objects.get(key="added-1").title == "支持应急物资生产技改"
    assert GrantItem.objects.get(key="adjusted-1.2").title == "增设企业技改地方综合贡献奖励"
    # A 、 inside an entry stays in it; the bracket's 、 too.
    assert GrantItem.objects.get(key="suspended-2").title == "入选省级及以上知识产权运用、服务、保护项目"
    assert GrantItem.objects.get(key="suspended-9").title == "获评省级及以上绿色园区(工厂、设计产品)和绿色供应链等称号"
    # “企业\n\n家、高管团队培训” is mended across the page break.
    assert GrantItem.objects.get(key="suspended-13").title == "企业家、高管团队培训、考察等企业家素质提升项目"
    assert GrantItem.objects.get(key="stopped-20").title == "工艺美术发展中工艺建设项目"
    # “鼓励符合条件的经济\n\n主体” joined.
    assert "经济主体积极争取" in GrantItem.objects.get(key="added-4").text
    # 三: 支持中小微企业新增贷款 and 中小微企业服务券 run until 2020-12-31; no other date printed.
    dated = dict(GrantItem.objects.exclude(valid_until=None).values_list("key", "valid_until"))
    assert dated == {"added-4": dt.date(2020, 12, 31), "adjusted-2": dt.date(2020, 12, 31)}
    messages = gazette.parser_results["grants.items"]["messages"]
    assert any("第14号令" in m for m in messages)
    # 自公布之日起施行 → one event per item on the signing date 2020-07-07.
    assert GrantItemEvent.objects.count() == 42
    assert set(GrantItemEvent.objects.values_list("on", flat=True)) == {dt.date(2020, 7, 7)}


def test_rerun_changes_nothing(gazette):
    from apps.gazette.services import import_gazette

    again = import_gazette(text=settings.GAZETTE_PATH.read_text(encoding="utf-8"), source_name="seed")
    result = again.parser_results["grants.items"]
    assert result["created"] == 0 and result["updated"] == 0


def test_statuses_on_a_date(gazette, client, jx):
    body = get(client, jx, project_year="2020", date="2020-08-01").json()
    assert body["governed_by"] == "衢政办发〔2020〕16号"
    status = {row["key"]: row["status"] for row in body["items"]}
    assert len(status) == 42
    assert status["added-1"] == status["adjusted-3"] == "in_force"
    assert status["suspended-1"] == "suspended" and status["stopped-1"] == "stopped"
    assert [row["valid_until"] for row in body["items"] if row["key"] == "added-4"] == ["2020-12-31"]
    # 有效期截至2020年12月31日: that day included, the next not.
    last = get(client, jx, project_year="2020", date="2020-12-31").json()["items"]
    after = get(client, jx, project_year="2020", date="2021-01-01").json()["items"]
    assert {r["key"]: r["status"] for r in last}["added-4"] == "in_force"
    assert {r["key"]: r["status"] for r in after}["added-4"] == "expired"
    assert {r["key"]: r["status"] for r in after}["added-1"] == "in_force"
    # Before 施行 (signed 2020-07-07) nothing of the notice is in force yet.
    before = get(client, jx, project_year="2020", date="2020-07-06").json()["items"]
    assert {r["status"] for r in before} == {"not_in_force"}


def test_2019_projects_follow_the_2019_document(gazette, client, jx):
    # 三: 2019年度的奖补项目按衢政办发〔2019〕35号执行.
    body = get(client, jx, project_year="2019", date="2020-08-01").json()
    assert body == {"governed_by": "衢政办发〔2019〕35号", "items": []}
    assert get(client, jx, project_year="2018").json()["items"] == []


def test_group_and_title_words_filter(gazette, client, jx):
    rows = get(client, jx, project_year="2020", group="stopped", q="专利 示范").json()["items"]
    assert [r["key"] for r in rows] == ["stopped-9"]
    assert all(r["group"] == "added" for r in get(client, jx, project_year="2020", group="added").json()["items"])


def test_bad_parameters_are_400_naming_them(gazette, client, jx):
    for query, name in [({}, "project_year"), ({"project_year": "二〇二〇"}, "project_year"),
                        ({"project_year": "2020", "group": "new"}, "group"),
                        ({"project_year": "2020", "date": "2020-13-01"}, "date")]:
        response = get(client, jx, **query)
        assert response.status_code == 400 and name in response.json()["error"], query
    assert "added、adjusted、suspended、stopped" in get(client, jx, project_year="2020", group="x").json()["error"]


def test_resume_is_a_staff_event_with_an_actor(gazette, client, jx):
    item = GrantItem.objects.get(key="suspended-12")
    with pytest.raises(services.EventRefused):  # 恢复 needs a basis
        services.record_event(item=item, kind="resume", on=dt.date(2020, 10, 1), basis=" ", actor=jx)
    event = services.record_event(item=item, kind="resume", on=dt.date(2020, 10, 1),
                                  basis="市经信局恢复实施通知", actor=jx)
    assert event.recorded_by == "jingxin"
    audited = AuditEvent.objects.get(model="grants.GrantItemEvent", object_id=str(event.pk))
    assert audited.actor == jx and audited.action == "create"
    rows = {r["key"]: r["status"] for r in get(client, jx, project_year="2020", date="2020-09-30").json()["items"]}
    assert rows["suspended-12"] == "suspended"
    rows = {r["key"]: r["status"] for r in get(client, jx, project_year="2020", date="2020-10-01").json()["items"]}
    assert rows["suspended-12"] == "in_force"
    # A stopped item is not resumed (三 resumes only 暂缓执行项目); a resumed one not twice.
    for key in ("stopped-1", "suspended-12"):
        with pytest.raises(services.EventRefused):
            services.record_event(item=GrantItem.objects.get(key=key), kind="resume",
                                  on=dt.date(2020, 11, 1), basis="x", actor=jx)


def test_expiry_of_a_14th_order_item_is_entered_by_staff(gazette, client, jx):
    item = GrantItem.objects.get(key="added-2")
    services.record_event(item=item, kind="expire", on=dt.date(2020, 9, 1), basis="第14号令解除", actor=jx)
    rows = {r["key"]: r["status"] for r in get(client, jx, project_year="2020", date="2020-09-01").json()["items"]}
    assert rows["added-2"] == "expired"


def test_events_are_never_edited_and_readers_cannot_record(gazette, make_staff):
    from apps.core.authority import AuthorityError

    event = GrantItemEvent.objects.filter(item__key="suspended-1").first()
    event.on = dt.date(2020, 7, 8)
    with pytest.raises(AuthorityError):
        event.save()
    reader = make_staff("fgw", "发改委")
    with pytest.raises(AuthorityError):
        services.record_event(item=event.item, kind="resume", on=dt.date(2020, 10, 1), basis="x", actor=reader)
    county = make_staff("kc-jx", "经信", region_code="330802")
    with pytest.raises(AuthorityError):
        services.record_event(item=event.item, kind="resume", on=dt.date(2020, 10, 1), basis="x", actor=county)
