"""Regulations fixtures: the registry as the session's one seed import left it."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.regulations.models import NormativeDocument
from apps.regulations.selectors import standing_on

MARKET = "衢市监规〔2020〕1号"
ECOLOGY = "衢环发〔2020〕66号"


@pytest.fixture
def only_regulation_parsers(monkeypatch):
    """Run only this app's gazette parsers (the other apps' parsers make a full import slow):
    for a test's own import, after the session seed (all parsers) is in place."""
    from apps.gazette import registry as gazette_registry

    # regulations.own (issue 15 §8) has its own tests (test_own_documents.py).
    mine = {k: v for k, v in gazette_registry._parsers.items()
            if k.startswith("regulations.") and k != "regulations.own"}
    assert set(mine) == {"regulations.campaigns", "regulations.repeals"}
    monkeypatch.setattr(gazette_registry, "_parsers", mine)


@pytest.fixture
def registry(seed_gazette):
    """The seed gazette as imported once per session with every parser (tests/conftest.py
    ``_session_seed``; each test's changes are rolled back): the report of that import."""
    return seed_gazette


@pytest.fixture
def status_of():
    """status_of("衢政发〔2011〕97号", "2020-06-09") → "repealed"."""

    def status(number: str, on: str) -> str | None:
        doc = NormativeDocument.objects.get(number=number)
        return standing_on(doc, dt.date.fromisoformat(on)).status

    return status


def csv_bytes(*rows: list[str]) -> bytes:
    """A staff CSV file (UTF-8): the header row, then the data rows (header = 第1行)."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")
