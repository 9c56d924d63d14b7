"""Bad input at volume for the tourism imports (issue 15 Common, following
tests/core/test_import_properties.py): ``tourism_import closures|settlements`` and their
整表上传 admin screens, fed any bytes, any CSV shape, any encoding, CSV or XLSX, end in a
clean import or a clean refusal naming rows — never another exception, never a 500 through
the admin, never a partial write."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.tourism import imports
from apps.tourism.models import SpotClosure, SpotSettlement
from tests.core import test_import_properties as core

pytestmark = pytest.mark.django_db

# Cells that reach the row checks: printed spot names (core, other, unknown), years, dates,
# amounts and ratios in and out of range; the rest is any text (core.cells).
PLAUSIBLE = ["烂柯山", "江郎山", "江郎山景区", "水亭门", "不存在景区", "2020", "2019", "2021", "20",
             "2020-02-01", "2020-02-03", "2020/3/1", "2020年3月1日", "2020-02-30", "2019-12-31",
             "0", "1", "0.5", "0.12345", "1.5", "-1", "1,000.00", "100.001", "1e3", "NaN", ""]
cells = st.one_of(st.sampled_from(PLAUSIBLE), core.cells)


@st.composite
def files(draw, headers):
    """The core generator, but with tourism's plausible cells in a well-formed table half the time."""
    if draw(st.booleans()):
        return draw(core.files(headers))
    rows = draw(st.lists(st.lists(cells, min_size=len(headers), max_size=len(headers)),
                         min_size=1, max_size=5))
    text = io.StringIO()
    csv.writer(text).writerows([headers, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    return text.getvalue().encode(encoding, errors="replace"), draw(st.sampled_from(["f.csv", "f.txt"]))


KINDS = sorted(imports.KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_any_file_is_imported_or_cleanly_refused(kind, programme):
    """As 系统 (the command's identity): all or nothing; a refusal names its rows."""

    @core.PROPERTY
    @given(file=files(imports.KINDS[kind]))
    def run(file):
        core.check(lambda data, name: imports.import_file(kind=kind, data=data, filename=name),
                   *file, "tourism", "core")

    run()


@pytest.mark.parametrize(("kind", "model"), [("closures", SpotClosure), ("settlements", SpotSettlement)])
def test_any_file_uploaded_through_the_admin_is_never_a_500(kind, model, programme, client, wenlv):
    """The 整表上传 screen answers a page (the refusal with 第N行) or the list after the
    import — never a 500 (the test client re-raises the view's exception) — and a refusal
    writes nothing."""
    url = reverse(f"admin:tourism_{model._meta.model_name}_upload")
    client.force_login(wenlv)
    assert client.get(url).status_code == 200

    @core.PROPERTY
    @given(file=files(imports.KINDS[kind]))
    def run(file):
        data, name = file
        before = core.snapshot("tourism", "core")
        upload = io.BytesIO(data)
        upload.name = name
        response = client.post(url, {"file": upload})
        assert response.status_code in (200, 302) and b"Traceback" not in response.content
        if response.status_code == 200:  # refused (第N行 listed) or an empty upload: nothing written
            assert b'id="import-errors"' in response.content or not data
            assert core.snapshot("tourism", "core") == before

    run()
