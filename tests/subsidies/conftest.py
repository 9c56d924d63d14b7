"""Subsidy fixtures: standards for the six regions, an index helper, beneficiary maker."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from apps.core import resident_id
from apps.subsidies.models import (
    PAYING_DEPARTMENT,
    Beneficiary,
    Enrolment,
    LocalStandard,
    MonthlyIndex,
    PolicyVersion,
)

JUNE = dt.date(2020, 6, 1)
_seq = itertools.count(1)


@pytest.fixture
def policy(db) -> PolicyVersion:
    """The 2020 version loaded by the data migration (衢政办发〔2020〕20号)."""
    return PolicyVersion.objects.get(effective_from=dt.date(2020, 2, 13))


@pytest.fixture
def standards(regions) -> dict[str, LocalStandard]:
    """Standards from 2020-01: 柯城区 urban 775 / rural 775, unemployment 1620; 江山市 rural 700."""
    made = {}
    for code in ["330802", "330803", "330822", "330824", "330825", "330881"]:
        rural = Decimal("700") if code == "330881" else Decimal("775")
        made[code] = LocalStandard.objects.create(
            region=regions[code], from_month=dt.date(2020, 1, 1), urban_dibao=Decimal("775"),
            rural_dibao=rural, unemployment=Decimal("1620"))
    return made


@pytest.fixture
def set_index(db):
    def make(month: dt.date, scpi: str, food: str) -> MonthlyIndex:
        index, _ = MonthlyIndex.objects.update_or_create(
            month=month, defaults={"scpi": Decimal(scpi), "cpi_food": Decimal(food)})
        return index

    return make


@pytest.fixture
def person(regions):
    """person("330802", "urban", "dibao", "edge") → a beneficiary enrolled from 2020-01."""

    def make(code: str = "330802", residence: str = "urban", *categories: str,
             name: str | None = None, from_month: dt.date = dt.date(2020, 1, 1),
             to_month: dt.date | None = None) -> Beneficiary:
        n = next(_seq)
        number = resident_id.compose(code, dt.date(1950, 1, 1) + dt.timedelta(days=n), n)
        b = Beneficiary.objects.create(name=name or f"对象{n}", resident_id=number,
                                       region=regions[code], residence=residence)
        for category in categories or ("dibao",):
            Enrolment.objects.create(beneficiary=b, category=category, from_month=from_month,
                                     to_month=to_month, department=PAYING_DEPARTMENT[category])
        return b

    return make


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """Uploads go to a private per-test IMPORT_DIR (apps.core.uploads)."""
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR
