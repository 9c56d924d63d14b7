"""Bad input at volume (issue 13 §5): every import kind, fed any bytes, any CSV shape (right,
wrong, ragged or missing headers; plausible and random cells; quotes, blank lines), any
encoding (UTF-8 with or without BOM, GB18030, UTF-16, Latin-1) and CSV, XLSX or other file
names, ends in a clean import or a clean refusal naming rows — never another exception (a
500 behind the admin or a traceback from the command) and never a partial write.

The import kinds (from the import services and the admin import screens):
- whole-file services, behind their commands and admin screens: subsidies ``indices``,
  ``standards``, ``beneficiaries``, ``universities`` (apps.subsidies.imports, command
  ``subsidy_import``); doctors ``doctors``, ``deductions``, ``appeals`` (apps.doctors.imports,
  command ``doctors_import``); ecology machinery (apps.ecology.imports, ``machinery_import``);
  pairings activities (apps.pairings.imports, ``pairing_import``); 营商环境 progress
  (apps.bizenv.imports, ``bizenv_progress``) — each also through its command; the registry's
  ``documents`` and ``campaign_results`` (apps.regulations.imports, admin screens only); awards
  ``decisions``, ``recipients`` and personnel ``items`` (apps.awards.imports,
  apps.personnel.imports: admin screens only, no command);
- the ``upload/`` admin screens beside a list (``admin:<app>_<model>_upload``: doctors with its
  ``kind``, pairings, bizenv, ecology), found from the URL patterns; tourism's two are covered
  by tests/tourism;
- django-import-export admin screens: every admin offering 导入 (regulations documents and
  campaign items, awards decisions and recipients, personnel appointment items, doctors,
  and the subsidy screens over the services above), found from the admin registry.
Land and grants have no import (their admins export only, no command reads a file).

``max_examples`` is modest: the suite's time matters; each kind gets its own examples.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import string
from importlib import import_module

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from apps.core import resident_id
from apps.core.models import AuditEvent
from apps.core.tabular import ImportRejected, RowError

pytestmark = pytest.mark.django_db

EXAMPLES = 20
# No shrinking: a failing file is reported as generated (shrinking took minutes here).
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])

# Cells that look like the real thing, so some files pass the header and reach row checks
# (and some import cleanly); the rest is any text.
PLAUSIBLE = ["", " ", "330802", "330881", "339999", "2020-06", "2020-13", "2020-06-01",
             "3.6", "-1", "1e9", "NaN", "775", "100", "０", "低保", "低保边缘", "失业保险金", "城镇",
             "农村", "urban", "张三", "衢州学院", "执业医师", "A1", "第三条", "是", "否", "0", "1",
             resident_id.compose("330802", dt.date(1960, 1, 1), 7),
             "330802196001010070", "=SUM(A1)", "\u3000", "\x00", '"', "，"]
cells = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=12),
                  st.text(alphabet=string.printable, max_size=8))
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]
NAMES = ["f.csv", "f.CSV", "f.txt", "f.xlsx", "f.xls", "f", "f.pdf"]


# A valid row per kind (by column), as in the app's own tests: a drawn row may be one of
# these with a cell or two replaced, so files mixing rows that import with rows that do not
# are common — the case where a partial write would show.
GOOD_ROWS = {
    "pairings": [{"结对单位": "巨化集团公司", "日期": "2020-09-01", "类型": "资金", "金额": "120000",
                  "说明": "援建资金"},
                 {"结对单位": "市金控集团", "日期": "2021年1月5日", "类型": "书面报告", "金额": "",
                  "说明": "工作情况"}],
    "bizenv": [{"任务序号": "1", "完成日期": "2020-09-30", "说明": "完成"},
               {"任务序号": "2", "完成日期": "2020/12/20", "说明": ""}],
    # One layout for both registry kinds (文号 is in both files): a new document and its
    # 衢环发〔2020〕66号 result (the seed's 16th 废止 and 4th 需修改 places are free).
    "regulations": [{"文号": "衢市监规〔2021〕3号", "标题": "关于测试的通知", "发文机关": "衢州市市场监督管理局",
                     "成文日期": "2021-03-01", "公开发布": "是", "清理文号": "衢环发〔2020〕66号",
                     "清理结果": "废止", "序号": "16", "文件名称": "关于测试的通知"},
                    {"文号": "衢环发(2019)98号", "标题": "关于需修改测试的通知", "发文机关": "", "成文日期": "",
                     "公开发布": "", "清理文号": "衢环发(2020)66号", "清理结果": "需修改", "序号": "4",
                     "文件名称": "关于需修改测试的通知"}],
    "ecology": [{"所有者": "某公司", "区划代码": "330802", "类别": "工程机械", "机型": "挖掘机",
                 "出厂编号": "SN-001", "燃料": "柴油", "排气烟度类别": "Ⅲ类", "识别标志编号": "QZ-0004",
                 "使用场所": "工地"},
                {"所有者": "某农场", "区划代码": "330881", "类别": "工程机械", "机型": "装载机",
                 "出厂编号": "SN-002", "燃料": "柴油", "排气烟度类别": "III类", "识别标志编号": "",
                 "使用场所": "仓库"}],
    # A decision not in the seed, and a recipient of the seed's 衢政发〔2020〕13号 (one list of
    # rows for both awards kinds: each kind reads the columns it has).
    "awards": [{"文号": "衢政发〔2021〕3号", "标题": "关于表彰的决定", "发文机关": "衢州市人民政府",
                "成文日期": "2021-02-01", "文种": "决定", "依据": "", "公开发布": "1"},
               {"文号": "衢政发〔2020〕13号", "栏目": "个人嘉奖", "奖励类别": "个人嘉奖",
                "姓名或集体": "王五", "单位": "衢州市民政局"}],
    # 姚建 (衢政干〔2020〕9号: 理事会副主任) moved up by a later notice.
    "personnel": [{"文号": "衢政干〔2020〕20号", "标题": "关于姚建同志职务任免的通知",
                   "发文机关": "衢州市人民政府", "成文日期": "2020-09-01", "顺序": "1", "姓名": "姚建",
                   "任免": "免去", "类别": "职务", "单位": "衢州市供销合作社联合社",
                   "职务或职级": "理事会副主任"},
                  {"文号": "衢政干〔2020〕20号", "标题": "关于姚建同志职务任免的通知",
                   "发文机关": "衢州市人民政府", "成文日期": "2020-09-01", "顺序": "2", "姓名": "姚建",
                   "任免": "任", "类别": "职务", "单位": "衢州市供销合作社联合社",
                   "职务或职级": "理事会主任", "试用期(月)": "12"}],
}


# Cells that must differ from what an earlier example imported (a unique number, a task
# completed once): drawn fresh, so a good row stays good after the first clean import.
FRESH = {"出厂编号": st.integers(1000, 10**6).map("SN-{}".format),
         "识别标志编号": st.one_of(st.just(""), st.integers(1000, 10**6).map("QZ-{}".format)),
         "说明": st.text(alphabet="援建资金调研报告工作", min_size=1, max_size=8),
         "任务序号": st.integers(1, 20).map(str)}


@st.composite
def near_good(draw, header: list[str], good: list[dict[str, str]]) -> list[str]:
    """A valid row laid out under ``header``, with up to two cells replaced by any cell."""
    chosen = draw(st.sampled_from(good))
    row = [draw(FRESH[column]) if column in FRESH and column in chosen else chosen.get(column, "")
           for column in header]
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 2])) if row else 0):
        row[draw(st.integers(0, len(row) - 1))] = draw(cells)
    return row


@st.composite
def files(draw, headers: list[str], good: list[dict[str, str]] | None = None) -> tuple[bytes, str]:
    """(data, filename): any bytes, or a table of some header and rows in some encoding, as
    CSV text or an XLSX workbook; with ``good`` rows, many rows are near-valid."""
    name = draw(st.sampled_from(NAMES))
    if not good and draw(st.integers(0, 4)) == 0 or good and draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400)), name
    well_formed = bool(good) and draw(st.booleans())  # the right header, a readable file
    if well_formed:
        name = draw(st.sampled_from(["f.csv", "f.CSV", "f.xlsx"]))
    header = list(headers) if well_formed else draw(st.one_of(
        st.just(list(headers)),
        st.permutations(headers).map(list),
        st.lists(st.sampled_from(headers), max_size=len(headers) + 1),
        st.lists(cells, max_size=6),
        st.just(list(headers) + ["多余"]),
    ))
    width = max(1, len(header))
    row = st.lists(cells, min_size=0, max_size=width + 1)
    if well_formed:
        row = near_good(header, good)  # mostly valid: files that import, or fail on one line
    elif good:
        row = st.one_of(row, near_good(header, good))
    rows = draw(st.lists(row, max_size=6))
    table = ([header] if well_formed or draw(st.booleans()) or not rows else []) + rows
    if name.endswith(".xlsx") and (well_formed or draw(st.booleans())):
        book = openpyxl.Workbook()
        sheet = book.active
        for row in table:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])  # not storable
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), name
    text = io.StringIO()
    csv.writer(text, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"]))).writerows(table)
    body = text.getvalue()
    if not well_formed and draw(st.booleans()):
        body = body.replace(",", draw(st.sampled_from([";", "\t", "，"])), 1)
    encoding = draw(st.sampled_from(ENCODINGS[:3] if well_formed else ENCODINGS))
    return body.encode(encoding, errors="replace"), name


def _csv(table: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(table)
    return text.getvalue().encode()


def _xlsx(table: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in table:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def explicit(run, app: str, headers: list[str], **other):
    """``run`` with explicit examples first (generation alone rarely draws them, the first
    examples being the simplest): the good rows, which import, and the good rows then a bad
    one, which must write nothing — the partial write, if any, shows here."""
    good = [[row.get(column, "") for column in headers] for row in GOOD_ROWS.get(app, [])]
    if not good:
        return run
    bad = list(good[0])
    bad[0] = "不存在的" + bad[0]
    for data, name in [(_csv([headers, *good]), "good.csv"), (_csv([headers, *good, bad]), "bad.csv"),
                       (_xlsx([headers, *good, bad]), "bad.xlsx")]:
        run = example(file=(data, name), **other)(run)
    return run


def snapshot(*labels: str) -> dict[str, int]:
    """Row counts of every model of the apps (and the audit trail): a refusal changes none."""
    tables = set(connection.introspection.table_names())  # not a test's own model
    counts = {m._meta.label: m._default_manager.count()
              for label in labels for m in apps.get_app_config(label).get_models()
              if m is not AuditEvent and m._meta.db_table in tables}
    # A superuser's every request is itself recorded (等保): not a write of the import.
    counts["audit"] = AuditEvent.objects.exclude(action=AuditEvent.Action.SUPERUSER).count()
    return counts


def clean_refusal(exc: ImportRejected) -> None:
    """A refusal names rows: at least one error, each with its line and a message."""
    assert exc.errors
    for error in exc.errors:
        assert isinstance(error, RowError)
        assert isinstance(error.line, int) and error.line >= 1
        assert str(error.message).strip()
        assert len(str(error).splitlines()) == 1, "one line per error"
        assert "Traceback" not in str(error)


def check(import_it, data: bytes, name: str, *labels: str) -> None:
    before = snapshot(*labels)
    try:
        import_it(data, name)
    except ImportRejected as exc:
        event("refused")  # --hypothesis-show-statistics: how often each path is taken
        clean_refusal(exc)
        assert snapshot(*labels) == before, "a refused file wrote something"
    else:
        event("imported")


# --- the whole-file services ------------------------------------------------------------

def _subsidies(kind):
    from apps.subsidies import imports

    return imports.HEADERS[kind] + ([imports.OPTIONAL[kind]] if kind in imports.OPTIONAL else [])


def _doctors(kind):
    from apps.doctors import imports

    return imports.HEADERS[kind] + imports.OPTIONAL.get(kind, [])


def _ecology(_kind):
    from apps.ecology import imports

    return imports.HEADERS


def _pairings(_kind):
    from apps.pairings import imports

    return imports.HEADERS


def _bizenv(_kind):
    from apps.bizenv import imports

    return imports.HEADERS


def _regulations(kind):
    from apps.regulations import imports

    return imports.HEADERS[kind]


def _awards(kind):
    from apps.awards import imports

    return imports.HEADERS[kind]


def _personnel(kind):
    from apps.personnel import imports

    return imports.HEADERS[kind]


SERVICE_KINDS = [("subsidies", k) for k in ("indices", "standards", "beneficiaries", "universities")] \
    + [("doctors", k) for k in ("doctors", "deductions", "appeals")] + [("ecology", "machinery")] \
    + [("pairings", "activities"), ("bizenv", "progress")] \
    + [("regulations", k) for k in ("documents", "campaign_results")] \
    + [("awards", "decisions"), ("awards", "recipients"), ("personnel", "items")]
# The apps whose files name what the seed gazette records (结对单位, 任务序号, 文号): without
# it every row would be refused as unknown and the clean-import path never reached.
NEEDS_GAZETTE = {"pairings", "bizenv", "regulations", "awards", "personnel"}
# Tables an app's import writes besides its own and core's (people are awards' models).
ALSO_WRITES = {"personnel": ("awards",)}


def _import(app: str, kind: str):
    if app == "subsidies":
        from apps.subsidies.imports import import_file

        return lambda data, name: import_file(kind=kind, data=data, filename=name)
    if app in ("doctors", "awards", "personnel"):
        import_file = import_module(f"apps.{app}.imports").import_file

        return lambda data, name: import_file(kind=kind, data=data, filename=name)
    if app == "regulations":
        from apps.regulations.imports import import_file as registry_import

        return lambda data, name: registry_import(kind=kind, data=data, filename=name)
    if app == "pairings":
        from apps.pairings.imports import import_file
    elif app == "bizenv":
        from apps.bizenv.imports import import_file
    else:
        from apps.ecology.imports import import_file

    return lambda data, name: import_file(data=data, filename=name)


HEADERS_OF = {"subsidies": _subsidies, "doctors": _doctors, "ecology": _ecology,
              "pairings": _pairings, "bizenv": _bizenv, "regulations": _regulations,
              "awards": _awards, "personnel": _personnel}


# The kinds that need the seed ask for ``gazette`` by name, so that they run with the session's
# one import of it (tests/conftest.py) instead of importing it again in their own transaction.
SEEDLESS_KINDS = [(a, k) for a, k in SERVICE_KINDS if a not in NEEDS_GAZETTE]
SEEDED_KINDS = [(a, k) for a, k in SERVICE_KINDS if a in NEEDS_GAZETTE]


@pytest.mark.parametrize(("app", "kind"), SEEDLESS_KINDS, ids=[f"{a}-{k}" for a, k in SEEDLESS_KINDS])
def test_any_file_is_imported_or_cleanly_refused_by_the_service(app, kind, regions):
    """As 系统 (the command's identity): the service takes the file whole or refuses it
    naming rows, and a refusal leaves every table as it was."""
    _service_property(app, kind)


@pytest.mark.parametrize(("app", "kind"), SEEDED_KINDS, ids=[f"{a}-{k}" for a, k in SEEDED_KINDS])
def test_any_file_is_imported_or_cleanly_refused_by_the_service_over_the_seed(app, kind, regions,
                                                                              gazette):
    """The same, for the kinds whose files name what the seed gazette records."""
    _service_property(app, kind)


def test_every_service_kind_is_tested_once():
    assert sorted(SEEDLESS_KINDS + SEEDED_KINDS) == sorted(SERVICE_KINDS)
    assert {a for a, _ in SEEDED_KINDS} == NEEDS_GAZETTE


def _service_property(app: str, kind: str) -> None:
    import_it = _import(app, kind)

    @PROPERTY
    @given(file=files(HEADERS_OF[app](kind), GOOD_ROWS.get(app)))
    def run(file):
        check(import_it, *file, app, "core", *ALSO_WRITES.get(app, ()))

    explicit(run, app, HEADERS_OF[app](kind))()


# --- the commands -----------------------------------------------------------------------

COMMANDS = [("pairing_import", "pairings"), ("bizenv_progress", "bizenv"),
            ("machinery_import", "ecology")]


SEEDLESS_COMMANDS = [(c, a) for c, a in COMMANDS if a not in NEEDS_GAZETTE]
SEEDED_COMMANDS = [(c, a) for c, a in COMMANDS if a in NEEDS_GAZETTE]


@pytest.mark.parametrize(("command", "app"), SEEDLESS_COMMANDS, ids=[c for c, _ in SEEDLESS_COMMANDS])
def test_any_file_given_to_the_command_is_imported_or_refused_naming_rows(
        command, app, regions, tmp_path):
    """``manage.py <command> FILE``: 导入完成 or a ``CommandError`` whose text is the refusal
    (文件有N处错误, then each 第N行), never another exception; a refusal writes nothing."""
    _command_property(command, app, tmp_path)


@pytest.mark.parametrize(("command", "app"), SEEDED_COMMANDS, ids=[c for c, _ in SEEDED_COMMANDS])
def test_any_file_given_to_the_command_is_imported_or_refused_naming_rows_over_the_seed(
        command, app, regions, tmp_path, gazette):
    """The same, for the commands whose files name what the seed gazette records."""
    _command_property(command, app, tmp_path)


def test_every_command_is_tested_once():
    assert sorted(SEEDLESS_COMMANDS + SEEDED_COMMANDS) == sorted(COMMANDS)


def _command_property(command: str, app: str, tmp_path) -> None:
    from django.core.management import CommandError, call_command

    headers = HEADERS_OF[app](None)

    @PROPERTY
    @given(file=files(headers, GOOD_ROWS[app]))
    def run(file):
        data, name = file
        path = tmp_path / name
        path.write_bytes(data)
        before = snapshot(app, "core")
        out = io.StringIO()
        try:
            call_command(command, str(path), stdout=out)
        except CommandError as exc:
            event("refused")
            lines = str(exc).splitlines()
            assert lines[0].startswith("文件有") and lines[0].endswith("未导入任何数据"), lines[0]
            assert len(lines) > 1 and all(line.startswith("第") and "行" in line for line in lines[1:])
            assert snapshot(app, "core") == before, "a refused file wrote something"
        else:
            event("imported")
            assert out.getvalue().startswith("导入完成:")

    explicit(run, app, headers)()


# --- the admin import screens -----------------------------------------------------------

def _import_admins() -> list[tuple[str, str]]:
    found = []
    for model, model_admin in admin.site._registry.items():
        if not hasattr(model_admin, "get_import_resource_classes"):
            continue
        opts = model._meta
        try:
            reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
        except NoReverseMatch:
            continue
        found.append((opts.app_label, opts.model_name))
    return sorted(found)


IMPORT_ADMINS = _import_admins()


def _headers(model_admin, request) -> list[str]:
    names = []
    for resource_class in model_admin.get_import_resource_classes(request):
        resource = resource_class()
        names += [f.column_name for f in resource.get_import_fields()]
    return names or ["x"]


def test_every_import_screen_is_covered():
    """The admin screens above are the ones offering 导入 (a new one is picked up here)."""
    assert {"regulations", "awards", "personnel", "doctors", "subsidies"} <= {a for a, _ in IMPORT_ADMINS}


@pytest.mark.parametrize(("app_label", "model_name"), IMPORT_ADMINS,
                         ids=[f"{a}-{m}" for a, m in IMPORT_ADMINS])
def test_any_file_uploaded_to_an_admin_import_screen_is_never_a_500(
        client, admin_user, rf, app_label, model_name, regions):
    """Upload (the preview) and, when the preview offers it, confirm: the answer is a page
    (a preview, a refusal with row errors, or the list after the import), never a 500 — the
    test client raises the view's exception if there is one — and a refused or previewed
    file writes nothing."""
    model = apps.get_model(app_label, model_name)
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    headers = _headers(model_admin, request)
    formats = [f().get_title().lower() for f in model_admin.get_import_formats()]
    url = reverse(f"admin:{app_label}_{model_name}_import")
    client.force_login(admin_user)
    assert client.get(url).status_code == 200  # first request: lazy group grants, not the file's

    @PROPERTY
    @given(file=files(headers))
    def run(file):
        data, name = file
        before = snapshot(app_label, "core")
        upload = io.BytesIO(data)
        upload.name = name
        fmt = "xlsx" if name.lower().endswith(".xlsx") else "csv"
        index = formats.index(fmt) if fmt in formats else 0
        response = client.post(url, {"import_file": upload, "format": str(index), "resource": "0"})
        assert response.status_code < 500
        assert b"Traceback" not in response.content
        confirm = response.context and response.context.get("confirm_form")
        if not confirm or getattr(response.context.get("result"), "has_errors", lambda: True)():
            assert snapshot(app_label, "core") == before, "a preview or refusal wrote something"
            return
        done = client.post(reverse(f"admin:{app_label}_{model_name}_process_import"),
                           dict(confirm.initial.items()), follow=True)
        assert done.status_code < 500 and b"Traceback" not in done.content

    run()


# --- the upload/ screens beside a list ----------------------------------------------------

# Tourism's two upload screens are covered by tests/tourism (issue 13 §5, the tourism helper).
UPLOAD_ELSEWHERE = {"tourism"}


def _upload_screens() -> list[tuple[str, str]]:
    found = set()
    for model in admin.site._registry:
        opts = model._meta
        try:
            reverse(f"admin:{opts.app_label}_{opts.model_name}_upload")
        except NoReverseMatch:
            continue
        found.add((opts.app_label, opts.model_name))
    return sorted(found)


UPLOAD_SCREENS = _upload_screens()
TESTED_UPLOADS = [(a, m) for a, m in UPLOAD_SCREENS if a not in UPLOAD_ELSEWHERE]


def _upload_headers(app_label: str) -> list[str]:
    if app_label == "doctors":
        from apps.doctors import imports

        return sorted({h for kind in imports.HEADERS for h in _doctors(kind)})
    return HEADERS_OF[app_label](None)


def test_every_upload_screen_is_covered():
    """The upload screens found above are the four known ones (a new one is picked up there,
    and needs its headers here)."""
    assert TESTED_UPLOADS == [("bizenv", "bizenvprogress"), ("doctors", "doctor"),
                              ("ecology", "machine"), ("pairings", "pairingactivity")]


@pytest.mark.parametrize(("app_label", "model_name"), TESTED_UPLOADS,
                         ids=[f"{a}-{m}" for a, m in TESTED_UPLOADS])
def test_any_file_uploaded_to_an_upload_screen_is_never_a_500(
        client, admin_user, app_label, model_name, gazette):
    """POST ``file`` (and doctors' ``kind``): the answer is the list after a clean import, the
    page listing each 第N行 of a refusal, or a job page (a large file goes to the worker) —
    never a 500; a refusal writes nothing."""
    url = reverse(f"admin:{app_label}_{model_name}_upload")
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    headers = _upload_headers(app_label)
    client.force_login(admin_user)
    assert client.get(url).status_code == 200  # first request: lazy group grants, not the file's

    @PROPERTY
    @given(file=files(headers, GOOD_ROWS.get(app_label)),
           kind=st.sampled_from(["doctors", "deductions", "appeals"]))
    def run(file, kind):
        data, name = file
        before = snapshot(app_label, "core")
        upload = io.BytesIO(data)
        upload.name = name
        response = client.post(url, {"file": upload, "kind": kind})
        assert response.status_code < 500
        assert b"Traceback" not in response.content
        if response.status_code == 302:
            event("imported")
            assert response.url == changelist or "/subsidies/jobs/" in response.url, response.url
            return
        assert response.status_code == 200
        assert snapshot(app_label, "core") == before, "a refused file wrote something"
        # the one import screen (core.import_admin, issue 14 §4): its result table
        result = response.context["result"]
        if result is None:  # the form itself refused (an empty file): said on the page
            assert response.context["form"].errors["import_file"]
            return
        event("refused")
        assert result.has_validation_errors()
        page = response.content.decode()
        for row in result.invalid_rows:
            assert row.number >= 1 and row.error_dict
            assert f"<td>{row.number}</td>" in page  # each bad line named on the page

    explicit(run, app_label, headers, kind="doctors")()
