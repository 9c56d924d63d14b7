"""The appointment items file import as a whole-file service (issue 14 §4; DOMAIN §2): every
row checked (cells, 免职无试用期, no second removal against the stored items), a bad file
refused naming each bad row and column with nothing written, a clean file written once
with one run-level audit record, a second import changing nothing; appointments are
city-wide (issue 9 §1)."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent
from apps.core.tabular import ImportRejected
from apps.personnel import imports
from apps.personnel.models import AppointmentItem, AppointmentNotice

pytestmark = pytest.mark.django_db

HEADER = "文号,标题,发文机关,成文日期,顺序,姓名,任免,类别,单位,职务或职级,试用期(月),试用期满,选举说明\n"
NOTICE = "衢政干[2020]20号,关于姚建同志职务任免的通知,衢州市人民政府,2020-09-01"
# 姚建 was made 理事会副主任 of 衢州市供销合作社联合社 by the seed's 衢政干〔2020〕9号
# (2020-07-13); this later notice moves him up, with a probation of one year (试用期一年).
CLEAN = (HEADER
         + f"{NOTICE},1,姚建,免去,职务,衢州市供销合作社联合社,理事会副主任,,,\n"
         + f"{NOTICE},2,姚建,任,职务,衢州市供销合作社联合社,理事会主任,12,,\n")


def imports_audited() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT,
                                     model="personnel.AppointmentItem").count()


def test_items_import_and_a_second_import_changes_nothing(gazette, shifuban_user):
    yao = AppointmentItem.objects.get(notice__number="衢政干〔2020〕9号", person_name="姚建").person
    first = imports.import_file(data=CLEAN.encode(), filename="items.csv", actor=shifuban_user)
    assert (first.rows, first.created, first.updated, first.unchanged) == (2, 2, 0, 0)
    assert first.messages == ["任免通知:新增1件,更新0件"]
    items = AppointmentItem.objects.filter(notice__number="衢政干〔2020〕20号").order_by("order")
    # The probation ends one year after the notice date (DOMAIN §2: 试用期一年).
    assert [(i.person, i.action, i.title, i.probation_until) for i in items] == [
        (yao, "remove", "理事会副主任", None), (yao, "appoint", "理事会主任", dt.date(2021, 9, 1))]
    assert items[0].notice.public is False
    counted = AppointmentItem.objects.count(), AppointmentNotice.objects.count()
    second = imports.import_file(data=CLEAN.encode(), filename="items.csv", actor=shifuban_user)
    assert str(second) == "任免事项已导入:2行,新增0,更新0,未变2"
    assert second.messages == []
    assert (AppointmentItem.objects.count(), AppointmentNotice.objects.count()) == counted
    assert imports_audited() == 2  # one run-level record per run
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).latest("pk").actor == shifuban_user


def test_a_file_with_bad_rows_is_refused_naming_each_row_and_column(gazette):
    data = (HEADER
            # 汪宗德 was already removed as 主任 by 衢政干〔2020〕9号 (item 7).
            + f"{NOTICE},1,汪宗德,免去,职务,衢州市供销合作社联合社,主任,,,\n"
            + f"{NOTICE},2,姚建,任,职务,衢州市供销合作社联合社,理事会主任,12,,\n"
            + f"{NOTICE},3,程鸣,免去,职务,衢州市供销合作社联合社,监事会主任,12,,\n"
            + f"{NOTICE},4,程鸣,任,岗位,衢州市供销合作社联合社,监事会主任,,,\n").encode()
    counted = AppointmentItem.objects.count(), AppointmentNotice.objects.count()
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(data=data, filename="items.csv")
    assert [(e.line, e.column) for e in refused.value.errors] == [
        (2, "任免"), (4, "试用期(月)"), (5, "类别")]
    report = refused.value.report()
    assert ("第2行“任免”列:衢政干〔2020〕20号第1项:汪宗德已于2020-07-13(衢政干〔2020〕9号第7项)"
            "被免去衢州市供销合作社联合社主任,不能重复免去") in report
    assert "第4行“试用期(月)”列:衢政干〔2020〕20号第3项:免职事项不能有试用期" in report
    assert "第5行“类别”列:类别应为“职务”或“职级”,实际为“岗位”" in report
    assert (AppointmentItem.objects.count(), AppointmentNotice.objects.count()) == counted
    assert imports_audited() == 0


def test_rows_of_one_notice_must_agree_and_an_item_comes_once(gazette):
    data = (HEADER
            + f"{NOTICE},1,姚建,免去,职务,衢州市供销合作社联合社,理事会副主任,,,\n"
            + "衢政干〔2020〕20号,关于姚建同志职务任免的通知,衢州市人民政府,2020-09-02,"
              "2,姚建,任,职务,衢州市供销合作社联合社,理事会主任,12,,\n"
            + f"{NOTICE},1,姚建,任,职务,衢州市供销合作社联合社,理事会主任,,,\n").encode()
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(data=data, filename="items.csv")
    assert [str(e) for e in refused.value.errors] == [
        "第3行“成文日期”列:与第2行同一文号衢政干〔2020〕20号的成文日期不一致",
        "第4行“顺序”列:与第2行重复(衢政干〔2020〕20号第1项)"]
    assert not AppointmentNotice.objects.filter(number="衢政干〔2020〕20号").exists()


def test_county_staff_and_staff_without_the_permission_are_refused(gazette, kecheng_user,
                                                                  renshe_user):
    with pytest.raises(AuthorityError, match="市级统一管理"):
        imports.import_file(data=CLEAN.encode(), filename="items.csv", actor=kecheng_user)
    with pytest.raises(AuthorityError, match="没有导入任免事项的权限"):
        imports.import_file(data=CLEAN.encode(), filename="items.csv", actor=renshe_user)
    assert not AppointmentNotice.objects.filter(number="衢政干〔2020〕20号").exists()


def test_the_admin_screen_previews_the_counts_and_the_confirm_imports(gazette, client,
                                                                     shifuban_user):
    client.force_login(shifuban_user)
    url = "/admin/personnel/appointmentitem/import/"
    upload = SimpleUploadedFile("items.csv", CLEAN.encode(), content_type="text/csv")
    html = client.post(url, {"resource": "0", "format": "0", "import_file": upload}).content.decode()
    assert "任免事项校验通过(未写入):2行,新增2,更新0,未变0" in html
    assert "任免通知:新增1件,更新0件" in html
    assert not AppointmentNotice.objects.filter(number="衢政干〔2020〕20号").exists()
    data = {f: re.search(rf'name="{f}" value="([^"]*)"', html).group(1)
            for f in ("import_file_name", "original_file_name", "format", "resource")}
    done = client.post("/admin/personnel/appointmentitem/process_import/", data, follow=True)
    assert done.redirect_chain[-1][0] == "/admin/personnel/appointmentitem/"
    assert "任免事项已导入:2行,新增2,更新0,未变0" in done.content.decode()
    assert AppointmentItem.objects.filter(notice__number="衢政干〔2020〕20号").count() == 2


def test_a_row_that_would_change_a_recorded_item_is_refused(gazette):
    """Issue 9 §4: a recorded item is voided or corrected, never edited — also by a file."""
    item = AppointmentItem.objects.get(notice__number="衢政干〔2020〕9号", order=7)
    notice = item.notice
    row = (f"{notice.number},{notice.title},{notice.issuing_body},{notice.date:%Y-%m-%d},7,"
           f"{item.person_name},任,职务,{item.organisation.name},{item.title},,,\n")
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(data=(HEADER + row).encode(), filename="items.csv")
    error, = refused.value.errors
    # The column that differs is named (review finding 2), not 顺序.
    assert (error.line, error.column) == (2, "任免")
    assert error.message == ("衢政干〔2020〕9号第7项已登记的任免为“免去”,文件中为“任”;"
                             "是已公布的任免事项,不能由文件修改(请作废或更正)")
    item.refresh_from_db()
    assert item.action == "remove"


def test_a_large_file_is_previewed_in_the_worker_then_imported_after_the_confirm(
        client, shifuban_user, settings, tmp_path, monkeypatch):
    """Issue 11 §3, issue 14 §4 (review finding 4): a large file is previewed (dry run) in the
    worker; the staff sees the counts, confirms, and the worker imports it."""
    from apps.core.models import Job, JobStatus
    from apps.personnel import tasks

    checks, sent = [], []
    monkeypatch.setattr(tasks.personnel_check_job, "delay", lambda *args: checks.append(args))
    monkeypatch.setattr(tasks.personnel_import_job, "delay", lambda *args: sent.append(args))
    settings.IMPORT_INLINE_MAX_BYTES = 100
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(shifuban_user)
    upload = SimpleUploadedFile("items.csv", CLEAN.encode(), content_type="text/csv")
    response = client.post("/admin/personnel/appointmentitem/import/",
                           {"resource": "0", "format": "0", "import_file": upload})
    check = Job.objects.get()
    assert response["Location"] == f"/subsidies/jobs/{check.pk}/"
    tasks.personnel_check_job(*checks[0])
    check.refresh_from_db()
    assert (check.status, check.result["summary"]) == (
        JobStatus.DONE, "任免事项校验通过(未写入):2行,新增2,更新0,未变0")
    assert not AppointmentNotice.objects.filter(number="衢政干〔2020〕20号").exists()
    assert sent == []
    html = client.get(f"/admin/personnel/appointmentitem/import/checked/{check.pk}/").content.decode()
    assert "任免事项校验通过(未写入):2行,新增2,更新0,未变0" in html
    data = {f: re.search(rf'name="{f}" value="([^"]*)"', html).group(1)
            for f in ("import_file_name", "original_file_name", "format", "resource")}
    done = client.post("/admin/personnel/appointmentitem/process_import/", data)
    job = Job.objects.exclude(pk=check.pk).get()
    assert done["Location"] == f"/subsidies/jobs/{job.pk}/"
    assert not AppointmentNotice.objects.filter(number="衢政干〔2020〕20号").exists()
    tasks.personnel_import_job(*sent[0])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result["summary"] == "任免事项已导入:2行,新增2,更新0,未变0"
    assert AppointmentItem.objects.filter(notice__number="衢政干〔2020〕20号").count() == 2
    assert list(settings.IMPORT_DIR.iterdir()) == []


def test_a_file_never_redates_a_registered_notice(gazette, shifuban_user):
    """A row naming a registered notice with another 成文日期 (or 标题) is a bad row on that
    column: the date decides every item's probation end (DOMAIN §2: 试用期一年) and the
    gazette's notice is published (review finding: it was re-dated, its locked items' ends
    moved, and the result said 新增1)."""
    notice = AppointmentNotice.objects.get(number="衢政办干〔2020〕5号")
    ends = sorted(str(i.probation_until) for i in notice.items.all())
    row = (f"衢政办干[2020]5号,{notice.title},{notice.issuing_body},2020-12-31,99,姚建,任,职务,"
           "衢州市供销合作社联合社,理事会主任,12,,\n")
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(data=(HEADER + row).encode(), filename="r.csv", actor=shifuban_user)
    [error] = refused.value.errors
    assert (error.line, error.column) == (2, "成文日期")
    assert f"已登记的成文日期为“{notice.date}”,文件中为“2020-12-31”" in error.message
    notice.refresh_from_db()
    assert notice.date != dt.date(2020, 12, 31) and not notice.items.filter(order=99).exists()
    assert sorted(str(i.probation_until) for i in notice.items.all()) == ends
    # a file-imported notice is protected the same way
    imports.import_file(data=CLEAN.encode(), filename="items.csv", actor=shifuban_user)
    with pytest.raises(ImportRejected):
        imports.import_file(data=CLEAN.replace("2020-09-01", "2021-03-01").encode(),
                            filename="items.csv", actor=shifuban_user)
    assert AppointmentItem.objects.get(notice__number="衢政干〔2020〕20号",
                                       order=2).probation_until == dt.date(2021, 9, 1)
