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
- django-import-export admin screens: every admin offering 导入 (regulations documents and
  campaign items, awards decisions and recipients, personnel appointment items, doctors,
  and the subsidy screens over the service above), found from the admin registry.
Land and grants have no import (their admins export only).

``max_examples`` is modest: the suite's time matters; each kind gets its own examples.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import string

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, Phase, given, settings
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


@st.composite
def files(draw, headers: list[str]) -> tuple[bytes, str]:
    """(data, filename): any bytes, or a table of some header and rows in some encoding, as
    CSV text or an XLSX workbook."""
    name = draw(st.sampled_from(NAMES))
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=400)), name
    header = draw(st.one_of(
        st.just(list(headers)),
        st.permutations(headers).map(list),
        st.lists(st.sampled_from(headers), max_size=len(headers) + 1),
        st.lists(cells, max_size=6),
        st.just(list(headers) + ["多余"]),
    ))
    width = max(1, len(header))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 1), max_size=6))
    table = ([header] if draw(st.booleans()) or not rows else []) + rows
    if name.endswith(".xlsx") and draw(st.booleans()):
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
    if draw(st.booleans()):
        body = body.replace(",", draw(st.sampled_from([";", "\t", "，"])), 1)
    encoding = draw(st.sampled_from(ENCODINGS))
    return body.encode(encoding, errors="replace"), name


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
        assert "Traceback" not in str(error)


def check(import_it, data: bytes, name: str, *labels: str) -> None:
    before = snapshot(*labels)
    try:
        import_it(data, name)
    except ImportRejected as exc:
        clean_refusal(exc)
        assert snapshot(*labels) == before, "a refused file wrote something"


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


SERVICE_KINDS = [("subsidies", k) for k in ("indices", "standards", "beneficiaries", "universities")] \
    + [("doctors", k) for k in ("doctors", "deductions", "appeals")] + [("ecology", "machinery")]


def _import(app: str, kind: str):
    if app == "subsidies":
        from apps.subsidies.imports import import_file

        return lambda data, name: import_file(kind=kind, data=data, filename=name)
    if app == "doctors":
        from apps.doctors.imports import import_file

        return lambda data, name: import_file(kind=kind, data=data, filename=name)
    from apps.ecology.imports import import_file

    return lambda data, name: import_file(data=data, filename=name)


HEADERS_OF = {"subsidies": _subsidies, "doctors": _doctors, "ecology": _ecology}


@pytest.mark.parametrize(("app", "kind"), SERVICE_KINDS, ids=[f"{a}-{k}" for a, k in SERVICE_KINDS])
def test_any_file_is_imported_or_cleanly_refused_by_the_service(app, kind, regions):
    """As 系统 (the command's identity): the service takes the file whole or refuses it
    naming rows, and a refusal leaves every table as it was."""
    import_it = _import(app, kind)

    @PROPERTY
    @given(file=files(HEADERS_OF[app](kind)))
    def run(file):
        check(import_it, *file, app, "core")

    run()


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
