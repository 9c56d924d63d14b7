"""``{% load money %}`` — amounts for people: ``{{ amount|yuan }}`` → ``¥1,117.20``.

One filter for every page (issue 12 §3): yuan to the cent with thousands separators, the
sign before the symbol for a correction (``-¥5.40``), rounded by the system's one rule
(``apps.core.money.round_money``); an empty value shows as ``—``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from apps.core.money import round_money

register = template.Library()


def format_yuan(value) -> str:
    """``Decimal("1117.2")`` / ``"1117.20000000000"`` → ``¥1,117.20``; None or "" → ``—``."""
    if value is None or value == "":
        return "—"
    try:
        amount = round_money(value if isinstance(value, Decimal) else str(value))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def yuan(value) -> str:
    return format_yuan(value)
