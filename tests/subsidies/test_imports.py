"""Imports with exact headers; any bad row imports nothing and every bad row is listed."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from apps.core import resident_id
from apps.core.tabular import ImportRejected
from apps.subsidies import imports
from apps.subsidies.models import (
    Beneficiary,
    Enrolment,
    LocalStandard,
    MonthlyIndex,
    SubsidyRun,
    University,
)

JUNE = dt.date(2020, 6, 1)
ID1 = resident_id.compose("330802", dt.date(1960, 5, 1), 11)
ID2 = resident_id.compose("330881", dt.date(1948, 3, 9), 22)
BAD_ID = ID1[:-1] + ("0" if ID1[-1] != "0" else "1")


def csv(*lines, encoding="utf-8"):
    return ("\n".join(lines) + "\n").encode(encoding)


def run_import(kind, data, filename="f.csv", **kw):
    return imports.import_file(kind=kind, data=data, filename=filename, from_month=JUNE, **kw)


def test_indices_import_example_row(db):
    result = run_import("indices", csv("月份,SCPI同比涨幅,CPI食品同比涨幅", "2020-06,3.6,11.1"))
    assert result.created == 1
    index = MonthlyIndex.objects.get(month=JUNE)
    assert (index.scpi, index.cpi_food) == (Decimal("3.6"), Decimal("11.1"))


def test_indices_import_starts_the_run_after_commit(standards, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_import("indices", csv("月份,SCPI同比涨幅,CPI食品同比涨幅", "2020-06,2.9,5.9"))
    assert SubsidyRun.objects.get(month=JUNE).triggered is False


def test_standards_import_in_gbk(regions):
    data = csv("区划代码,起始月份,城市低保标准,农村低保标准,失业保险金标准",
               "330802,2020-07,810,810,1620", encoding="gbk")
    run_import("standards", data)
    s = LocalStandard.objects.get(region__code="330802")
    assert (s.from_month, s.urban_dibao) == (dt.date(2020, 7, 1), Decimal("810"))


def test_beneficiaries_import_one_person_in_two_categories(regions):
    data = csv("姓名,公民身份号码,区划代码,城乡,类别",
               f"张三,{ID1},330802,城镇,低保", f"张三,{ID1},330802,城镇,失业保险金",
               f"李四,{ID2},330881,农村,重点优抚")
    result = run_import("beneficiaries", data)
    assert (result.rows, result.created) == (3, 2)
    zhang = Beneficiary.objects.get(resident_id_digest=resident_id.digest(ID1))
    assert zhang.resident_id == ID1 and zhang.residence == "urban"
    assert sorted(zhang.enrolments.values_list("category", "department")) == [
        ("dibao", "minzheng"), ("unemployment", "renshe")]
    assert zhang.enrolments.first().from_month == JUNE
    # importing again creates nothing
    again = run_import("beneficiaries", data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Enrolment.objects.count() == 3


def test_beneficiaries_xlsx(regions):
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "公民身份号码", "区划代码", "城乡", "类别"])
    sheet.append(["王五", ID2, 330881, "农村", "特困供养"])
    buffer = io.BytesIO()
    book.save(buffer)
    run_import("beneficiaries", buffer.getvalue(), filename="b.xlsx")
    assert Enrolment.objects.get().category == "tekun"


def test_every_bad_row_is_listed_and_nothing_is_imported(regions):
    data = csv("姓名,公民身份号码,区划代码,城乡,类别",
               f"张三,{ID1},330802,城镇,低保",
               f"坏号,{BAD_ID},330802,城镇,低保",
               f"李四,{ID2},339999,城乡,贫困户",
               f"张三,{ID1},330802,城镇,低保")
    with pytest.raises(ImportRejected) as caught:
        run_import("beneficiaries", data)
    report = caught.value.report()
    assert "第3行“公民身份号码”列:公民身份号码校验码错误" in report
    assert "第4行“区划代码”列:未知的区划代码“339999”" in report
    assert "第4行“城乡”列" in report
    assert "第4行“类别”列:未知的类别“贫困户”" in report
    assert "第5行“类别”列:与第2行重复" in report
    assert Beneficiary.objects.count() == 0


def test_bad_month_and_negative_standard_are_rejected(regions):
    data = csv("区划代码,起始月份,城市低保标准,农村低保标准,失业保险金标准",
               "330802,2020-13,810,810,1620", "330803,2020-07,-1,810,1620")
    with pytest.raises(ImportRejected) as caught:
        run_import("standards", data)
    report = caught.value.report()
    assert "第2行“起始月份”列" in report and "第3行“城市低保标准”列:不能为负数" in report
    assert not LocalStandard.objects.exists()


def test_wrong_headers_are_rejected(db):
    with pytest.raises(ImportRejected, match="1处错误"):
        run_import("indices", csv("月份,SCPI,CPI", "2020-06,3.6,11.1"))


def test_universities_import_resolves_the_school(regions):
    run_import("universities", csv("学校,区划代码,在校学生数", "衢州学院,330802,12000",
                                   "衢州职业技术学院,330802,9000"))
    assert University.objects.get(organisation__name="衢州学院").students == 12000


def test_dry_run_writes_nothing(regions):
    result = run_import("beneficiaries", csv("姓名,公民身份号码,区划代码,城乡,类别",
                                             f"张三,{ID1},330802,城镇,低保"), dry_run=True)
    assert result.created == 1 and not Beneficiary.objects.exists()


def test_command_exits_non_zero_on_a_bad_file(regions, tmp_path, capsys):
    path = tmp_path / "b.csv"
    path.write_bytes(csv("姓名,公民身份号码,区划代码,城乡,类别", f"坏号,{BAD_ID},330802,城镇,低保"))
    with pytest.raises(CommandError):
        call_command("subsidy_import", "beneficiaries", str(path))
    assert "第2行“公民身份号码”列" in capsys.readouterr().err


def test_command_dry_run_and_a_bad_month_on_the_core_import_command(regions, tmp_path, capsys):
    """``subsidy_import`` on ``ImportFileCommand`` (issue 14 §4): ``--dry-run`` prints the
    service's summary and remarks and writes nothing; a bad ``--from-month`` is the error."""
    path = tmp_path / "b.csv"
    path.write_bytes(csv("姓名,公民身份号码,区划代码,城乡,类别", f"张三,{ID1},330802,城镇,低保"))
    call_command("subsidy_import", "beneficiaries", str(path), "--from-month", "2020-06", "--dry-run")
    out = capsys.readouterr().out.splitlines()
    assert out == ["补贴对象校验通过(未写入):1行,新增1,更新0,未变0"]
    assert not Beneficiary.objects.exists()
    with pytest.raises(CommandError, match="2020-13"):
        call_command("subsidy_import", "beneficiaries", str(path), "--from-month", "2020-13")
    assert not Beneficiary.objects.exists()
    call_command("subsidy_import", "beneficiaries", str(path), "--from-month", "2020-06")
    assert capsys.readouterr().out.splitlines() == ["补贴对象已导入:1行,新增1,更新0,未变0",
                                                    "新增补贴资格1条(自2020-06起)"]


def test_command_imports_a_good_file(regions, tmp_path, capsys):
    path = tmp_path / "b.csv"
    path.write_bytes(csv("姓名,公民身份号码,区划代码,城乡,类别", f"张三,{ID1},330802,城镇,低保"))
    call_command("subsidy_import", "beneficiaries", str(path), "--from-month", "2020-06")
    assert "新增1" in capsys.readouterr().out
    assert Enrolment.objects.get().from_month == JUNE
