"""Machine files: XLSX reads like CSV; an export has the import's own headers and labels."""

import io

import pytest
from openpyxl import Workbook

from apps.core.tabular import ImportRejected
from apps.ecology import imports
from apps.ecology.models import Machine
from apps.ecology.resources import MachineResource

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_import_and_export_round_trip(db):
    data = xlsx([imports.HEADERS,
                 ["某公司", "330881", "农业机械", "拖拉机", "TX-1", "柴油", "III类", None, "农场"]])
    assert imports.import_file(data=data, filename="m.xlsx") == {"登记": 1}
    machine = Machine.objects.get(serial_number="TX-1")
    assert machine.smoke_class == Machine.Smoke.III and machine.region.name == "江山市"
    exported = MachineResource().export()
    assert exported.headers == imports.HEADERS
    assert list(exported[0]) == ["某公司", "330881", "农业机械", "拖拉机", "TX-1", "柴油", "Ⅲ类", "", "农场"]
    # The exported file read back by the same validation: every number is already registered.
    with pytest.raises(ImportRejected) as caught:
        imports.import_file(data=exported.csv.encode(), filename="again.csv")
    assert [str(e) for e in caught.value.errors] == ["第2行“出厂编号”列:“TX-1”已登记"]


def test_wrong_header_is_line_one(db):
    with pytest.raises(ImportRejected) as caught:
        imports.import_file(data="所有者,区划\n".encode(), filename="m.csv")
    assert str(caught.value.errors[0]).startswith("第1行")
