"""No resident ID number in a log line (issue 11 §4, PIPL): request logs (runserver's
``django.server``, ``django.request``, gunicorn's access log through the root logger) show
an 18-character ID as its lookup digest prefix instead."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

# 17 digits and a check character, not inside a longer run of digits.
_ID = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")


def scrub(text: str) -> str:
    """``text`` with every resident-ID-shaped number replaced by ``ID#<digest prefix>``."""
    from .resident_id import digest

    def replace(found: re.Match) -> str:
        try:
            return f"ID#{digest(found.group(0).upper())[:12]}"
        except Exception:  # noqa: BLE001 - a log line never fails over a bad key
            return "ID#***"

    return _ID.sub(replace, unquote(text) if "%" in text else text)


class ResidentIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
