"""Issue 11 §3: bounded uploads — size, rows, an XLSX unzipped, one cell; clear Chinese
messages, never a 500 and never a request held for minutes."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from apps.core.tabular import ImportRejected, read_rows

HEADERS = ["姓名", "区划代码"]


def _csv(*rows: str) -> bytes:
    return ("姓名,区划代码\n" + "\n".join(rows) + "\n").encode("utf-8")


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportRejected) as refused:
        read_rows(_csv(*["张三,330802"] * 20), "b.csv", HEADERS)
    assert "超过" in refused.value.report() and "上限" in refused.value.report()


def test_rows_over_the_limit_are_refused_before_the_rest_is_read(settings):
    settings.IMPORT_MAX_ROWS = 3
    assert len(read_rows(_csv(*["张三,330802"] * 3), "b.csv", HEADERS)) == 3
    with pytest.raises(ImportRejected, match="1处错误") as refused:
        read_rows(_csv(*["张三,330802"] * 4), "b.csv", HEADERS)
    assert "3行数据的上限" in refused.value.report()


def test_an_xlsx_that_unzips_too_large_is_refused(settings):
    book = Workbook()
    for _ in range(200):
        book.active.append(["张三" * 10, "330802"])
    buffer = io.BytesIO()
    book.save(buffer)
    settings.IMPORT_MAX_XLSX_UNPACKED = 5000
    with pytest.raises(ImportRejected) as refused:
        read_rows(buffer.getvalue(), "b.xlsx", HEADERS)
    assert "解压后" in refused.value.report()


def test_a_long_cell_is_a_bad_row_naming_line_and_column():
    with pytest.raises(ImportRejected) as refused:
        read_rows(_csv("张三,330802", "李" * 1001 + ",330802"), "b.csv", HEADERS)
    assert str(refused.value.errors[0]) == "第3行“姓名”列:内容超过1000个字符"


def test_a_128_kib_field_is_refused_not_a_server_error():
    with pytest.raises(ImportRejected, match="1处错误"):
        read_rows(_csv("张三,330802", "x" * 131_073 + ",330802"), "b.csv", HEADERS)


@pytest.mark.django_db
def test_an_oversized_request_is_refused_before_it_is_read(client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = client.generic("POST", "/admin/subsidies/beneficiary/import/", "x" * (2 * 1024 * 1024),
                              content_type="application/octet-stream")
    assert response.status_code == 413
    assert "上限" in response.content.decode()
