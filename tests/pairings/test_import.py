"""pairing_import FILE (issue 15 §5 / Common): CSV UTF-8 or GBK, XLSX; the whole file is
checked, nothing is saved on any bad line, each named 第N行 (header = 第1行), exit 1."""

import io

import pytest
from django.core.management import CommandError, call_command

from apps.core.models import AuditEvent
from apps.pairings.models import PairingActivity

pytestmark = pytest.mark.django_db
HEADER = "结对单位,日期,类型,金额,说明\n"


def write(tmp_path, text, name="activities.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(path, *args):
    out = io.StringIO()
    call_command("pairing_import", path, *args, stdout=out)
    return out.getvalue()


def test_a_good_file_is_recorded_with_one_audit_record(plan, tmp_path):
    path = write(tmp_path, HEADER + "巨化集团公司,2020-09-01,资金,120000,援建资金\n"
                                    "巨化集团公司,2020/10/8,专题研究,,党组会专题研究\n"
                                    "市金控集团,2021年1月5日,书面报告,,2020年下半年工作情况\n"
                                    "市金控集团,2021-03-01,物资,\"12,345.60\",校服\n")
    assert "登记4条" in run(path)
    assert PairingActivity.objects.count() == 4
    goods = PairingActivity.objects.get(kind="物资")
    assert str(goods.amount) == "12345.60" and goods.source == "activities.csv"
    assert goods.recorded_by.startswith("系统") and goods.history.count() == 1
    assert AuditEvent.objects.filter(model="pairings.PairingActivity", action="import").count() == 1


def test_gbk_and_xlsx(plan, tmp_path):
    assert "登记1条" in run(write(tmp_path, HEADER + "市城投集团,2020-08-01,调研对接,,赴乌什\n",
                                  encoding="gbk"))
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    import datetime as dt

    sheet.append(["市交投集团", dt.datetime(2020, 8, 2), "资金", 50000, "xlsx"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    assert "登记1条" in run(str(path))
    assert str(PairingActivity.objects.get(note="xlsx").on) == "2020-08-02"


def test_a_bad_file_saves_nothing_and_names_each_line(plan, tmp_path):
    path = write(tmp_path, HEADER + "巨化集团公司,2020-09-01,资金,1000,好的一行\n"
                                    "不存在单位,2020-09-01,资金,1000,\n"
                                    "巨化集团公司,2020-09-01,资金,,缺金额\n"
                                    "巨化集团公司,2020-09-01,专题研究,500,\n"
                                    "巨化集团公司,2023-01-01,调研对接,,期限外\n"
                                    "巨化集团公司,2020-09-31,调研对接,,\n"
                                    "巨化集团公司,2020-09-01,慰问,,\n"
                                    "巨化集团公司,2020-09-01,资金,10.001,\n"
                                    "巨化集团公司,2020-09-01,资金,1000,好的一行\n")
    with pytest.raises(CommandError) as raised:
        run(path)
    report = str(raised.value)
    assert "\n第2行" not in report  # the good line itself is not an error
    for expected in ["第3行“结对单位”列:未知的结对单位“不存在单位”",
                     "第4行“金额”列:资金须填写金额(元)",
                     "第5行“金额”列:专题研究不填金额",
                     "第6行“日期”列:不在帮扶结对期限内(2020-01-01至2022-12-31",
                     "第7行“日期”列:应为日期",
                     "第8行“类型”列:应为资金、物资、专题研究、调研对接、书面报告之一",
                     "第9行“金额”列:金额最多两位小数",
                     "第10行:与第2行重复"]:
        assert expected in report, expected
    assert not PairingActivity.objects.exists()


def test_manage_py_exits_1_on_a_refused_file(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    path = write(tmp_path, "单位,日期\n巨化集团公司,2020-09-01\n")
    done = subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "pairing_import", path],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "第1行:表头应为“结对单位,日期,类型,金额,说明”" in done.stderr


def test_a_file_imported_twice_does_not_count_twice(plan, tmp_path):
    path = write(tmp_path, HEADER + "巨化集团公司,2020-09-01,资金,1000,援建\n")
    run(path)
    with pytest.raises(CommandError, match="第2行:巨化集团公司2020-09-01的这条资金已登记"):
        run(path)
    assert PairingActivity.objects.count() == 1


def test_wrong_header_and_county_staff(plan, tmp_path, make_staff):
    with pytest.raises(CommandError, match="第1行:表头应为“结对单位,日期,类型,金额,说明”"):
        run(write(tmp_path, "单位,日期,类型,金额\n巨化集团公司,2020-09-01,资金,1\n"))
    make_staff("kc_sfb", "市府办", region_code="330802")
    with pytest.raises(CommandError, match="由市级统一管理"):
        run(write(tmp_path, HEADER + "巨化集团公司,2020-09-01,资金,1000,\n"), "--as", "kc_sfb")
    make_staff("mz_city", "民政")
    with pytest.raises(CommandError, match="没有登记帮扶活动的权限"):
        run(write(tmp_path, HEADER + "巨化集团公司,2020-09-01,资金,1000,\n"), "--as", "mz_city")
    assert not PairingActivity.objects.exists()
