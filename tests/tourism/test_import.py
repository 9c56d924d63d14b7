"""``tourism_import closures|settlements FILE``: the whole file is checked, nothing is saved on
a bad line, each error names 第N行 (header = 第1行), exit 1 (issue 15 Common)."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.models import AuditEvent
from apps.tourism import services
from apps.tourism.models import ScenicSpot, SpotClosure, SpotSettlement

pytestmark = pytest.mark.django_db


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(*args):
    call_command("tourism_import", *args)


def test_closures_imported(programme, tmp_path):
    path = write(tmp_path, "c.csv", "景区,起,止\n烂柯山,2020-02-01,2020-03-15\n桃源七里,2020/2/1,2020/2/20\n")
    run("closures", path)
    assert SpotClosure.objects.count() == 2
    assert SpotClosure.objects.get(spot__name="桃源七里景区").ends_on.isoformat() == "2020-02-20"
    assert AuditEvent.objects.filter(action="import", model="tourism.SpotClosure").exists()


def test_a_bad_closure_file_saves_nothing(programme, tmp_path):
    path = write(tmp_path, "c.csv", "景区,起,止\n烂柯山,2020-02-01,2020-03-15\n不存在,2020-02-01,2020-02-02\n"
                                     "药王山,2020-03-01,2020-02-01\n药王山,2020-02-30,\n")
    with pytest.raises(CommandError) as caught:
        run("closures", path)
    message = str(caught.value)
    assert "第3行" in message and "未知的景区" in message
    assert "第4行" in message and "早于起始日" in message
    assert "第5行" in message and "第2行" not in message
    assert caught.value.returncode == 1
    assert SpotClosure.objects.count() == 0


def test_settlements_imported_gbk_and_a_second_file_corrects(programme, tmp_path):
    path = write(tmp_path, "s.csv", "景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数\n"
                                     "烂柯山,2020,200000,1000.01,0.5,123456\n江郎山,2020,100000,,,\n", "gbk")
    run("settlements", path)
    assert SpotSettlement.objects.count() == 2
    row = SpotSettlement.objects.get(spot__name="江郎山")
    assert row.base_2019 == Decimal("100000") and row.daily_ticket_income is None
    run("settlements", write(tmp_path, "s2.csv", "景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数\n"
                                                 "江郎山,2020,100000,2000,1,50000\n"))
    assert SpotSettlement.objects.filter(spot__name="江郎山").count() == 2
    assert SpotSettlement.objects.get(spot__name="江郎山", supersedes__isnull=False).supersedes == row


@pytest.mark.parametrize("line, column", [
    ("烂柯山,2020,1,1,1.2,1", "奖补比例"),     # 0 ≤ 奖补比例 ≤ 1
    ("烂柯山,2020,1,1,-0.1,1", "奖补比例"),
    ("烂柯山,2020,-5,1,0.5,1", "2019年补助额"),
    ("烂柯山,2020,1.234,1,0.5,1", "2019年补助额"),
    ("水亭门,2020,1,1,0.5,1", "景区"),        # not a core spot (三)
    ("烂柯山,2021,1,1,0.5,1", "年度"),
    ("烂柯山,二〇二〇,1,1,0.5,1", "年度"),
    ("烂柯山,2020,1,1,0.5,很多", "游客人数"),
    ("烂柯山,2020,,,,", "2019年补助额"),      # nothing to record
])
def test_a_bad_settlement_line_fails_the_file(programme, tmp_path, line, column):
    path = write(tmp_path, "s.csv", "景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数\n"
                                     f"药王山,2020,1,1,1,1\n{line}\n")
    with pytest.raises(CommandError) as caught:
        run("settlements", path)
    assert f"第3行“{column}”列" in str(caught.value) and "第2行" not in str(caught.value)
    assert SpotSettlement.objects.count() == 0


def test_the_boundaries_of_the_ratio_are_accepted(programme, tmp_path):
    run("settlements", write(tmp_path, "s.csv", "景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数\n"
                                                "烂柯山,2020,1,1,0,1\n药王山,2020,1,1,1,1\n"))
    assert sorted(SpotSettlement.objects.values_list("reward_ratio", flat=True)) == [0, 1]


def test_a_county_user_imports_only_its_own_spots(programme, tmp_path, wenlv_jiangshan, jiangshan):
    services.spot_region_set(spot=ScenicSpot.objects.get(name="江郎山"), region=jiangshan)
    path = write(tmp_path, "c.csv", "景区,起,止\n江郎山,2020-02-01,2020-02-02\n烂柯山,2020-02-01,2020-02-02\n")
    with pytest.raises(CommandError) as caught:
        call_command("tourism_import", "closures", path, "--as", "wenlv-js")
    assert "第3行" in str(caught.value) and "江山市" in str(caught.value)
    assert SpotClosure.objects.count() == 0
    call_command("tourism_import", "closures", write(tmp_path, "ok.csv", "景区,起,止\n江郎山,2020-02-01,2020-02-02\n"),
                 "--as", "wenlv-js")
    assert SpotClosure.objects.get().recorded_by


def test_a_later_programme_does_not_capture_the_earlier_years_files(programme, tmp_path):
    """The 2020 final settlement (due 2021-05-31) is made when a 2021 programme may exist:
    2020 lines still find 2020's spots, and a 2020 closure counts in 2020's free days."""
    import dataclasses

    from django.conf import settings

    from apps.tourism import parsing

    text = settings.GAZETTE_PATH.read_text(encoding="utf-8")
    body = text[text.index("衢政办发〔2020〕18号"):text.index("衢政办发〔2020〕19号")]
    printed = parsing.parse_free_tour(body)
    later = dataclasses.replace(printed, year=2021, ends_on=printed.ends_on.replace(year=2021),
                                settle_by=printed.settle_by.replace(year=2022))
    services.programme_record(number="衢政办发〔2021〕示例号", signed_on=programme.signed_on, parsed=later)
    assert ScenicSpot.objects.filter(name__startswith="烂柯山", programme__year=2021).exists()
    run("closures", write(tmp_path, "c.csv", "景区,起,止\n烂柯山,2020-02-01,2020-03-15\n"))
    assert SpotClosure.objects.get().spot.programme.year == 2020
    run("settlements", write(tmp_path, "s.csv", "景区,年度,2019年补助额,日均门票收入,奖补比例,游客人数\n"
                                                "烂柯山,2020,200000,1000,0.5,100\n"))
    assert SpotSettlement.objects.get().spot.programme.year == 2020
