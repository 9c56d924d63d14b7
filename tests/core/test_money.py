from decimal import Decimal

import pytest

from apps.core.money import round_money


@pytest.mark.parametrize("amount,unit,expected", [
    ("17.995", "0.01", "18.00"),
    ("17.994", "0.01", "17.99"),
    ("0.005", "0.01", "0.01"),
    ("12.5", "1", "13"),
    ("12.45", "0.1", "12.5"),
    ("-2.5", "1", "-3"),
])
def test_half_up_to_the_unit(amount, unit, expected):
    assert round_money(Decimal(amount), Decimal(unit)) == Decimal(expected)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        round_money(1.1)


def test_unit_must_be_positive():
    with pytest.raises(ValueError):
        round_money(Decimal("1"), Decimal("0"))
