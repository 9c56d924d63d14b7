"""A county clerk's doctors import (issue 9 §2, §6; review finding 11): a row outside the
clerk's county says the same whether or not its 公民身份号码 is registered in another county
— the preview is no way to learn that someone is a 医保医师 elsewhere."""

import datetime as dt

import pytest

from apps.core import resident_id
from apps.core.tabular import ImportRejected
from apps.doctors.imports import import_file

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def kecheng_yibao(make_staff):
    return make_staff("kc_yibao", "医保", region_code="330802")


def refused(kind: str, text: str, actor, number: str) -> list[str]:
    """The errors of a refused file, the ID's masked form written as ID."""
    with pytest.raises(ImportRejected) as exc:
        import_file(kind=kind, data=text.encode(), filename="f.csv", actor=actor)
    return [str(e).replace(resident_id.mask(number), "ID") for e in exc.value.errors]


def test_a_row_outside_the_county_says_the_same_for_a_registered_and_an_unknown_id(
        kecheng_yibao, make_doctor, kecheng_hospital, jiangshan_hospital, deduct):
    elsewhere = make_doctor("江山医生", institutions=[jiangshan_hospital])  # 江山市 only
    deduct(elsewhere, jiangshan_hospital, "20.2", D(2020, 9, 7), violation=D(2020, 9, 1))
    unknown = resident_id.compose("330881", D(1979, 1, 2), 8)
    files = {
        "doctors": ("姓名,公民身份号码,执业证书编码,资格类别,机构编码,机构名称,区划代码,协议起始,协议终止\n"
                    "{name},{id},C88,执业医师,H330881001,江山市人民医院,330881,2020-01-01,2020-12-31\n"),
        "deductions": ("公民身份号码,机构编码,条款,违规日期,通知日期\n"
                       "{id},H330881001,20.2,2020-09-01,2020-09-07\n"
                       "{id},H330802001,20.1,2020-09-01,2020-09-07\n"),
        "appeals": "公民身份号码,条款,违规日期,申诉日期\n{id},20.2,2020-09-01,2020-09-08\n",
    }
    said = {}
    for kind, text in files.items():
        known = refused(kind, text.format(name="江山医生", id=elsewhere.resident_id), kecheng_yibao,
                        elsewhere.resident_id)
        assert known == refused(kind, text.format(name="江山医生", id=unknown), kecheng_yibao,
                                unknown), kind
        said[kind] = known
    assert said == {
        "doctors": ["第2行“机构编码”列:“H330881001”不在您的管辖区域(柯城区)内"],
        "deductions": ["第2行“公民身份号码”列:ID不是您管辖区域(柯城区)内登记的医保医师",
                       "第2行“机构编码”列:“H330881001”不在您的管辖区域(柯城区)内",
                       "第3行“公民身份号码”列:ID不是您管辖区域(柯城区)内登记的医保医师"],
        "appeals": ["第2行“公民身份号码”列:ID不是您管辖区域(柯城区)内登记的医保医师"],
    }


DOCTORS_HEADER = "姓名,公民身份号码,执业证书编码,资格类别,机构编码,机构名称,区划代码,协议起始,协议终止\n"


def test_an_own_county_row_for_a_doctor_registered_elsewhere_reads_as_a_new_one(
        kecheng_yibao, make_staff, make_doctor, kecheng_hospital, jiangshan_hospital, deduct):
    """Review finding 2 (DOMAIN §4, issue 9 §2): a 柯城区 医保 clerk's doctors preview for a
    row at 柯城区's own hospital naming a doctor with agreements only in 江山市 counts him as
    an unregistered ID does (医师 1), and his 江山市 termination (17.1, 一次性扣12分 on
    2020-09-01 → no new agreement until 2021-08-31, art. 21) refuses the row without its date.
    City 医保 staff see the match: 医师 0 (already registered) and the ban's last day."""
    from apps.core.import_jobs import dry_run

    city = make_staff("city_yibao", "医保")
    elsewhere = make_doctor("江山医生", institutions=[jiangshan_hospital])
    unknown = resident_id.compose("330881", D(1979, 1, 2), 8)
    row = "{name},{id},{cert},执业医师,H330802001,衢州市人民医院,330802,{start},2021-12-31\n"

    def preview(actor, number: str, cert: str, start: str = "2021-01-01") -> dict:
        return dry_run(import_file, kind="doctors", filename="f.csv", actor=actor, data=(
            DOCTORS_HEADER + row.format(name="江山医生", id=number, cert=cert, start=start)).encode())

    new = {"doctors": 1, "institutions": 0, "agreements": 1, "unchanged": 0}
    assert preview(kecheng_yibao, unknown, "C99") == new
    assert preview(kecheng_yibao, elsewhere.resident_id, elsewhere.certificate_number) == new
    assert preview(city, unknown, "C99") == new
    assert preview(city, elsewhere.resident_id, elsewhere.certificate_number) == {**new, "doctors": 0}
    # A doctor already the county's (an agreement at 柯城区) is not new to it.
    own = make_doctor("柯城医生", institutions=[kecheng_hospital])
    assert preview(kecheng_yibao, own.resident_id, own.certificate_number, "2021-01-01") == {
        **new, "doctors": 0}

    deduct(elsewhere, jiangshan_hospital, "17.1", D(2020, 9, 1))
    banned = DOCTORS_HEADER + row.format(name="江山医生", id=elsewhere.resident_id,
                                         cert=elsewhere.certificate_number, start="2021-03-01")
    assert refused("doctors", banned, kecheng_yibao, elsewhere.resident_id) == [
        "第2行“协议起始”列:该医师目前不得签订服务协议(第二十一条),详情请向市医保部门查询"]
    assert refused("doctors", banned, city, elsewhere.resident_id) == [
        "第2行“协议起始”列:该医师自解除服务协议之日起至2021年8月31日不得重新签订服务协议(第二十一条)"]
