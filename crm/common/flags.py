"""A set of small choices (themes, SDGs) stored as one integer bitmask.

Filtering "has theme X" is `column.op("&")(bit) != 0`, portable to SQLite and PostgreSQL,
and needs no association table per set.
"""

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class FlagSet(TypeDecorator):
    """Stores a set of values from a fixed, ordered list; bit i stands for values[i]."""

    impl = sa.BigInteger
    cache_ok = True

    def __init__(self, values: Sequence, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.values = tuple(values)

    def process_bind_param(self, value: Iterable | None, dialect) -> int:
        return bits_of(self.values, value or ())

    def process_result_value(self, value: int | None, dialect) -> set:
        value = value or 0
        return {v for i, v in enumerate(self.values) if value & (1 << i)}

    def bit(self, value) -> int:
        return 1 << self.values.index(value)


def bits_of(values: Sequence, chosen: Iterable) -> int:
    mask = 0
    for item in chosen:
        mask |= 1 << values.index(item)
    return mask


def has_flag(column, value):
    """SQL condition: the set stored in `column` contains `value`."""
    return has_any_flag(column, [value])


def has_any_flag(column, values: Iterable):
    """SQL condition: the set stored in `column` holds at least one of `values`; one mask, so
    "water or health" costs what "water" does."""
    mask = sa.literal(bits_of(column.type.values, values), type_=sa.BigInteger())
    return column.op("&", return_type=sa.BigInteger())(mask) != 0
