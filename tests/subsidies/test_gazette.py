"""衢政办发〔2020〕20号 in the seed gazette: its printed parameters match the policy version."""

import datetime as dt
from decimal import Decimal

from apps.gazette.models import Article
from apps.subsidies import gazette
from apps.subsidies.models import PolicyVersion


def test_parameters_read_from_the_real_text(imported_gazette):
    article = Article.objects.get(number="衢政办发〔2020〕20号")
    found, missing = gazette.read_parameters(article.body)
    assert missing == []
    assert found == {
        "scpi_threshold": Decimal("3"), "food_threshold": Decimal("6"),
        "minimum_rate": Decimal("3"), "multiplier": Decimal("2"), "floor": Decimal("18"),
        "edge_ratio": Decimal("0.5"), "university_ratio": Decimal("0.5"),
        "effective_from": dt.date(2020, 2, 13),
    }


def test_import_agrees_with_the_migrated_version_and_is_idempotent(imported_gazette):
    article = Article.objects.get(number="衢政办发〔2020〕20号")
    result = gazette.parse_policy(article)
    assert (result.created, result.updated, result.messages) == (0, 0, [])
    assert PolicyVersion.objects.count() == 1


def test_missing_version_is_created_from_the_text(imported_gazette):
    PolicyVersion.objects.all().delete()
    article = Article.objects.get(number="衢政办发〔2020〕20号")
    assert gazette.parse_policy(article).created == 1
    assert gazette.parse_policy(article).created == 0
    assert PolicyVersion.objects.get().floor == Decimal("18")


def test_a_differing_version_is_reported_not_overwritten(imported_gazette):
    PolicyVersion.objects.update(floor=Decimal("20"))
    article = Article.objects.get(number="衢政办发〔2020〕20号")
    messages = gazette.parse_policy(article).messages
    assert any("每人每月最低金额" in m and "请核对" in m for m in messages)
    assert PolicyVersion.objects.get().floor == Decimal("20")
