"""Exact amounts: stored as whole centimes (integers) on every engine, read as Decimal.

SQLite has no decimal type (it would keep a float), so a NUMERIC column is not exact there;
integers are, and SUM() over them is exact too.
"""

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


class Centimes(TypeDecorator):
    """A Decimal with two decimal places, stored as an integer number of hundredths."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)


def to_decimal(value) -> Decimal:
    """A form or file value as an amount with two decimal places."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)
