"""Reading notices whose tables and sentences are broken by the gazette's page breaks."""

from __future__ import annotations

import datetime as dt

from apps.regulations import parsing
from apps.regulations.models import Outcome

NOTICE = """根据《浙江省行政规范性文件管理办法》(省政府令第372号)要求,本次清理共计3件,决定继续保留2件、废止1件。

本通知自2020年7月1日起施行。

继续有效的规范性文件目录(共 2 件)

序号\t文件名称\t文号
1\t关于印发《衢州市某某
\n
管理办法》的通知\t衢市监综[2019] 7 号
2\t关于某事的通知\t衢市监综〔2019〕8号

废止的规范性文件目录(共1件)

序号\t文件名称\t文号
1\t关于另一事的通知继续有效\t衢市监综〔2015〕1号
"""


def test_a_row_broken_by_a_page_is_rejoined():
    text = parsing.parse_campaign(NOTICE)
    assert text.announced == {"total": 3, "continue": 2, "repeal": 1}
    assert text.heading_counts == {"continue": 2, "repeal": 1}
    assert text.effective_date == dt.date(2020, 7, 1)
    first = text.items[0]
    assert (first.outcome, first.position, first.title) == (
        Outcome.CONTINUE, 1, "关于印发《衢州市某某管理办法》的通知")
    assert (str(first.number), first.number_as_printed) == ("衢市监综〔2019〕7号", "衢市监综[2019] 7 号")
    assert [i.outcome for i in text.items] == [Outcome.CONTINUE, Outcome.CONTINUE, Outcome.REPEAL]
    assert text.problems == []


def test_stray_heading_words_are_split_off_a_title():
    assert parsing.stray_words("关于另一事的通知继续有效") == ("关于另一事的通知", "继续有效")
    assert parsing.stray_words("关于某事的通知") == ("关于某事的通知", "")


def test_repeal_clause_named_by_number_in_a_sentence_broken_across_lines():
    body = "本办法自2021年1月1日起施行。原《衢州市人民政府关于\n\n某事的通知》(衢政发[2015] 3 号)同时废止。"
    assert parsing.effective_date(body) == dt.date(2021, 1, 1)
    [clause] = parsing.parse_repeal_clauses(body)
    assert str(clause.number) == "衢政发〔2015〕3号"
    assert clause.title == "衢州市人民政府关于某事的通知"
    assert clause.issuer == "衢州市人民政府"
