"""Stored roll files (issue 13 §3): a county × department roll (衢政办发〔2020〕20号 六: 按职责分工
发放) is built once and served from storage while its lines stand, byte for byte what a fresh
build gives, with every rule of the download kept (scope, masking, the disclosure record)."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from apps.core import resident_id
from apps.core.exporting import content_disposition
from apps.core.models import AuditEvent
from apps.subsidies import exports, rollfiles, services
from apps.subsidies.models import RollFile

from .conftest import JUNE

KECHENG_ROLL = "/subsidies/runs/2020-06/roll.csv"


@pytest.fixture
def june(standards, set_index, person):
    """张三 低保 (柯城区, 民政 pays 55.80), 李四 低保+失业保险金 (柯城区: the higher one,
    失业保险金 58.32 paid by 人社), 王五 低保边缘 (江山市, 25.20): rate 3.60 % (二、三)."""
    set_index(JUNE, "3.6", "11.1")
    people = {"张三": person("330802", "urban", "dibao", name="张三"),
              "李四": person("330802", "urban", "dibao", "unemployment", name="李四"),
              "王五": person("330881", "rural", "edge", name="王五")}
    return services.run_compute(month=JUNE), people


@pytest.fixture
def builds(monkeypatch):
    """Counts the files actually built (``rollfiles.render``)."""
    calls = []
    real = rollfiles.render

    def counting(rows, *, fmt):
        calls.append(fmt)
        return real(rows, fmt=fmt)

    monkeypatch.setattr(rollfiles, "render", counting)
    return calls


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(content.decode("utf-8-sig").splitlines()))


def _fresh(run, user, fmt="csv", masked=False, **kw) -> bytes:
    buffer = io.BytesIO()
    exports.write_table(buffer, exports.ROLL_HEADERS,
                        exports.roll_rows(run, user=user, masked=masked, **kw), fmt=fmt)
    return buffer.getvalue()


def test_download_twice_same_bytes_one_build(client, june, kecheng_user, builds):
    run, people = june
    client.force_login(kecheng_user)
    first = client.get(KECHENG_ROLL)
    second = client.get(KECHENG_ROLL)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == _fresh(run, kecheng_user)
    assert builds == ["csv"] and RollFile.objects.count() == 1
    # 柯城区 民政: only 张三 (李四 is paid by 人社 for 失业保险金, 一; 王五 is 江山市).
    assert _rows(first.content)[1:] == [[people["张三"].resident_id, "张三", "330802", "低保",
                                         "民政部门", "55.80", "价格临时补贴"]]
    assert first["Content-Disposition"] == content_disposition(
        "2020-06价格临时补贴发放名单-全部发放部门-全部区划.csv")


def test_recomputed_draft_gets_a_new_file(client, june, kecheng_user, person, builds):
    run, _ = june
    client.force_login(kecheng_user)
    client.get(KECHENG_ROLL)
    person("330802", "urban", "dibao", name="赵六")
    services.run_compute(month=JUNE)  # the draft's lines are rewritten
    names = [row[1] for row in _rows(client.get(KECHENG_ROLL).content)[1:]]
    assert sorted(names) == ["张三", "赵六"] and builds == ["csv", "csv"]
    assert RollFile.objects.filter(run=run).count() == 1  # the old file is gone


def test_a_renamed_person_makes_stored_files_stale(client, june, kecheng_user):
    run, people = june
    client.force_login(kecheng_user)
    client.get(KECHENG_ROLL)
    people["张三"].name = "张叁"
    people["张三"].save()
    assert [row[1] for row in _rows(client.get(KECHENG_ROLL).content)[1:]] == ["张叁"]


def test_county_scope_and_a_shared_file_for_the_same_lines(client, june, kecheng_user,
                                                           jiangshan_user, make_staff, builds):
    client.force_login(kecheng_user)
    kecheng = client.get(KECHENG_ROLL).content
    # A 江山市 clerk asking for 柯城区 gets no 柯城区 line (an empty roll, nothing stored).
    client.force_login(jiangshan_user)
    other = _rows(client.get(KECHENG_ROLL + "?region=330802").content)
    assert other == [exports.ROLL_HEADERS]
    assert [row[1] for row in _rows(client.get(KECHENG_ROLL).content)[1:]] == ["王五"]
    # A city-level 民政 clerk asking for 柯城区 × 民政 is served the 柯城区 clerk's file.
    client.force_login(make_staff("mz-city", "民政"))
    city = client.get(KECHENG_ROLL + "?region=330802&department=minzheng").content
    assert city == kecheng
    assert builds == ["csv", "csv", "csv"] and RollFile.objects.count() == 2


def test_masked_and_full_are_two_files(client, june, kecheng_user, fagaiwei_user):
    run, people = june
    number = people["张三"].resident_id
    client.force_login(fagaiwei_user)  # 发改委: no full IDs
    masked = _rows(client.get(KECHENG_ROLL + "?region=330802&department=minzheng").content)
    client.force_login(kecheng_user)
    full = _rows(client.get(KECHENG_ROLL).content)
    assert masked[1][0] == resident_id.mask(number) != number and full[1][0] == number
    assert RollFile.objects.count() == 2


def test_every_full_download_is_on_the_record(client, june, kecheng_user, fagaiwei_user):
    client.force_login(kecheng_user)
    client.get(KECHENG_ROLL)
    client.get(KECHENG_ROLL)  # the second is served from storage and recorded all the same
    events = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_ID)
    assert [e.changes["counts"]["full_ids"] for e in events] == [1, 1]
    client.force_login(fagaiwei_user)
    client.get(KECHENG_ROLL)  # masked: no disclosure
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_ID).count() == 2


def test_xlsx_served_twice_is_one_build_with_its_total_row(client, june, kecheng_user, builds):
    run, _ = june
    client.force_login(kecheng_user)
    url = "/subsidies/runs/2020-06/roll.xlsx"
    first, second = client.get(url).content, client.get(url).content
    assert first == second and builds == ["xlsx"]

    def cells(content):
        return [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]

    # openpyxl stamps the time into each build, so a fresh build equals it cell for cell.
    assert cells(first) == cells(_fresh(run, kecheng_user, fmt="xlsx"))
    assert cells(first)[-1][0] == "合计" and cells(first)[-1][5] == pytest.approx(55.80)


def test_stored_bytes_are_unreadable_without_the_key(client, june, kecheng_user, settings,
                                                     builds):
    run, people = june
    client.force_login(kecheng_user)
    served = client.get(KECHENG_ROLL).content
    stored = RollFile.objects.get()
    blob = bytes(stored.data)
    assert people["张三"].resident_id.encode() not in blob and "张三".encode() not in blob
    assert rollfiles.unseal(blob, stored.key) == served
    with pytest.raises(ValueError):
        rollfiles.unseal(blob, stored.key.replace("full", "masked"))  # bound to its key
    settings.RESIDENT_ID_KEY = "another-key-" + "0" * 40
    with pytest.raises(ValueError):
        rollfiles.unseal(blob, stored.key)


def test_the_worker_builds_county_by_department_files(client, june, kecheng_user, settings,
                                                     django_capture_on_commit_callbacks, person,
                                                     builds):
    run, _ = june
    # 柯城区 × 民政, 柯城区 × 人社, 江山市 × 民政; CSV (ROLL_FILES_WARM_FORMATS), masked and
    # full each; then XLSX too when asked.
    assert rollfiles.warm(run) == 6 and rollfiles.warm(run) == 0
    assert rollfiles.warm(run, formats=("csv", "xlsx")) == 6
    built = len(builds)
    client.force_login(kecheng_user)
    assert client.get(KECHENG_ROLL).content == _fresh(run, kecheng_user)
    assert len(builds) == built  # served, not built
    # After a (re)compute the task builds the new lines' files (settings.ROLL_FILES_WARM).
    settings.ROLL_FILES_WARM = True
    person("330802", "urban", "dibao", name="赵六")
    with django_capture_on_commit_callbacks(execute=True):
        services.run_compute(month=JUNE)
    assert RollFile.objects.filter(run=run).count() == 6
    built = len(builds)
    assert [r[1] for r in _rows(client.get(KECHENG_ROLL).content)[1:]] == ["张三", "赵六"]
    assert len(builds) == built


def test_an_unreadable_stored_file_is_rebuilt_once_and_replaced(client, june, kecheng_user,
                                                                settings, builds):
    """Review finding: a stored file that cannot be unsealed (sealed under another key) is
    rebuilt once and replaced, not rebuilt on every download; a new RESIDENT_ID_KEY gives
    every file a new version (the key's fingerprint), so none is even looked up."""
    run, _ = june
    client.force_login(kecheng_user)
    before = client.get(KECHENG_ROLL).content
    stored = RollFile.objects.get()
    RollFile.objects.filter(pk=stored.pk).update(
        data=rollfiles.seal(before, stored.key.replace("full", "masked")))  # not this key's
    assert client.get(KECHENG_ROLL).content == before
    assert client.get(KECHENG_ROLL).content == before
    assert builds == ["csv", "csv"]  # one rebuild, then served again
    assert rollfiles.unseal(bytes(RollFile.objects.get().data), stored.key) == before
    version = rollfiles.lines_version(run)
    settings.RESIDENT_ID_KEY = "another-key-" + "0" * 40
    assert rollfiles.lines_version(run) != version


def test_only_a_printed_change_makes_stored_files_stale(client, june, kecheng_user, builds):
    """Review finding: a save that changes nothing a roll prints (城乡, or no change at all)
    leaves every stored file valid; a new ID (its digest) makes them stale."""
    run, people = june
    client.force_login(kecheng_user)
    client.get(KECHENG_ROLL)
    zhang = people["张三"]
    zhang.residence = "rural"
    zhang.save()
    zhang.save()
    client.get(KECHENG_ROLL)
    assert builds == ["csv"] and rollfiles.epoch() == 0
    zhang.resident_id = resident_id.compose("330802", dt.date(1960, 5, 4), 17)
    zhang.save()
    rows = _rows(client.get(KECHENG_ROLL).content)[1:]
    assert rows[0][:2] == [zhang.resident_id, "张三"] and builds == ["csv", "csv"]


def _age_files(hours=2):
    from django.utils import timezone

    RollFile.objects.update(built_at=timezone.now() - dt.timedelta(hours=hours))


def test_nightly_prune_deletes_only_files_no_download_can_read(client, june, kecheng_user,
                                                               settings):
    """Review finding (session 8): a run nobody downloads again kept its stale files; the
    nightly ``subsidies.prune_roll_files`` deletes a file stale in any one part of its version
    — the run's lines (``computed_at``), the epoch, the key — and keeps one that stands."""
    from django.db.models import F

    from apps.subsidies import tasks
    from apps.subsidies.models import SubsidyRun
    from qzgov.celery import collect_beat_schedule

    run, people = june
    client.force_login(kecheng_user)
    client.get(KECHENG_ROLL)
    _age_files()
    assert tasks.prune_roll_files_task.apply().get() == 0 and RollFile.objects.count() == 1
    # 1. Only the epoch: a printed name changes; nobody downloads again.
    zhang = people["张三"]
    zhang.name = "张叁"
    zhang.save()
    assert rollfiles.epoch() == 1
    assert rollfiles.prune_stale() == 1 and not RollFile.objects.exists()
    # 2. Only the run's lines (a recompute's computed_at).
    client.get(KECHENG_ROLL)
    _age_files()
    SubsidyRun.objects.filter(pk=run.pk).update(computed_at=F("computed_at") + dt.timedelta(seconds=1))
    assert rollfiles.prune_stale() == 1 and not RollFile.objects.exists()
    # 3. Only the key: files sealed under another RESIDENT_ID_KEY.
    client.get(KECHENG_ROLL)
    _age_files()
    settings.RESIDENT_ID_KEY = "another-key-" + "0" * 40
    assert rollfiles.prune_stale() == 1 and not RollFile.objects.exists()
    assert collect_beat_schedule()["subsidies.prune_roll_files"]["task"] == \
        "subsidies.prune_roll_files"


def test_prune_keeps_a_file_stored_while_it_runs(client, june, kecheng_user, monkeypatch):
    """Review finding (session 9): a recompute committed during the prune and a download storing
    the new version's file between the prune's read and its DELETE — the new file stays (files
    built in the last hour are never pruned); the old one goes the next night."""
    from django.db.models import F

    from apps.subsidies.models import SubsidyRun

    run, _ = june
    client.force_login(kecheng_user)
    client.get(KECHENG_ROLL)
    _age_files()
    real_version = rollfiles.lines_version
    raced = []

    def version_then_recompute_and_download(of_run):
        version = real_version(of_run)
        if not raced:
            raced.append(version)
            SubsidyRun.objects.filter(pk=run.pk).update(
                computed_at=F("computed_at") + dt.timedelta(seconds=1))
            rollfiles.roll_file(SubsidyRun.objects.get(pk=run.pk), user=kecheng_user)
        return version

    monkeypatch.setattr(rollfiles, "lines_version", version_then_recompute_and_download)
    rollfiles.prune_stale()
    monkeypatch.setattr(rollfiles, "lines_version", real_version)
    current = rollfiles.lines_version(SubsidyRun.objects.get(pk=run.pk)) + ":"
    assert raced and raced[0] + ":" != current  # the prune saw the old version
    assert [key for key in RollFile.objects.values_list("key", flat=True)
            if key.startswith(current)]
