"""Export → import round trip of the appointment items (issue 14 §4, review finding 2): the
admin export's file imported back changes nothing; a row that really differs from a
published item (issue 9 §4: never edited) is refused naming the column that differs."""

import pytest

from apps.core.tabular import ImportRejected
from apps.personnel import imports
from apps.personnel.models import AppointmentItem

pytestmark = pytest.mark.django_db

FIELDS = ["number", "title_", "issuing_body", "date", "order", "name", "action", "kind", "unit",
          "post", "probation", "probation_until", "election"]


def export(client, fmt: str) -> bytes:
    response = client.post("/admin/personnel/appointmentitem/export/",
                           {"format": fmt, "resource": "0",
                            **{f"appointmentitemresource_{f}": "on" for f in FIELDS}})
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content


@pytest.mark.parametrize(("fmt", "name"), [("0", "items.csv"), ("1", "items.xlsx")])
def test_an_unchanged_export_imports_back_as_a_no_op(gazette, admin_client, shifuban_user,
                                                     fmt, name):
    items = AppointmentItem.objects.count()
    before = list(AppointmentItem.objects.order_by("pk").values())
    data = export(admin_client, fmt)
    outcome = imports.import_file(data=data, filename=name, actor=shifuban_user)
    # The seed gazette's 任免 notices list their items; every one comes back 未变.
    assert (outcome.rows, outcome.created, outcome.updated, outcome.unchanged) == (
        items, 0, 0, items)
    assert outcome.messages == []
    assert list(AppointmentItem.objects.order_by("pk").values()) == before


def test_a_row_differing_from_a_published_item_names_its_column(gazette, admin_client,
                                                                shifuban_user):
    lines = export(admin_client, "0").decode("utf-8-sig").splitlines()
    yao = next(i for i, line in enumerate(lines) if ",姚建," in line)
    cells = lines[yao].split(",")
    # 衢政干〔2020〕9号 made 姚建 理事会副主任; the file says 理事会主任.
    assert cells[9] == "理事会副主任"
    cells[9] = "理事会主任"
    lines[yao] = ",".join(cells)
    with pytest.raises(ImportRejected) as refused:
        imports.import_file(data="\n".join(lines).encode(), filename="items.csv",
                            actor=shifuban_user)
    assert [(e.line, e.column) for e in refused.value.errors] == [(yao + 1, "职务或职级")]
    assert "理事会副主任" in refused.value.errors[0].message
