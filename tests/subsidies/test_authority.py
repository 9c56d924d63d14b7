"""Issue 9 for subsidies: county staff stay in their county, approved money never changes,
every step is on the record. Each test fails on the code before issue 9."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from apps.core import resident_id, uploads
from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent
from apps.subsidies import imports, services
from apps.subsidies.models import (
    Beneficiary,
    LocalStandard,
    MonthlyIndex,
    PolicyVersion,
    RollLine,
    RunEvent,
    RunStatus,
    SubsidyRun,
    University,
    UniversityLine,
)

from .conftest import JUNE

KECHENG, JIANGSHAN = "330802", "330881"
HEAD = "姓名,公民身份号码,区划代码,城乡,类别\n"


def number(code: str, n: int) -> str:
    return resident_id.compose(code, dt.date(1960, 1, 1) + dt.timedelta(days=n), n)


@pytest.fixture
def june_run(standards, set_index, person, regions):
    set_index(JUNE, "3.6", "11.1")
    person(KECHENG, "urban", "dibao", name="柯城对象")
    person(JIANGSHAN, "rural", "dibao", name="江山对象")
    from apps.core.models import Organisation

    school, _ = Organisation.objects.get_or_create(name="衢州职业技术学院",
                                                   defaults={"kind": Organisation.Kind.SCHOOL})
    University.objects.create(organisation=school, region=regions[KECHENG], students=100)
    return services.run_compute(month=JUNE)


@pytest.fixture
def approved_run(june_run, make_staff):
    services.run_submit(run=june_run, by=make_staff("prep", "民政"))
    return services.run_approve(run=june_run, by=make_staff("appr", "发改委"))


def upload(client, model, data, name="b.csv", **extra):
    return client.post(f"/admin/subsidies/{model}/import/", {
        "format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, data), **extra})


# --- §1: city-wide records are read-only to a county user ---------------------------------


def test_county_user_cannot_change_the_policy_in_the_admin(client, policy, kecheng_user):
    client.force_login(kecheng_user)
    url = f"/admin/subsidies/policyversion/{policy.pk}/change/"
    data = {f.name: getattr(policy, f.attname) for f in PolicyVersion._meta.concrete_fields
            if f.name != "id"}
    data["multiplier"] = "20"
    assert client.post(url, data).status_code == 403
    policy.refresh_from_db()
    assert policy.multiplier == Decimal("2")


def test_county_user_cannot_change_the_policy_through_the_orm(policy, kecheng_user):
    from apps.core import authority

    policy.multiplier = Decimal("20")
    with authority.acting_as(kecheng_user), pytest.raises(AuthorityError):
        policy.save()
    policy.refresh_from_db()
    assert policy.multiplier == Decimal("2")


def test_county_user_cannot_enter_an_index(client, policy, kecheng_user):
    with pytest.raises(AuthorityError, match="市级统一管理"):
        services.index_enter(month=JUNE, scpi=Decimal("3.6"), cpi_food=Decimal("11.1"),
                             entered_by=kecheng_user)
    client.force_login(kecheng_user)
    response = client.post("/admin/subsidies/monthlyindex/add/",
                           {"month": "2020-06-01", "scpi": "3.6", "cpi_food": "11.1"})
    assert response.status_code == 403
    assert not MonthlyIndex.objects.exists()


def test_county_user_cannot_compute_a_run(client, standards, set_index, kecheng_user):
    set_index(JUNE, "3.6", "11.1")
    with pytest.raises(AuthorityError):
        services.run_compute(month=JUNE, actor=kecheng_user)
    client.force_login(kecheng_user)
    assert client.post("/subsidies/jobs/run/", {"month": "2020-06"}).status_code == 403
    assert client.post("/admin/subsidies/subsidyrun/compute/",
                       {"month": "2020-06"}).status_code == 403
    assert not SubsidyRun.objects.exists()


def test_county_user_cannot_run_the_command_as_themselves(standards, set_index, kecheng_user):
    set_index(JUNE, "3.6", "11.1")
    with pytest.raises(AuthorityError):
        call_command("subsidy_run", "2020-06", "--as", "kecheng")
    assert not SubsidyRun.objects.exists()


@pytest.mark.parametrize("step", ["submit", "approve", "return", "paid"])
def test_county_user_cannot_take_any_run_step(client, june_run, kecheng_user, make_staff, step):
    start = {"submit": RunStatus.DRAFT, "approve": RunStatus.SUBMITTED,
             "return": RunStatus.SUBMITTED, "paid": RunStatus.APPROVED}[step]
    if start != RunStatus.DRAFT:
        services.run_submit(run=june_run, by=make_staff("prep", "民政"))
    if start == RunStatus.APPROVED:
        services.run_approve(run=june_run, by=make_staff("appr", "发改委"))
    events = RunEvent.objects.count()
    call = {"submit": lambda: services.run_submit(run=june_run, by=kecheng_user),
            "approve": lambda: services.run_approve(run=june_run, by=kecheng_user),
            "return": lambda: services.run_return(run=june_run, by=kecheng_user, reason="错"),
            "paid": lambda: services.run_mark_paid(run=june_run, by=kecheng_user)}[step]
    with pytest.raises(AuthorityError):
        call()
    client.force_login(kecheng_user)
    response = client.post(f"/admin/subsidies/subsidyrun/{june_run.pk}/step/{step}/",
                           {"reason": "错", "next": "/subsidies/runs/2020-06/"})
    assert response.status_code == 403
    assert SubsidyRun.objects.get(pk=june_run.pk).status == start
    assert RunEvent.objects.count() == events


def test_county_user_sees_no_step_buttons_that_work_on_the_run_page(client, june_run,
                                                                    kecheng_user):
    client.force_login(kecheng_user)
    page = client.get("/subsidies/runs/2020-06/").content.decode()
    assert 'id="start-run"' not in page  # change_subsidyrun is denied to county staff


# --- §2: imports respect scope row by row -----------------------------------------------------


def test_import_screen_refuses_a_file_with_one_other_county_row(client, regions, kecheng_user):
    data = (HEAD + f"甲,{number(KECHENG, 1)},{KECHENG},城镇,低保\n"
            f"乙,{number(JIANGSHAN, 2)},{JIANGSHAN},农村,低保\n").encode()
    client.force_login(kecheng_user)
    page = upload(client, "beneficiary", data).content.decode()
    assert "未导入任何数据" in page
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert [(line, column) for line, column, _ in rows] == [("3", "区划代码")]
    assert "只能导入柯城区的补贴对象" in rows[0][2]
    assert 'name="import_file_name"' not in page
    assert not Beneficiary.objects.exists()


def test_command_as_county_user_refuses_the_same_file_naming_the_row(regions, kecheng_user,
                                                                     tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(HEAD + f"甲,{number(KECHENG, 1)},{KECHENG},城镇,低保\n"
                    f"乙,{number(JIANGSHAN, 2)},{JIANGSHAN},农村,低保\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("subsidy_import", "beneficiaries", str(path), "--as", "kecheng")
    assert not Beneficiary.objects.exists()
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(kind="beneficiaries", data=path.read_bytes(), filename="b.csv",
                            actor=kecheng_user)
    assert "第3行" in rejected.value.report()


def test_moving_a_jiangshan_person_into_kecheng_is_refused_without_naming_them(
        client, regions, person, kecheng_user):
    other = person(JIANGSHAN, "rural", "dibao", name="江山王五")
    data = (HEAD + f"王五改,{other.resident_id},{KECHENG},城镇,低保\n").encode()
    client.force_login(kecheng_user)
    page = upload(client, "beneficiary", data).content.decode()
    assert "未导入任何数据" in page and "不属于柯城区" in page
    assert "江山王五" not in page and "江山市" not in page
    other.refresh_from_db()
    assert (other.name, other.region.code, other.residence) == ("江山王五", JIANGSHAN, "rural")


def test_city_user_may_still_move_a_person(regions, person, minzheng_user):
    other = person(JIANGSHAN, "rural", "dibao", name="江山王五")
    imports.import_file(kind="beneficiaries", filename="b.csv", actor=minzheng_user,
                        data=(HEAD + f"王五,{other.resident_id},{KECHENG},城镇,低保\n").encode())
    other.refresh_from_db()
    assert other.region.code == KECHENG


def test_county_user_cannot_upsert_another_countys_standard(regions, kecheng_user):
    data = ("区划代码,起始月份,城市低保标准,农村低保标准,失业保险金标准\n"
            f"{KECHENG},2020-07,810,810,1620\n{JIANGSHAN},2020-07,810,810,1620\n").encode()
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(kind="standards", data=data, filename="s.csv", actor=kecheng_user)
    assert [e.line for e in rejected.value.errors] == [3]
    assert not LocalStandard.objects.exists()


def test_county_user_cannot_move_another_countys_university(regions, june_run, jiangshan_user):
    data = f"学校,区划代码,在校学生数\n衢州职业技术学院,{JIANGSHAN},5\n".encode()
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(kind="universities", data=data, filename="u.csv",
                            actor=jiangshan_user)
    assert rejected.value.errors[0].line == 2
    assert University.objects.get().students == 100


def test_indices_import_is_city_level_only(regions, kecheng_user):
    with pytest.raises(AuthorityError):
        imports.import_file(kind="indices", data="月份,SCPI同比涨幅,CPI食品同比涨幅\n2020-06,3.6,11.1\n"
                            .encode(), filename="i.csv", actor=kecheng_user)
    assert not MonthlyIndex.objects.exists()


# --- §3: approval authority, separation of duties, return ------------------------------------


def test_the_recomputer_cannot_approve_even_as_superuser(june_run, make_staff, standards):
    boss = make_staff("boss", superuser=True)
    services.run_compute(month=JUNE, actor=boss)  # recompute
    services.run_submit(run=june_run, by=make_staff("prep", "民政"))
    with pytest.raises(services.SubsidyError, match="编制人不能审核"):
        services.run_approve(run=june_run, by=boss)
    assert SubsidyRun.objects.get(pk=june_run.pk).status == RunStatus.SUBMITTED


def test_the_submitter_cannot_approve_even_as_superuser(june_run, make_staff):
    boss = make_staff("boss", superuser=True)
    services.run_submit(run=june_run, by=boss)
    with pytest.raises(services.SubsidyError, match="编制人不能审核"):
        services.run_approve(run=june_run, by=boss)


def test_the_computer_cannot_approve(client, standards, set_index, person, make_staff):
    set_index(JUNE, "3.6", "11.1")
    person(KECHENG, "urban", "dibao")
    computer = make_staff("computer", "发改委")
    run = services.run_compute(month=JUNE, actor=computer)
    services.run_submit(run=run, by=make_staff("prep", "民政"))
    client.force_login(computer)
    client.post(f"/admin/subsidies/subsidyrun/{run.pk}/step/approve/")
    assert SubsidyRun.objects.get(pk=run.pk).status == RunStatus.SUBMITTED


def test_approve_permission_is_city_level(june_run, kecheng_user):
    from apps.core.authority import CITY_LEVEL_PERMISSIONS

    assert "subsidies.approve_subsidyrun" in CITY_LEVEL_PERMISSIONS
    assert not kecheng_user.has_perm("subsidies.approve_subsidyrun")


def test_return_needs_a_reason_and_is_recorded(client, june_run, make_staff):
    preparer, reviewer = make_staff("prep", "民政"), make_staff("appr", "发改委")
    services.run_submit(run=june_run, by=preparer)
    with pytest.raises(services.SubsidyError, match="理由"):
        services.run_return(run=june_run, by=reviewer, reason="  ")
    client.force_login(reviewer)
    client.post(f"/admin/subsidies/subsidyrun/{june_run.pk}/step/return/", {"reason": ""})
    assert SubsidyRun.objects.get(pk=june_run.pk).status == RunStatus.SUBMITTED
    page = client.get("/subsidies/runs/2020-06/").content.decode()
    assert "退回修改" in page
    client.post(f"/admin/subsidies/subsidyrun/{june_run.pk}/step/return/",
                {"reason": "江山市人数有误"})
    run = SubsidyRun.objects.get(pk=june_run.pk)
    assert run.status == RunStatus.DRAFT
    event = run.events.last()
    assert (event.step, event.by, event.note) == ("return", reviewer, "江山市人数有误")
    entry = AuditEvent.objects.filter(action=AuditEvent.Action.STEP).latest("id")
    assert entry.actor == reviewer and entry.changes["status"] == ["submitted", "draft"]
    assert "江山市人数有误" in entry.note
    # The run can go round again, and the reviewer who returned it may approve it.
    services.run_submit(run=run, by=preparer)
    assert services.run_approve(run=run, by=reviewer).status == RunStatus.APPROVED


# --- §4: approved money never changes ------------------------------------------------------


def test_nobody_deletes_a_university_line_of_an_approved_run(client, approved_run, make_staff):
    line = UniversityLine.objects.get(run=approved_run)
    boss = make_staff("boss", superuser=True)
    client.force_login(boss)
    url = f"/admin/subsidies/universityline/{line.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    response = client.post("/admin/subsidies/universityline/", {
        "action": "delete_selected", "_selected_action": [line.pk], "post": "yes"})
    assert UniversityLine.objects.filter(pk=line.pk).exists()
    from apps.core import authority

    # (a savepoint each: the guard raises inside delete()'s own atomic block)
    with authority.acting_as(boss), pytest.raises(AuthorityError, match="已审核"), \
            transaction.atomic():
        line.delete()
    with pytest.raises(AuthorityError), transaction.atomic():
        line.delete()  # as 系统, too
    line.amount = Decimal("1")
    with pytest.raises(AuthorityError):
        line.save()
    assert UniversityLine.objects.get(pk=line.pk).amount != Decimal("1")
    assert response.status_code in (200, 302)


def test_roll_lines_and_the_run_of_an_approved_roll_are_locked(approved_run, client,
                                                               make_staff):
    line = RollLine.objects.filter(run=approved_run).first()
    line.amount = Decimal("999")
    with pytest.raises(AuthorityError):
        line.save()
    with pytest.raises(AuthorityError), transaction.atomic():
        approved_run.delete()
    assert approved_run.locked_reason() == "已审核"
    client.force_login(make_staff("boss", superuser=True))
    page = client.get(f"/admin/subsidies/subsidyrun/{approved_run.pk}/change/")
    assert page.status_code == 200 and "deletelink" not in page.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgres_refuses_raw_sql_on_lines_of_an_approved_run(approved_run):
    for sql in ("DELETE FROM subsidies_universityline WHERE run_id = %s",
                "UPDATE subsidies_rollline SET amount = 1 WHERE run_id = %s",
                "DELETE FROM subsidies_rollline WHERE run_id = %s",
                "DELETE FROM subsidies_subsidyrun WHERE id = %s"):
        with pytest.raises(DatabaseError, match="不能"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [approved_run.pk])
    assert UniversityLine.objects.filter(run=approved_run).count() == 1
    assert RollLine.objects.filter(run=approved_run).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgres_still_lets_a_draft_be_recomputed(june_run, person):
    person(KECHENG, "urban", "edge")
    run = services.run_compute(month=JUNE)
    assert run.pk == june_run.pk and run.persons == 3


def test_correction_of_an_approved_month_goes_into_an_adjustment_roll(approved_run, person):
    person(KECHENG, "urban", "dibao")
    adjustment = services.run_compute(month=JUNE)
    assert adjustment.sequence == 1 and adjustment.pk != approved_run.pk
    assert RollLine.objects.filter(run=approved_run).count() == 2


# --- §5: the audit trail ----------------------------------------------------------------------


def test_every_run_step_writes_one_step_entry_with_actor_and_old_new(standards, set_index,
                                                                     person, make_staff):
    set_index(JUNE, "3.6", "11.1")
    person(KECHENG, "urban", "dibao")
    person(JIANGSHAN, "rural", "dibao")
    computer, preparer = make_staff("computer", "民政"), make_staff("prep", "民政")
    reviewer, payer = make_staff("appr", "发改委"), make_staff("payer", "民政")
    run = services.run_compute(month=JUNE, actor=computer)
    services.run_compute(month=JUNE, actor=computer)
    services.run_submit(run=run, by=preparer)
    services.run_return(run=run, by=reviewer, reason="再核")
    services.run_submit(run=run, by=preparer)
    services.run_approve(run=run, by=reviewer)
    services.run_mark_paid(run=run, by=payer)
    steps = list(AuditEvent.objects.filter(action=AuditEvent.Action.STEP).order_by("id"))
    assert [(e.actor, e.changes["status"]) for e in steps] == [
        (computer, [None, "draft"]), (computer, ["draft", "draft"]),
        (preparer, ["draft", "submitted"]), (reviewer, ["submitted", "draft"]),
        (preparer, ["draft", "submitted"]), (reviewer, ["submitted", "approved"]),
        (payer, ["approved", "paid"])]
    assert all(e.model == "subsidies.SubsidyRun" and e.object_id == str(run.pk) for e in steps)
    assert {r.code for r in steps[-1].regions.all()} == {KECHENG, JIANGSHAN}


def test_system_run_step_is_audited_as_system(standards, set_index, person):
    set_index(JUNE, "3.6", "11.1")
    person(KECHENG, "urban", "dibao")
    call_command("subsidy_run", "2020-06")
    entry = AuditEvent.objects.get(action=AuditEvent.Action.STEP)
    assert entry.actor is None and entry.actor_name.startswith("系统(命令 subsidy_run")


def test_import_writes_one_import_entry_with_regions_and_a_change_list(regions, person,
                                                                       minzheng_user):
    known = person(KECHENG, "urban", "dibao", name="旧名")
    data = (HEAD + f"新名,{known.resident_id},{KECHENG},农村,低保\n"
            f"丙,{number(JIANGSHAN, 9)},{JIANGSHAN},农村,低保\n").encode()
    imports.import_file(kind="beneficiaries", data=data, filename="b.csv", actor=minzheng_user)
    entry = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert entry.actor == minzheng_user and entry.model == "subsidies.Beneficiary"
    assert {r.code for r in entry.regions.all()} == {KECHENG, JIANGSHAN}
    assert entry.changes["counts"]["updated"] == 1 and entry.changes["counts"]["created"] == 1
    rows = list(csv.reader(io.StringIO(entry.attachment)))
    assert ["2", f"旧名({resident_id.mask(known.resident_id)})", "name", "旧名", "新名"] in rows
    assert ["2", f"旧名({resident_id.mask(known.resident_id)})", "residence", "urban",
            "rural"] in rows
    assert known.resident_id not in entry.attachment


def test_standards_import_entry_lists_old_and_new(regions, standards, minzheng_user):
    data = ("区划代码,起始月份,城市低保标准,农村低保标准,失业保险金标准\n"
            f"{KECHENG},2020-01,810,775,1620\n").encode()
    imports.import_file(kind="standards", data=data, filename="s.csv", actor=minzheng_user)
    entry = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert [r.code for r in entry.regions.all()] == [KECHENG]
    assert "urban_dibao,775.00,810" in entry.attachment


def test_roll_download_with_full_ids_is_a_disclosure(client, june_run, minzheng_user,
                                                     shifuban_user):
    client.force_login(minzheng_user)
    body = client.get("/subsidies/runs/2020-06/roll.csv").content.decode("utf-8-sig")
    line = RollLine.objects.filter(run=june_run, region__code=KECHENG).first()
    assert line.beneficiary.resident_id in body
    entry = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_ID)
    assert entry.actor == minzheng_user and entry.changes["counts"]["full_ids"] == 2
    assert entry.model == "subsidies.RollLine"
    client.force_login(shifuban_user)  # masked: nothing disclosed
    client.get("/subsidies/runs/2020-06/roll.csv")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_ID).count() == 1


def test_export_command_with_full_ids_is_a_disclosure(june_run, tmp_path):
    call_command("subsidy_export", "2020-06", str(tmp_path / "roll.xlsx"))
    entry = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_ID)
    assert entry.actor is None and entry.changes["counts"]["full_ids"] == 2
    assert "subsidy_export" in entry.actor_name


def test_export_command_as_county_user_is_scoped(june_run, tmp_path, kecheng_user):
    path = tmp_path / "roll.csv"
    call_command("subsidy_export", "2020-06", str(path), "--as", "kecheng")
    body = path.read_text(encoding="utf-8-sig")
    assert "柯城对象" in body and "江山对象" not in body


# --- §7: uploads ----------------------------------------------------------------------------


def test_uploads_are_private_random_and_bound_to_the_user(import_dir, minzheng_user,
                                                          kecheng_user):
    token = uploads.store_upload(b"data", user=minzheng_user, suffix=".csv")
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert os.stat(import_dir).st_mode & 0o777 == 0o700
    files = sorted(p.name for p in import_dir.iterdir())
    assert files == [f"{token}.bin", f"{token}.json"]
    assert all(os.stat(import_dir / f).st_mode & 0o777 == 0o600 for f in files)
    assert uploads.read_upload(token, user=minzheng_user) == b"data"
    with pytest.raises(AuthorityError):
        uploads.read_upload(token, user=kecheng_user)
    with pytest.raises(uploads.UploadMissing):
        uploads.read_upload("../../etc/passwd", user=minzheng_user)
    uploads.discard_upload(token)
    assert not list(import_dir.iterdir())


def test_an_upload_is_claimed_once_even_by_two_confirms_at_once(import_dir, minzheng_user,
                                                                kecheng_user):
    """A double click on 确认导入 sends two confirms: exactly one gets the file (the rename is
    atomic), the other is told it was used; another user never gets it."""
    from concurrent.futures import ThreadPoolExecutor

    token = uploads.store_upload(b"data", user=minzheng_user, suffix=".csv")
    with pytest.raises(AuthorityError):
        uploads.claim_upload(token, user=kecheng_user)

    def claim(_):
        try:
            return uploads.claim_upload(token, user=minzheng_user)
        except uploads.UploadMissing as exc:
            return str(exc)

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(claim, range(8)))
    assert outcomes.count(b"data") == 1
    assert outcomes.count("该文件已导入或已过期,请重新上传") == 7
    assert not list(import_dir.iterdir())  # nothing left behind


def test_purge_removes_old_uploads_only(import_dir, minzheng_user):
    old = uploads.store_upload(b"old", user=minzheng_user)
    new = uploads.store_upload(b"new", user=minzheng_user)
    past = time.time() - 25 * 3600
    for suffix in (".bin", ".json"):
        os.utime(import_dir / f"{old}{suffix}", (past, past))
    from apps.core.tasks import purge_uploads

    assert purge_uploads() == 2
    assert uploads.read_upload(new, user=minzheng_user) == b"new"
    with pytest.raises(uploads.UploadMissing):
        uploads.read_upload(old, user=minzheng_user)


def test_nightly_purge_is_in_the_beat_schedule():
    from qzgov.celery import collect_beat_schedule

    assert collect_beat_schedule()["core.purge_uploads"]["task"] == "core.purge_uploads"


def test_admin_upload_lands_in_import_dir_and_another_user_cannot_confirm_it(
        client, regions, import_dir, minzheng_user, make_staff):
    data = (HEAD + f"甲,{number(KECHENG, 1)},{KECHENG},城镇,低保\n").encode()
    client.force_login(minzheng_user)
    page = upload(client, "beneficiary", data, name="../../evil.csv").content.decode()
    token = re.search(r'name="import_file_name" value="([^"]*)"', page).group(1)
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert (import_dir / f"{token}.bin").read_bytes() == data
    other = make_staff("other", "民政")
    client.force_login(other)
    response = client.post("/admin/subsidies/beneficiary/process_import/", {
        "import_file_name": token, "original_file_name": "b.csv", "format": "0",
        "resource": "0", "from_month": ""})
    assert response.status_code == 403
    assert not Beneficiary.objects.exists()
    client.force_login(minzheng_user)
    client.post("/admin/subsidies/beneficiary/process_import/", {
        "import_file_name": token, "original_file_name": "b.csv", "format": "0",
        "resource": "0", "from_month": ""})
    assert Beneficiary.objects.count() == 1
    assert not list(import_dir.iterdir())  # preview copy and worker copy both removed




def test_enrolment_form_picks_beneficiaries_through_a_scoped_autocomplete(client, person,
                                                                          kecheng_user):
    person(KECHENG, "urban", "dibao", name="柯城对象")
    person(JIANGSHAN, "rural", "dibao", name="江山对象")
    client.force_login(kecheng_user)
    found = client.get("/admin/autocomplete/", {
        "app_label": "subsidies", "model_name": "enrolment", "field_name": "beneficiary",
        "term": "对象"}).json()
    assert [r["text"] for r in found["results"]] == ["柯城对象"]


# --- second pass: holes found by the adversarial review -----------------------------------


def test_no_line_is_added_to_an_approved_roll(approved_run):
    """A new line of an approved roll would pay money nobody approved (issue 9 §4)."""
    line = RollLine.objects.filter(run=approved_run).first()
    line.pk = None
    line.amount = Decimal("99999")
    with pytest.raises(AuthorityError, match="已审核"), transaction.atomic():
        line.save()
    assert RollLine.objects.filter(run=approved_run).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgres_refuses_inserting_lines_and_editing_an_approved_run(approved_run, person):
    newcomer = person(KECHENG, "urban", "dibao", name="未审核对象")
    statements = [
        ("INSERT INTO subsidies_rollline (run_id, month, sequence, beneficiary_id, category, "
         "department, region_id, residence, standard, amount) SELECT run_id, month, sequence, "
         "%s, category, department, region_id, residence, standard, 99999 "
         "FROM subsidies_rollline WHERE run_id = %s LIMIT 1", [newcomer.pk, approved_run.pk]),
        ("UPDATE subsidies_subsidyrun SET amount = 1 WHERE id = %s", [approved_run.pk]),
        ("UPDATE subsidies_subsidyrun SET status = 'draft' WHERE id = %s", [approved_run.pk]),
    ]
    for sql, args in statements:
        with pytest.raises(DatabaseError, match="不能"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
    approved_run.refresh_from_db()
    assert approved_run.status == RunStatus.APPROVED and approved_run.amount != 1
    # The one step an approved roll still takes.
    paid = services.run_mark_paid(run=approved_run, by=SubsidyRun.objects.get(pk=approved_run.pk)
                                  .events.get(status=RunStatus.APPROVED).by)
    assert paid.status == RunStatus.PAID


def test_whoever_entered_the_index_prepared_the_run_and_cannot_approve(
        standards, person, make_staff, django_capture_on_commit_callbacks):
    """The index starts the recompute: its author is among the run's preparers (issue 9 §3)."""
    computer, indexer = make_staff("computer", "民政"), make_staff("indexer", "发改委")
    person(KECHENG, "urban", "dibao")
    with django_capture_on_commit_callbacks(execute=True):
        services.index_enter(month=JUNE, scpi=Decimal("3.6"), cpi_food=Decimal("11.1"),
                             actor=computer)
    with django_capture_on_commit_callbacks(execute=True):
        services.index_enter(month=JUNE, scpi=Decimal("9.9"), cpi_food=Decimal("11.1"),
                             actor=indexer)
    run = SubsidyRun.objects.get(month=JUNE, sequence=0)
    assert indexer.pk in services.preparers(run)
    services.run_submit(run=run, by=computer)
    with pytest.raises(services.SubsidyError, match="编制"):
        services.run_approve(run=run, by=indexer)


def test_the_index_and_standards_of_an_approved_month_cannot_be_deleted(approved_run, client,
                                                                       make_staff):
    index = MonthlyIndex.objects.get(month=JUNE)
    standard = LocalStandard.objects.filter(region__code=KECHENG).first()
    for record in (index, standard):
        with pytest.raises(AuthorityError, match="已用于已审核的补贴名单"), transaction.atomic():
            record.delete()
    client.force_login(make_staff("city_mz", "民政"))
    response = client.post(f"/admin/subsidies/monthlyindex/{index.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert MonthlyIndex.objects.filter(pk=index.pk).exists()
