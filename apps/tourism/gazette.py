"""Gazette parser: 衢政办发〔2020〕18号, the 2020 全球免费游衢州 programme (issue 15 §6)."""

from __future__ import annotations

from apps.gazette.registry import ParseResult

from . import parsing, services

NUMBERS = ["衢政办发〔2020〕18号"]


def parse_free_tour_article(article) -> ParseResult:
    """The year, every spot named in 二(一) and the dates of 三; a second import changes nothing."""
    if article.date is None:
        return ParseResult(messages=["未找到成文日期,未登记,请人工核对落款"])
    return services.programme_record(number=article.number, signed_on=article.date,
                                     parsed=parsing.parse_free_tour(article.body, article.title),
                                     source_article=article)
