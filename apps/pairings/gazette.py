"""Gazette parser: 衢政办发〔2020〕17号, the 援疆 pairings and their targets (issue 15 §5).

The registry's own parser (``regulations.own``) registers the document itself; this one
reads its content."""

from __future__ import annotations

from apps.gazette.registry import ParseResult

from . import parsing, services

NUMBERS = ["衢政办发〔2020〕17号"]


def parse_pairings_article(article) -> ParseResult:
    """Every 附件 row and its targets as printed; a second import changes nothing."""
    if article.date is None:
        return ParseResult(messages=["未找到成文日期,未登记,请人工核对落款"])
    return services.plan_record(number=article.number, title=article.title, signed_on=article.date,
                                parsed=parsing.parse_plan(article.body), source_article=article)
