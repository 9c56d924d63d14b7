"""Gazette parser: 衢政办发〔2020〕21号, the 2020 营商环境 plan (issue 15 §7)."""

from __future__ import annotations

from apps.gazette.registry import ParseResult

from . import parsing, services

NUMBERS = ["衢政办发〔2020〕21号"]


def parse_plan_article(article) -> ParseResult:
    """Every task, indicator, lead line and sub-task as printed; a second import changes nothing."""
    if article.date is None:
        return ParseResult(messages=["未找到成文日期,未登记,请人工核对落款"])
    return services.plan_record(number=article.number, signed_on=article.date,
                                parsed=parsing.parse_plan(article.body), source_article=article)
