"""Issue 14 §4: one row checker for the whole-file imports (``apps.core.tabular.RowChecker``):
the file-wide and the row-bound reads are the same code, and the file is refused with every
bad cell, in line order (issue 3 §4: any error → nothing imported)."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.core.tabular import ImportRejected, RowChecker


def test_one_checker_reads_cells_and_refuses_the_file_with_every_bad_cell():
    check = RowChecker()
    row = {"金额": "1,234.50", "日期": "2020/06/07", "名称": " "}
    assert check.decimal(3, row, "金额") == Decimal("1234.50")
    assert check.date(3, row, "日期") == dt.date(2020, 6, 7)
    assert check.text(3, row, "名称") is None  # blank: a bad cell
    bound = check.row(2, {"金额": "-1", "日期": "2020-13-01"})
    assert bound.ok
    assert bound.decimal("金额") is None and bound.date("日期") is None and not bound.ok
    assert check.decimal(5, {"金额": "0.125"}, "金额") is None  # at most two decimals
    seen: dict = {}
    assert not check.duplicate(seen, "k", 2, "名称", "同名")
    assert check.duplicate(seen, "k", 4, "名称", "同名")
    with pytest.raises(ImportRejected) as refused:
        check.finish()
    assert [str(e) for e in refused.value.errors] == [
        "第2行“日期”列:“2020-13-01”不是有效日期(应为YYYY-MM-DD)",
        "第2行“金额”列:不能为负数(“-1”)",
        "第3行“名称”列:不能为空",
        "第4行“名称”列:与第2行重复(同名)",
        "第5行“金额”列:“0.125”最多两位小数",
    ]


def test_a_clean_file_passes():
    check = RowChecker()
    assert check.row(2, {"名称": "柯城区"}).text("名称") == "柯城区"
    check.finish()  # nothing bad: no refusal
    assert check.errors == []
