"""The awards file imports as whole-file services (issue 14 §4; DOMAIN §1): every row checked
first, a bad file refused naming each bad row (line, the file's column) with nothing
written, a clean file written once with one run-level audit record, a second import of the
same file changing nothing; awards are city-wide (issue 9 §1), so county staff and staff
without the add permission are refused."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.awards import imports
from apps.awards.models import Decision, Person, Recipient, Section
from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent
from apps.core.tabular import ImportRejected

pytestmark = pytest.mark.django_db

DECISION_HEADER = "文号,标题,发文机关,成文日期,文种,依据,公开发布\n"
RECIPIENT_HEADER = "文号,成文日期,栏目,奖励类别,公布数量,姓名或集体,单位,单位规范名称\n"
# A 2021 decision not printed in the seed gazette, naming people the gazette's
# 衢政发〔2020〕13号 lists (柴东剑、王莉娟 at 衢州市人民医院: 个人三等功).
NEW_DECISION = ("衢政发[2021]3号,关于表彰2020年度全市抗击新冠肺炎疫情先进集体和先进个人的决定,"
                "衢州市人民政府,2021-02-01,决定,《浙江省行政奖励暂行办法》,1\n")
RECIPIENTS = (RECIPIENT_HEADER
              + "衢政发〔2021〕3号,,先进集体,先进集体,1,衢州市人民医院,,\n"
              + "衢政发〔2021〕3号,,先进个人,先进个人,2,柴东剑,衢州市人民医院,\n"
              + "衢政发〔2021〕3号,,先进个人,先进个人,2,王莉娟,市人民医院,\n")


def csv(text: str) -> bytes:
    return text.encode("utf-8")


def imports_audited() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT,
                                     model__startswith="awards.").count()


def stored_12_row() -> str:
    """衢政发〔2020〕12号 as the seed gazette recorded it, written as a file row (the export's
    form: 文种 label, 公开发布 1/0)."""
    d = Decision.objects.get(number="衢政发〔2020〕12号")
    return (f"{d.number},{d.title},{d.issuing_body},{d.date:%Y-%m-%d},{d.get_kind_display()},"
            f"{d.basis},{int(d.public)}\n")


def test_decisions_import_and_a_second_import_changes_nothing(gazette, shifuban_user):
    data = csv(DECISION_HEADER + stored_12_row() + NEW_DECISION)
    source = Decision.objects.get(number="衢政发〔2020〕12号").source_article_id
    first = imports.import_file(kind="decisions", data=data, filename="d.csv",
                                actor=shifuban_user)
    assert (first.rows, first.created, first.updated, first.unchanged) == (2, 1, 0, 1)
    new = Decision.objects.get(number="衢政发〔2021〕3号")  # 〔〕 stored, whatever the file typed
    assert (new.issuer_code, new.year, new.serial, new.kind, new.public) == (
        "衢政发", 2021, 3, Decision.Kind.DECISION, True)
    # The gazette's decision keeps its source article (a file row never unlinks it).
    assert Decision.objects.get(number="衢政发〔2020〕12号").source_article_id == source
    assert source is not None
    decisions, audited = Decision.objects.count(), imports_audited()
    second = imports.import_file(kind="decisions", data=data, filename="d.csv",
                                 actor=shifuban_user)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert str(second) == "表彰决定已导入:2行,新增0,更新0,未变2"
    assert Decision.objects.count() == decisions
    assert imports_audited() == audited + 1  # one run-level record per run, none per row
    event = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).latest("pk")
    assert event.actor == shifuban_user and event.changes["counts"]["unchanged"] == 2


def test_a_decisions_file_with_two_bad_rows_is_refused_whole(gazette):
    data = csv(DECISION_HEADER
               + "衢政发2021第4号,关于表彰的决定,衢州市人民政府,2021-03-01,决定,,0\n"
               + NEW_DECISION
               + "衢政发〔2021〕5号,关于表彰的通报,衢州市人民政府,2021-03-01,命令,,0\n")
    decisions, audited = Decision.objects.count(), imports_audited()
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind="decisions", data=data, filename="d.csv")
    assert [(e.line, e.column) for e in refused.value.errors] == [(2, "文号"), (4, "文种")]
    assert "文种应为“决定”或“通报”,实际为“命令”" in refused.value.report()
    assert Decision.objects.count() == decisions and imports_audited() == audited
    assert not Decision.objects.filter(number="衢政发〔2021〕3号").exists()  # the good row too


def test_county_staff_and_staff_without_the_permission_are_refused(gazette, kecheng_user,
                                                                  renshe_user):
    data = csv(DECISION_HEADER + NEW_DECISION)
    with pytest.raises(AuthorityError, match="市级统一管理"):
        imports.import_file(kind="decisions", data=data, filename="d.csv", actor=kecheng_user)
    with pytest.raises(AuthorityError, match="没有导入表彰决定的权限"):
        imports.import_file(kind="decisions", data=data, filename="d.csv", actor=renshe_user)
    with pytest.raises(AuthorityError, match="市级统一管理"):
        imports.import_file(kind="recipients", data=csv(RECIPIENTS), filename="r.csv",
                            actor=kecheng_user)
    assert not Decision.objects.filter(number="衢政发〔2021〕3号").exists()


def test_recipients_import_identifies_people_and_a_second_import_changes_nothing(gazette):
    imports.import_file(kind="decisions", data=csv(DECISION_HEADER + NEW_DECISION),
                        filename="d.csv")
    chai = Recipient.objects.get(person_name="柴东剑",
                                 section__decision__number="衢政发〔2020〕13号").person
    first = imports.import_file(kind="recipients", data=csv(RECIPIENTS), filename="r.csv")
    assert (first.rows, first.created, first.unchanged) == (3, 3, 0)
    rows = Recipient.objects.filter(section__decision__number="衢政发〔2021〕3号").order_by(
        "section__order", "order")
    assert [(r.text, r.section.title, r.section.declared_count) for r in rows] == [
        ("衢州市人民医院", "先进集体", 1), ("柴东剑(衢州市人民医院)", "先进个人", 2),
        ("王莉娟(市人民医院)", "先进个人", 2)]
    # Name + unit (aliases resolved: 市人民医院 ≡ 衢州市人民医院) is the gazette's person.
    assert rows[1].person == chai
    assert rows[2].organisation.name == "衢州市人民医院"
    people, sections, recipients = Person.objects.count(), Section.objects.count(), Recipient.objects.count()
    second = imports.import_file(kind="recipients", data=csv(RECIPIENTS), filename="r.csv")
    assert (second.rows, second.created, second.updated, second.unchanged) == (3, 0, 0, 3)
    assert (Person.objects.count(), Section.objects.count(), Recipient.objects.count()) == (
        people, sections, recipients)


def test_a_recipients_file_with_bad_rows_is_refused_naming_each(gazette):
    data = csv(RECIPIENT_HEADER
               + "衢政发〔2020〕13号,,个人嘉奖,个人嘉奖,,王五,衢州市民政局,\n"
               + "衢政发〔2021〕9号,,个人嘉奖,个人嘉奖,,王五,衢州市民政局,\n"
               + "衢政发〔2020〕13号,,个人金奖,个人金奖,,王五,衢州市民政局,\n"
               + "衢政发〔2020〕13号,,个人嘉奖,个人嘉奖,两个,李四,,\n")
    recipients, audited = Recipient.objects.count(), imports_audited()
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind="recipients", data=data, filename="r.csv")
    assert [(e.line, e.column) for e in refused.value.errors] == [
        (3, "文号"), (4, "奖励类别"), (5, "公布数量"), (5, "单位")]
    report = refused.value.report()
    assert "第3行“文号”列:文号“衢政发〔2021〕9号”的表彰决定不存在,请先导入决定" in report
    assert "第4行“奖励类别”列:未知的奖励类别“个人金奖”" in report
    assert "第5行“单位”列:个人“李四”缺少单位" in report
    assert Recipient.objects.count() == recipients and imports_audited() == audited
    assert not Recipient.objects.filter(person_name="王五").exists()  # line 2 was good


def _post(client, url: str, content: str, name: str):
    upload = SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")
    return client.post(url, {"resource": "0", "format": "0", "import_file": upload})


def test_the_admin_screen_previews_the_counts_and_the_confirm_imports(gazette, client,
                                                                     shifuban_user):
    client.force_login(shifuban_user)
    url = "/admin/awards/decision/import/"
    page = _post(client, url, DECISION_HEADER + stored_12_row() + NEW_DECISION, "d.csv")
    html = page.content.decode()
    assert "表彰决定校验通过(未写入):2行,新增1,更新0,未变1" in html
    assert not Decision.objects.filter(number="衢政发〔2021〕3号").exists()  # the preview
    data = {f: re.search(rf'name="{f}" value="([^"]*)"', html).group(1)
            for f in ("import_file_name", "original_file_name", "format", "resource")}
    done = client.post("/admin/awards/decision/process_import/", data, follow=True)
    assert done.redirect_chain[-1][0] == "/admin/awards/decision/"
    assert "表彰决定已导入:2行,新增1,更新0,未变1" in done.content.decode()
    assert Decision.objects.filter(number="衢政发〔2021〕3号").exists()
    # A bad recipients file: the preview lists each bad line and offers no confirm.
    page = _post(client, "/admin/awards/recipient/import/",
                 RECIPIENT_HEADER + "衢政发〔2021〕9号,,个人嘉奖,个人嘉奖,,王五,衢州市民政局,\n"
                 + "衢政发〔2021〕3号,,个人嘉奖,个人嘉奖,,李四,,\n", "r.csv")
    html = page.content.decode()
    assert "文件有2处错误,未导入任何数据" in html and 'name="import_file_name"' not in html
    assert "请先导入决定" in html and "个人“李四”缺少单位" in html


def _confirm_fields(html: str) -> dict:
    return {f: re.search(rf'name="{f}" value="([^"]*)"', html).group(1)
            for f in ("import_file_name", "original_file_name", "format", "resource")}


def test_a_large_file_is_previewed_in_the_worker_then_imported_after_the_confirm(
        client, shifuban_user, settings, tmp_path, monkeypatch):
    """Issue 11 §3, issue 14 §4 (review finding 4): past IMPORT_INLINE_MAX_BYTES nothing is
    read in the upload request; the worker runs the dry run, the staff sees the preview
    (rows, counts — or every bad row) and only the confirm imports, in the worker again."""
    from apps.awards import tasks
    from apps.core.models import Job, JobStatus

    checks, imports_sent = [], []
    monkeypatch.setattr(tasks.awards_check_job, "delay", lambda *args: checks.append(args))
    monkeypatch.setattr(tasks.awards_import_job, "delay", lambda *args: imports_sent.append(args))
    settings.IMPORT_INLINE_MAX_BYTES = 100
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(shifuban_user)
    response = _post(client, "/admin/awards/decision/import/", DECISION_HEADER + NEW_DECISION,
                     "d.csv")
    check = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/jobs/{check.pk}/"
    tasks.awards_check_job(*checks[0])  # the worker: the dry run only
    check.refresh_from_db()
    assert check.status == JobStatus.DONE
    assert check.result["summary"] == "表彰决定校验通过(未写入):1行,新增1,更新0,未变0"
    assert not Decision.objects.filter(number="衢政发〔2021〕3号").exists() and imports_sent == []
    preview_url = f"/admin/awards/decision/import/checked/{check.pk}/"
    assert f'href="{preview_url}"' in client.get(f"/subsidies/jobs/{check.pk}/").content.decode()
    html = client.get(preview_url).content.decode()
    assert "表彰决定校验通过(未写入):1行,新增1,更新0,未变0" in html
    done = client.post("/admin/awards/decision/process_import/", _confirm_fields(html))
    job = Job.objects.exclude(pk=check.pk).get()
    assert done.status_code == 302 and done["Location"] == f"/subsidies/jobs/{job.pk}/"
    assert not Decision.objects.filter(number="衢政发〔2021〕3号").exists()  # not in the request
    assert tasks.awards_import_job(*imports_sent[0]) == "done"  # the worker
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result["summary"] == "表彰决定已导入:1行,新增1,更新0,未变0"
    assert Decision.objects.get(number="衢政发〔2021〕3号").serial == 3
    page = client.get(f"/subsidies/jobs/{job.pk}/").content.decode()
    assert "表彰决定已导入" in page and "返回表彰决定列表" in page
    assert list(settings.IMPORT_DIR.iterdir()) == []  # every upload removed
    # A bad large file: the worker's preview lists the bad row, no confirm is offered.
    _post(client, "/admin/awards/decision/import/",
          DECISION_HEADER + NEW_DECISION.replace("决定,《", "命令,《"), "d.csv")
    tasks.awards_check_job(*checks[1])
    failed = Job.objects.exclude(pk__in=[check.pk, job.pk]).get()
    assert failed.status == JobStatus.FAILED
    assert [(e["line"], e["column"]) for e in failed.errors] == [(2, "文种")]
    html = client.get(f"/admin/awards/decision/import/checked/{failed.pk}/").content.decode()
    assert "<td>2</td><td>文种</td>" in html and 'name="import_file_name"' not in html
    assert list(settings.IMPORT_DIR.iterdir()) == []


def test_a_file_never_rewrites_a_registered_decision(gazette, shifuban_user):
    """A registered decision (the gazette's 衢政发〔2020〕14号) is not rewritten by a file: a
    changed 标题 is a bad row on that column, and a blank 公开发布 keeps it published (review
    finding: blank unpublished it, 更新1)."""
    d = Decision.objects.get(number="衢政发〔2020〕14号")
    assert d.public
    keep = (f"{d.number},{d.title},{d.issuing_body},{d.date:%Y-%m-%d},{d.get_kind_display()},"
            f"{d.basis},\n")
    same = imports.import_file(kind="decisions", data=csv(DECISION_HEADER + keep),
                               filename="d.csv", actor=shifuban_user)
    assert (same.created, same.updated, same.unchanged) == (0, 0, 1)
    d.refresh_from_db()
    assert d.public
    retitled = keep.replace(d.title, "另一个标题", 1)
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind="decisions", data=csv(DECISION_HEADER + retitled),
                            filename="d.csv", actor=shifuban_user)
    [error] = refused.value.errors
    assert (error.line, error.column) == (2, "标题")
    assert "已登记的表彰决定不能由文件修改" in error.message
    assert Decision.objects.get(pk=d.pk).title == d.title


XIJIANGYUE_13 = "衢政发〔2020〕13号,,集体嘉奖,集体嘉奖,{},智慧新城白云街道西江月小区业主委员会,,\n"


def test_a_changed_declared_count_of_a_stored_section_is_a_bad_row(gazette):
    """DOMAIN §1 (review finding 10): 衢政发〔2020〕13号's heading declares 集体嘉奖(1家);
    a file saying 2 is refused on 公布数量 (a published decision is not rewritten), not
    ignored; the same count or a blank one changes nothing."""
    section = Section.objects.get(decision__number="衢政发〔2020〕13号", title="集体嘉奖")
    assert section.declared_count == 1
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind="recipients", filename="r.csv",
                            data=csv(RECIPIENT_HEADER + XIJIANGYUE_13.format(2)))
    error, = refused.value.errors
    assert (error.line, error.column) == (2, "公布数量")
    assert error.message == ("表彰决定衢政发〔2020〕13号栏目“集体嘉奖”已登记的公布数量为1,"
                             "文件中为2;已登记的公布数量不能由文件修改")
    for count in ("1", ""):
        same = imports.import_file(kind="recipients", filename="r.csv",
                                   data=csv(RECIPIENT_HEADER + XIJIANGYUE_13.format(count)))
        assert (same.rows, same.created, same.updated, same.unchanged) == (1, 0, 0, 1)
    section.refresh_from_db()
    assert section.declared_count == 1


def test_a_gazette_heading_stating_no_count_is_not_given_one_by_a_file(gazette):
    """衢政发〔2020〕15号 prints 黄宏瞻's 个人二等功 with no count in a heading."""
    section = Section.objects.get(decision__number="衢政发〔2020〕15号")
    assert section.declared_count is None
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind="recipients", filename="r.csv", data=csv(
            RECIPIENT_HEADER + "衢政发〔2020〕15号,,个人二等功,个人二等功,1,黄宏瞻,衢州市公安局,\n"))
    assert [(e.line, e.column, e.message) for e in refused.value.errors] == [
        (2, "公布数量", "表彰决定衢政发〔2020〕15号栏目“个人二等功”在政报刊登的标题中未写明公布数量,"
                     "不能由文件补写(文件中为1)")]
    section.refresh_from_db()
    assert section.declared_count is None


