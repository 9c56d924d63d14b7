"""衢政通〔2020〕1号: the 禁用区, the machine register and the inspector's check (issue 15 §2)."""

import pytest
from django.core.management import CommandError, call_command

from apps.core.models import AuditEvent
from apps.core.tabular import ImportRejected
from apps.ecology import imports
from apps.ecology.models import Machine, RestrictedZone

pytestmark = pytest.mark.django_db
URL = "/api/ecology/machines/check"
HEADER = "所有者,区划代码,类别,机型,出厂编号,燃料,排气烟度类别,识别标志编号,使用场所\n"
GOOD = HEADER + (
    "衢州某建设有限公司,330802,工程机械,挖掘机PC200,SN-001,柴油,Ⅲ类,QZ-0001,荷花街道工地\n"
    "衢州某建设有限公司,330802,工程机械,装载机ZL50,SN-002,柴油,未检测,,荷花街道工地\n"
    "衢江某物流公司,330803,材料装卸机械,叉车CPD30,SN-003,电动,未检测,QZ-0003,仓库\n"
    "衢江某物流公司,330803,工程机械,压路机XS,SN-004,柴油,II类,QZ-0004,樟潭\n"
)


def load(text: str, actor=None, name: str = "machines.csv", encoding: str = "utf-8"):
    return imports.import_file(data=text.encode(encoding), filename=name, actor=actor)


def check(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def test_zone_keeps_both_sections_of_boundary_roads_in_printed_order(gazette):
    zone = RestrictedZone.objects.get(number="衢政通〔2020〕1号")
    assert str(zone.effective_from) == "2020-08-13"  # 四
    assert zone.roads_excluded  # 不含边界道路
    first, second = zone.sections
    assert first == ["荷五路", "衢化路", "府东街", "博雅路", "衢江北路", "衢江中路", "衢江南路",
                     "衢江东路", "曙光北路"]
    assert second[0] == "盈川东路" and second[-1] == "学渊路" and len(second) == 11
    assert zone.categories == ["工程机械", "农业机械", "林业机械", "材料装卸机械", "工业钻井机械设备",
                               "机场地勤设备"]
    assert "衢政通〔2020〕1号" not in gazette.unparsed


def test_import_registers_every_machine_and_audits_once(gazette):
    assert load(GOOD) == {"登记": 4}
    machine = Machine.objects.get(serial_number="SN-001")
    assert (machine.region.name, machine.category, machine.fuel, machine.smoke_class,
            machine.sign_number) == ("柯城区", "construction", "diesel", "III", "QZ-0001")
    assert Machine.objects.get(serial_number="SN-002").sign_number is None  # optional
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT,
                                     note__contains="非道路移动机械").count() == 1
    assert machine.history.count() == 1


def test_gbk_csv_is_read(gazette):
    assert load(GOOD, name="machines.csv", encoding="gbk") == {"登记": 4}


def test_a_bad_file_is_refused_whole_naming_each_line(gazette):
    bad = GOOD + (
        "某公司,330899,工程机械,挖掘机,SN-005,柴油,Ⅲ类,,工地\n"          # 第6行: unknown region
        "某公司,330802,船舶,挖掘机,SN-006,汽油,Ⅳ类,,工地\n"               # 第7行: category, fuel, smoke
        "某公司,330802,工程机械,挖掘机,SN-001,柴油,Ⅲ类,QZ-0003,工地\n"    # 第8行: duplicates
    )
    with pytest.raises(ImportRejected) as caught:
        load(bad)
    lines = [str(e) for e in caught.value.errors]
    assert lines[0].startswith("第6行“区划代码”列") and "330899" in lines[0]
    assert [e.column for e in caught.value.errors if e.line == 7] == ["类别", "燃料", "排气烟度类别"]
    eight = [str(e) for e in caught.value.errors if e.line == 8]
    assert "与第2行重复" in eight[0] and "与第4行重复" in eight[1]
    assert Machine.objects.count() == 0  # nothing saved


def test_numbers_already_registered_fail(gazette):
    load(GOOD)
    with pytest.raises(ImportRejected) as caught:
        load(HEADER + "某公司,330802,工程机械,挖掘机,SN-001,柴油,Ⅲ类,QZ-0004,工地\n")
    assert [str(e) for e in caught.value.errors] == [
        "第2行“出厂编号”列:“SN-001”已登记", "第2行“识别标志编号”列:“QZ-0004”已发放给其他机械"]


