"""Issue 4 §6: exact headers, whole-file validation, nothing imported on any bad row."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from apps.core import resident_id
from apps.core.models import AuditEvent
from apps.core.tabular import ImportRejected
from apps.doctors import selectors
from apps.doctors.imports import import_file
from apps.doctors.models import Agreement, Appeal, Doctor, Institution, PointDeduction

pytestmark = pytest.mark.django_db
D = dt.date
ZHANG = resident_id.compose("330802", D(1975, 3, 9), 11)
LI = resident_id.compose("330881", D(1982, 7, 1), 22)
DOCTORS_HEADER = "姓名,公民身份号码,执业证书编码,资格类别,机构编码,机构名称,区划代码,协议起始,协议终止"


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def doctors_file(regions) -> bytes:
    return csv(
        DOCTORS_HEADER,
        f"张三,{ZHANG},110330802000011,执业医师,H001,市人民医院,330802,2020-01-01,2020-12-31",
        f"张三,{ZHANG},110330802000011,执业医师,H002,江山市人民医院,330881,2020-01-01,2020-12-31",
        f"李四,{LI},110330881000022,乡村医生,H002,江山市人民医院,330881,2020-01-01,2020-12-31",
    )


def test_doctors_import_creates_doctors_institutions_and_one_agreement_per_site(doctors_file):
    counts = import_file(kind="doctors", data=doctors_file, filename="doctors.csv")
    assert counts == {"doctors": 2, "institutions": 2, "agreements": 3, "unchanged": 0}
    zhang = selectors.doctor_find(ZHANG)
    assert zhang.name == "张三" and zhang.get_qualification_display() == "执业医师"
    assert zhang.agreements.count() == 2
    assert Institution.objects.get(code="H001").name == "衢州市人民医院"  # 市人民医院 resolved
    assert Institution.objects.get(code="H002").region.code == "330881"
    assert Agreement.objects.filter(accepted_at__isnull=False).count() == 3
    again = import_file(kind="doctors", data=doctors_file, filename="doctors.csv")
    assert again["unchanged"] == 3 and Agreement.objects.count() == 3
    assert AuditEvent.objects.filter(action="import", model="doctors.Doctor").count() == 2


def test_any_bad_row_rejects_the_whole_file_listing_every_bad_row(regions):
    data = csv(
        DOCTORS_HEADER,
        f"张三,{ZHANG},110330802000011,执业医师,H001,市人民医院,330802,2020-01-01,2020-12-31",
        f"李四,{LI[:-1]}0,110330881000022,主任医师,H002,江山市人民医院,339999,2020-13-01,2020-12-31",
    )
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="doctors", data=data, filename="doctors.csv")
    report = exc.value.report()
    assert "第3行“公民身份号码”列:公民身份号码校验码错误" in report
    assert "第3行“资格类别”列" in report and "第3行“区划代码”列" in report
    assert "第3行“协议起始”列:“2020-13-01”不是有效日期" in report
    assert Doctor.objects.count() == 0 and Institution.objects.count() == 0


def test_headers_must_match_exactly(regions):
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="deductions", data=csv("身份证,机构编码,条款,违规日期,通知日期"),
                    filename="d.csv")
    assert "表头应为“公民身份号码,机构编码,条款,违规日期,通知日期”" in exc.value.report()


def test_deductions_import_records_and_derives_consequences(doctors_file):
    import_file(kind="doctors", data=doctors_file, filename="doctors.csv")
    data = csv("公民身份号码,机构编码,条款,违规日期,通知日期",
               f"{ZHANG},H001,18.1,2020-08-03,2020-08-06",
               f"{ZHANG},H002,19.4,2020-08-20,2020-09-08",
               f"{ZHANG},H002,20.1,2020-08-21,2020-09-09")
    assert import_file(kind="deductions", data=data, filename="d.csv")["deductions"] == 3
    zhang = selectors.doctor_find(ZHANG)
    assert selectors.year_points(doctor=zhang, year=2020) == 9
    assert zhang.consequences.get(kind="suspension").effective_date == D(2020, 9, 9)
    assert import_file(kind="deductions", data=data, filename="d.csv")["unchanged"] == 3


def test_deductions_import_rejects_unknown_items_and_doctors_without_agreement(doctors_file):
    import_file(kind="doctors", data=doctors_file, filename="doctors.csv")
    data = csv("公民身份号码,机构编码,条款,违规日期,通知日期",
               f"{ZHANG},H001,19.4,2020-08-03,2020-08-06",
               f"{ZHANG},H001,21.1,2020-08-03,2020-08-06",
               f"{LI},H001,19.4,2020-08-05,2020-08-04")
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="deductions", data=data, filename="d.csv")
    messages = [str(e) for e in exc.value.errors]
    assert messages[0].startswith("第3行“条款”列:“21.1”不是第十七至二十条的扣分条款")
    assert any(m.startswith("第4行“通知日期”列") for m in messages)
    assert any("没有服务协议" in m and m.startswith("第4行") for m in messages)
    assert PointDeduction.objects.count() == 0


def test_appeals_import_refuses_a_late_appeal_naming_the_last_day(doctors_file):
    import_file(kind="doctors", data=doctors_file, filename="doctors.csv")
    import_file(kind="deductions", filename="d.csv", data=csv(
        "公民身份号码,机构编码,条款,违规日期,通知日期", f"{ZHANG},H001,19.4,2020-09-20,2020-09-30",
        f"{LI},H002,20.1,2020-09-21,2020-09-30"))
    late = csv("公民身份号码,条款,违规日期,申诉日期", f"{ZHANG},19.4,2020-09-20,2020-10-21",
               f"{LI},20.1,2020-09-21,2020-10-22")
    with pytest.raises(ImportRejected) as exc:
        import_file(kind="appeals", data=late, filename="a.csv")
    assert [str(e) for e in exc.value.errors] == [
        # The service's own refusal (``appeal_check``), not a restated copy (issue 14 §1).
        "第3行“申诉日期”列:申诉已超过期限:扣分通知日期为2020年9月30日,应在接到通知后10个工作日内"
        "即2020年10月21日前提出(第二十七条)"]
    assert Appeal.objects.count() == 0
    ok = csv("公民身份号码,条款,违规日期,申诉日期", f"{ZHANG},19.4,2020-09-20,2020-10-21")
    assert import_file(kind="appeals", data=ok, filename="a.csv") == {"appeals": 1, "unchanged": 0}
    assert Appeal.objects.get().decision_due == D(2020, 12, 2)


def test_doctors_import_command_reports_errors_and_imports_good_files(tmp_path, doctors_file):
    good = tmp_path / "doctors.csv"
    good.write_bytes(doctors_file)
    call_command("doctors_import", "doctors", str(good))
    assert Doctor.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv("公民身份号码,机构编码,条款,违规日期,通知日期", f"{ZHANG},H001,99.9,2020-08-03,2020-08-06"))
    with pytest.raises(CommandError, match="第2行“条款”列"):
        call_command("doctors_import", "deductions", str(bad))


def test_xlsx_files_are_read_too(regions, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(DOCTORS_HEADER.split(","))
    sheet.append(["张三", ZHANG, "110330802000011", "执业助理医师", "H001", "衢州市人民医院", "330802",
                  dt.datetime(2020, 1, 1), dt.datetime(2020, 12, 31)])
    path = tmp_path / "doctors.xlsx"
    book.save(path)
    counts = import_file(kind="doctors", data=path.read_bytes(), filename="doctors.xlsx")
    assert counts["agreements"] == 1
    assert Agreement.objects.get().end == D(2020, 12, 31)