def test_a_file_registered_section_without_a_count_takes_one_and_says_so(gazette):
    imports.import_file(kind="decisions", data=csv(DECISION_HEADER + NEW_DECISION),
                        filename="d.csv")
    row = "衢政发〔2021〕3号,,先进集体,先进集体,{},衢州市人民医院,,\n"
    imports.import_file(kind="recipients", data=csv(RECIPIENT_HEADER + row.format("")),
                        filename="r.csv")
    section = Section.objects.get(decision__number="衢政发〔2021〕3号")
    assert section.declared_count is None
    said = imports.import_file(kind="recipients", data=csv(RECIPIENT_HEADER + row.format(1)),
                               filename="r.csv")
    assert str(said) == "受表彰对象已导入:1行,新增0,更新1,未变0"
    assert said.messages == ["表彰决定衢政发〔2021〕3号栏目“先进集体”公布数量:未写明→1"]
    section.refresh_from_db()
    assert section.declared_count == 1
    with pytest.raises(ImportRejected) as refused:  # now stated: not rewritten
        imports.import_file(kind="recipients", data=csv(RECIPIENT_HEADER + row.format(2)),
                            filename="r.csv")
    assert [(e.line, e.column) for e in refused.value.errors] == [(2, "公布数量")]
    # Within one file, one section has one count.
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind="recipients", filename="r.csv", data=csv(
            RECIPIENT_HEADER + "衢政发〔2021〕3号,,先进个人,先进个人,2,柴东剑,衢州市人民医院,\n"
            + "衢政发〔2021〕3号,,先进个人,先进个人,3,王莉娟,市人民医院,\n"))
    assert [(e.line, e.column, e.message) for e in refused.value.errors] == [
        (3, "公布数量", "与第2行同一栏目的公布数量(2)不一致")]
    # The same section however its 文号 is bracketed (the service parses it): still one count.
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind="recipients", filename="r.csv", data=csv(
            RECIPIENT_HEADER + "衢政发[2021]3号,,先进个人,先进个人,2,柴东剑,衢州市人民医院,\n"
            + "衢政发〔2021〕3号,,先进个人, 先进个人 ,3,王莉娟,市人民医院,\n"))
    assert [(e.line, e.column, e.message) for e in refused.value.errors] == [
        (3, "公布数量", "与第2行同一栏目的公布数量(2)不一致")]