def test_county_staff_register_only_their_county(gazette, make_staff):
    kecheng = make_staff("kc-st", "生态环境", region_code="330802")
    with pytest.raises(ImportRejected) as caught:
        load(GOOD, actor=kecheng)
    assert {e.line for e in caught.value.errors} == {4, 5}  # the two 衢江区 rows
    assert Machine.objects.count() == 0


def test_command_exits_1_with_the_lines(gazette, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + "某公司,330802,工程机械,挖掘机,,柴油,Ⅲ类,,工地\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("machinery_import", str(path))
    assert "第2行“出厂编号”列:不能为空" in str(caught.value)
    path.write_text(GOOD, encoding="utf-8")
    call_command("machinery_import", str(path))
    assert Machine.objects.count() == 4


@pytest.fixture
def machines(gazette):
    load(GOOD)


def test_before_the_notice_takes_effect_everything_may_work(machines, client, ecology_user):
    body = check(client, ecology_user, machine="SN-002", date="2020-08-12").json()
    assert (body["in_force"], body["allowed"]) == (False, True)


def test_diesel_needs_class_three(machines, client, ecology_user):
    """三(一): Ⅲ类 may work; 未检测 and Ⅱ类 may not."""
    ok = check(client, ecology_user, machine="QZ-0001", date="2020-08-13").json()
    assert (ok["in_force"], ok["inside_zone"], ok["allowed"]) == (True, True, True)
    assert ok["machine"]["serial_number"] == "SN-001"
    untested = check(client, ecology_user, machine="SN-002", date="2020-08-13").json()
    assert untested["allowed"] is False and "未检测" in untested["reason"]
    assert check(client, ecology_user, machine="SN-004", date="2020-09-01").json()["allowed"] is False


def test_electric_machines_are_not_held_to_a_diesel_standard(machines, client, ecology_user):
    body = check(client, ecology_user, machine="SN-003", date="2020-09-01").json()
    assert body["allowed"] is True and "柴油" in body["reason"]


def test_boundary_roads_are_not_in_the_zone(machines, client, ecology_user):
    """一: 不含边界道路 — on 府东街 (section one) or 学渊路 (section two) a diesel 未检测 may work."""
    for road in ("府东街", "学渊路"):
        body = check(client, ecology_user, machine="SN-002", date="2020-09-01", road=road).json()
        assert (body["inside_zone"], body["allowed"]) == (False, True)
    inside = check(client, ecology_user, machine="SN-002", date="2020-09-01", road="新桥街").json()
    assert (inside["inside_zone"], inside["allowed"]) == (True, False)


def test_unknown_machine_is_404_and_bad_date_400(machines, client, ecology_user):
    response = check(client, ecology_user, machine="NOPE", date="2020-09-01")
    assert response.status_code == 404 and "error" in response.json()
    response = check(client, ecology_user, machine="SN-001", date="2020-02-30")
    assert response.status_code == 400 and response.json()["parameter"] == "date"
    assert check(client, ecology_user, date="2020-09-01").json()["parameter"] == "machine"


def test_admin_upload_uses_the_same_validation(gazette, client, ecology_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ecology_user)
    bad = SimpleUploadedFile("m.csv", (HEADER + "某公司,330802,工程机械,挖掘机,SN-9,柴油,Ⅴ类,,工地\n").encode())
    response = client.post("/admin/ecology/machine/upload/", {"file": bad})
    assert response.status_code == 200 and "<td>2</td><td>排气烟度类别</td>" in response.content.decode()
    assert Machine.objects.count() == 0
    good = SimpleUploadedFile("m.csv", GOOD.encode())
    response = client.post("/admin/ecology/machine/upload/", {"file": good})
    assert response.status_code == 302 and Machine.objects.count() == 4


def test_county_admin_list_shows_only_its_machines(machines, client, make_staff):
    client.force_login(make_staff("kc-st", "生态环境", region_code="330802"))
    page = client.get("/admin/ecology/machine/").content.decode()
    assert "SN-001" in page and "SN-003" not in page
