"""Gazette parser: 衢政发〔2020〕16号, the city districts' land compensation (issue 15 §1)."""

from __future__ import annotations

from apps.gazette.registry import ParseResult

from . import parsing, services

NUMBERS = ["衢政发〔2020〕16号"]


def parse_policy_article(article) -> ParseResult:
    """Zones, prices and fund rates as printed; a second import changes nothing."""
    if article.date is None:
        return ParseResult(messages=["未找到成文日期,未登记,请人工核对落款"])
    return services.policy_record(number=article.number, title=article.title,
                                  signed_on=article.date, parsed=parsing.parse_policy(article.body),
                                  source_article=article)