def test_a_title_two_sections_share_is_picked_by_its_count_or_refused(gazette):
    """Review finding 5 (DOMAIN §1): 衢政发〔2020〕14号 prints two headings titled 个人二等功 —
    “个人二等功(18人)” (一、疫情防控, 徐小华 …) and “个人二等功(1人)” (二、机场迁建, 占跃平). A
    row's 公布数量 picks the section: 占跃平 with 1 and 徐小华 with 18 are the gazette's own
    recipients (未变), never 占跃平 in the 18-person section. A row without a count, or with
    a count neither heading states, is refused on 公布数量 naming both sections."""
    sections = list(Section.objects.filter(decision__number="衢政发〔2020〕14号",
                                           title="个人二等功").order_by("order"))
    assert [(s.declared_count, s.recipients.count()) for s in sections] == [(18, 18), (1, 1)]
    first, second = sections
    row = "衢政发〔2020〕14号,,个人二等功,个人二等功,{},{},{},\n"
    recipients, audited = Recipient.objects.count(), imports_audited()
    done = imports.import_file(kind="recipients", filename="r.csv", data=csv(
        RECIPIENT_HEADER + row.format(1, "占跃平", "衢州市人大常委会")
        + row.format(18, "徐小华", "衢州市人民医院")))
    assert (done.rows, done.created, done.updated, done.unchanged) == (2, 0, 0, 2)
    assert Recipient.objects.count() == recipients
    assert second.recipients.get().person_name == "占跃平"
    both = (f"表彰决定衢政发〔2020〕14号有2个栏目“个人二等功”:第{first.order}栏“个人二等功”"
            f"(公布数量18)、第{second.order}栏“个人二等功”(公布数量1);")
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(kind="recipients", filename="r.csv", data=csv(
            RECIPIENT_HEADER + row.format("", "占跃平", "衢州市人大常委会")
            + row.format(5, "王五", "衢州市民政局")))
    assert [(e.line, e.column, e.message) for e in refused.value.errors] == [
        (2, "公布数量", both + "本行未填写公布数量,不能确定属于哪一栏,请填写该栏的公布数量"),
        (3, "公布数量", both + "本行公布数量5,不能确定属于哪一栏,请填写该栏的公布数量")]
    assert Recipient.objects.count() == recipients
    assert imports_audited() == audited + 1
