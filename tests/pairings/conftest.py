"""The plan of 衢政办发〔2020〕17号 read from the seed text alone (the article, not the whole
gazette import): the report and import tests need only this document."""

from __future__ import annotations

import pytest

NUMBER = "衢政办发〔2020〕17号"


@pytest.fixture
def plan(db, gazette_text):
    from apps.gazette.parsing import parse_articles
    from apps.pairings import parsing, services
    from apps.pairings.models import PairingPlan

    article = next(a for a in parse_articles(gazette_text.splitlines()) if str(a.number) == NUMBER)
    services.plan_record(number=NUMBER, title=article.title, signed_on=article.date,
                         parsed=parsing.parse_plan(article.body))
    return PairingPlan.objects.get(number=NUMBER)


@pytest.fixture
def zhb(make_staff):
    """市援疆指挥部 staff (市府办, city level)."""
    return make_staff("zhb", "市府办")
