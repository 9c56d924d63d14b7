"""Money: yuan as ``Decimal``, one rounding rule for the whole system."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal:
    """Convert user or file input to ``Decimal`` without passing through float."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a str or Decimal")
    return Decimal(str(value).strip())


def round_money(amount: Decimal | int | str, unit: Decimal | str = CENT) -> Decimal:
    """Round half-up to a multiple of ``unit`` (0.01 yuan by default; 1 or 0.1 allowed).

    The single rounding rule for amounts paid out (衢政办发〔2020〕20号 rolls are in yuan
    to the cent unless a policy version sets another unit).
    """
    amount = to_decimal(amount)
    unit = to_decimal(unit)
    if unit <= 0:
        raise ValueError("rounding unit must be positive")
    steps = (amount / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (steps * unit).quantize(unit)
