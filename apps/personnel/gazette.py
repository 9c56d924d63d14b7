"""Gazette parsers: 衢政干〔2020〕9号, 衢政办干〔2020〕5号 (items) and 衢政办发〔2020〕19号 (duties)."""

from __future__ import annotations

from apps.gazette.registry import ParseResult

from . import parsing, services

NOTICES = ["衢政干〔2020〕9号", "衢政办干〔2020〕5号"]
DIVISIONS = ["衢政办发〔2020〕19号"]


def parse_notice_article(article) -> ParseResult:
    """Record the notice and every item in order; idempotent (keyed by number and position)."""
    if article.date is None:
        return ParseResult(messages=["未找到成文日期,未登记,请人工核对落款"])
    parsed = parsing.parse_notice(article.body)
    outcome = services.ParseResult(messages=list(parsed.problems))
    notice = services.notice_record(
        number=article.number, title=article.title, issuing_body=article.issuing_body,
        date=article.date, public=article.public, source_article=article, outcome=outcome)
    services.notice_items_record(notice=notice, parsed=parsed, outcome=outcome)
    return ParseResult(created=outcome.created, updated=outcome.updated, messages=outcome.messages)


def parse_division_article(article) -> ParseResult:
    """Record every leader of the duty division with titles, duties and offices."""
    if article.date is None:
        return ParseResult(messages=["未找到成文日期,未登记,请人工核对落款"])
    duties = parsing.parse_duties(article.body)
    outcome = services.duty_division_record(
        number=article.number, title=article.title, issuing_body=article.issuing_body,
        date=article.date, public=article.public, duties=duties, source_article=article)
    if not duties:
        outcome.messages.append("未找到领导分工")
    return ParseResult(created=outcome.created, updated=outcome.updated, messages=outcome.messages)
