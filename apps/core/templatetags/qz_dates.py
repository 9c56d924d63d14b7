"""``{% load qz_dates %}`` — ``{{ appeal.decision_due|deadline:appeal.decision_due_provisional }}``
→ “2027年1月14日(暂定)”: the same text as the admin lists (``apps.core.formats``)."""

from __future__ import annotations

from django import template

from apps.core.formats import date_text

register = template.Library()


@register.filter
def deadline(day, provisional=False) -> str:
    return date_text(day, bool(provisional))
