"""Gazette parsers: the commendation decisions 衢政发〔2020〕12–15号 (DOMAIN §1)."""

from __future__ import annotations

from apps.gazette.registry import ParseResult

from . import parsing, selectors, services
from .models import Decision

NUMBERS = ["衢政发〔2020〕12号", "衢政发〔2020〕13号", "衢政发〔2020〕14号", "衢政发〔2020〕15号"]


def parse_decision_article(article) -> ParseResult:
    """Record the decision, every section with its declared count, and every recipient.

    Idempotent: records are keyed by number and position, so a second import changes nothing.
    Declared counts that differ from the listed recipients are reported, not hidden.
    """
    if article.date is None:
        return ParseResult(messages=["未找到成文日期,未登记,请人工核对落款"])
    parsed = parsing.parse_decision(article.body)
    outcome = services.ParseResult(messages=list(parsed.problems))
    kind = Decision.Kind.CIRCULAR if article.kind == "通报" else Decision.Kind.DECISION
    decision = services.decision_record(
        number=article.number, title=article.title, issuing_body=article.issuing_body,
        date=article.date, public=article.public, kind=kind, basis=parsed.basis,
        source_article=article, outcome=outcome)
    services.decision_sections_record(decision=decision, parsed=parsed, outcome=outcome)
    for line in selectors.reconciliation(decision=decision):
        if not line.matches:
            outcome.messages.append(line.message)
    return ParseResult(created=outcome.created, updated=outcome.updated,
                       messages=outcome.messages)
