"""Gazette parsers: 衢政通〔2020〕1号 (禁用区) and 衢环发〔2020〕73号 附件1 (issue 15 §2–§3).

73号's repeal clause stays with ``regulations.repeals``; this parser reads its list."""

from __future__ import annotations

from apps.gazette.registry import ParseResult

from . import parsing, services

ZONE_NUMBERS = ["衢政通〔2020〕1号"]
LIST_NUMBERS = ["衢环发〔2020〕73号"]


def parse_zone_article(article) -> ParseResult:
    if article.date is None:
        return ParseResult(messages=["未找到成文日期,未登记,请人工核对落款"])
    return services.zone_record(number=article.number, title=article.title, signed_on=article.date,
                                parsed=parsing.parse_zone(article.body), source_article=article)


def parse_list_article(article) -> ParseResult:
    if article.date is None:
        return ParseResult(messages=["未找到成文日期,未登记,请人工核对落款"])
    return services.list_record(number=article.number, title=article.title, signed_on=article.date,
                                parsed=parsing.parse_list(article.body), source_article=article)
