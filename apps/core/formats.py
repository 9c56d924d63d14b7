"""Staff-facing dates (issue 12): one formatter for every page and message naming a deadline.

“2027年1月14日”, and “2027年1月14日(暂定)” when a year without an official holiday schedule
decided it (apps.core.workdays) — the appeals list, the doctor page and the notices alike.
"""

from __future__ import annotations

import datetime as dt

PROVISIONAL_LABEL = "暂定"


def date_text(day: dt.date | None, provisional: bool = False) -> str:
    """“2027年1月14日” or “2027年1月14日(暂定)”; no date → “—”."""
    if day is None:
        return "—"
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}({PROVISIONAL_LABEL})" if provisional else text
