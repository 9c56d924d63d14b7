"""Progress of 衢政办发〔2020〕21号 tasks: ``bizenv_progress FILE`` (任务序号,完成日期,说明) and the
admin, one validation; the whole file is refused naming its lines; only 市府办 (城市级) records."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from apps.bizenv import imports, services
from apps.bizenv.models import BizEnvProgress, BizEnvTask, ProgressKind
from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent
from apps.core.tabular import ImportRejected

pytestmark = pytest.mark.django_db


def csv(*lines: str, encoding="utf-8") -> bytes:
    return ("任务序号,完成日期,说明\n" + "\n".join(lines) + "\n").encode(encoding)


def test_command_imports_a_good_file(gazette, tmp_path, capsys):
    path = tmp_path / "progress.csv"
    path.write_bytes(csv("3,2020-09-30,已出台", "21,2020/7/20,政企通上线"))
    call_command("bizenv_progress", str(path))
    assert "完成2项" in capsys.readouterr().out
    done = dict(BizEnvProgress.objects.values_list("task__number", "on"))
    assert done == {3: dt.date(2020, 9, 30), 21: dt.date(2020, 7, 20)}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, note__contains="营商环境任务进展").exists()


def test_gbk_file(gazette):
    assert imports.import_file(data=csv("1,2020-12-20,线上受理率达标", encoding="gbk"),
                               filename="p.csv") == {"完成": 1}


def test_a_bad_line_refuses_the_whole_file(gazette, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv("3,2020-09-30,好行", "23,2020-09-30,", "5,2020-02-30,", "6,2099-01-01,",
                         "3,2020-10-01,重复", "7,2019-12-31,", ",2020-09-30,"))
    with pytest.raises(CommandError) as caught:
        call_command("bizenv_progress", str(path))
    report = str(caught.value)
    assert "第3行“任务序号”列:未知的任务“23”" in report
    assert "第4行“完成日期”列:应为日期" in report
    assert "第5行“完成日期”列:完成日期2099-01-01晚于今天" in report
    assert "第6行“任务序号”列:任务3与第2行重复" in report
    assert "第7行“完成日期”列:完成日期2019-12-31早于2020年" in report
    assert "第8行“任务序号”列:不能为空" in report
    assert "第2行" not in report.replace("与第2行", "")
    assert not BizEnvProgress.objects.exists()


def test_task_already_completed_fails_its_line(gazette):
    services.progress_record(rows=[{"task": BizEnvTask.objects.get(number=3), "on": dt.date(2020, 9, 1)}])
    with pytest.raises(ImportRejected) as caught:
        imports.import_file(data=csv("3,2020-09-30,"), filename="p.csv")
    assert [str(e) for e in caught.value.errors] == ["第2行“完成日期”列:任务3已于2020-09-01完成"]


def test_withdrawal_needs_a_completion_and_a_reason(gazette):
    task = BizEnvTask.objects.get(number=4)
    with pytest.raises(services.ProgressRefused, match="尚未登记完成"):
        services.check_progress(task=task, kind=ProgressKind.WITHDRAWN, on=dt.date(2020, 9, 1), note="x")
    services.progress_record(rows=[{"task": task, "on": dt.date(2020, 9, 1)}])
    with pytest.raises(services.ProgressRefused, match="须说明理由"):
        services.check_progress(task=task, kind=ProgressKind.WITHDRAWN, on=dt.date(2020, 9, 2), note=" ")
    with pytest.raises(services.ProgressRefused, match="日期早于"):
        services.check_progress(task=task, kind=ProgressKind.WITHDRAWN, on=dt.date(2020, 8, 1), note="误报")


def test_only_city_level_shifuban_records(gazette, make_staff):
    task = BizEnvTask.objects.get(number=1)
    row = [{"task": task, "on": dt.date(2020, 9, 1)}]
    with pytest.raises(AuthorityError):
        services.progress_record(rows=row, actor=make_staff("jx", "经信"))
    with pytest.raises(AuthorityError):
        services.progress_record(rows=row, actor=make_staff("sfb-kc", "市府办", region_code="330802"))
    assert not BizEnvProgress.objects.exists()
    event = services.progress_record(rows=row, actor=make_staff("sfb", "市府办"))[0]
    assert event.recorded_by and event.locked_reason()


@pytest.mark.parametrize("number", ["፩", "𐩀"])
def test_a_digit_python_cannot_read_is_an_unknown_task_not_a_500(gazette, number):
    """str.isdigit() accepts these, int() does not: the line is refused, nothing written."""
    with pytest.raises(ImportRejected) as caught:
        imports.import_file(data=csv(f"{number},2020-09-30,x"), filename="p.csv")
    assert [str(e) for e in caught.value.errors][0].startswith("第2行“任务序号”列:未知的任务")
    assert not BizEnvProgress.objects.exists()


def test_full_width_task_numbers_still_read(gazette):
    assert imports.import_file(data=csv("３,2020-09-30,全角"), filename="p.csv") == {"完成": 1}


def test_a_completion_recorded_meanwhile_is_seen_when_writing(gazette):
    """Validation read the task before another clerk completed it: the write re-reads the
    task's events under a lock and refuses the second completion."""
    stale = BizEnvTask.objects.prefetch_related("progress").get(number=3)
    list(stale.progress.all())  # what a validation pass loaded: no events yet
    services.progress_record(rows=[{"task": BizEnvTask.objects.get(number=3), "on": dt.date(2020, 9, 1)}])
    with pytest.raises(services.ProgressRefused, match="已于2020-09-01完成"):
        services.progress_record(rows=[{"task": stale, "on": dt.date(2020, 9, 30)}])
    assert BizEnvProgress.objects.filter(task__number=3).count() == 1
