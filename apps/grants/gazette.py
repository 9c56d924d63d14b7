"""Gazette parser: 衢政办发〔2020〕16号, the adjusted innovation grants (issue 15 §4)."""

from __future__ import annotations

from apps.gazette.registry import ParseResult

from . import parsing, services

NUMBERS = ["衢政办发〔2020〕16号"]


def parse_grants_article(article) -> ParseResult:
    """Every item of 二 as printed, with its 施行 event; a second import changes nothing."""
    if article.date is None:
        return ParseResult(messages=["未找到成文日期,未登记,请人工核对落款"])
    return services.items_record(number=article.number, signed_on=article.date,
                                 parsed=parsing.parse_grants(article.body), source_article=article)
