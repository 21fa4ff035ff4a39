"""Durations in whole days and their percentiles, the same way on SQLite and PostgreSQL.

The database groups the durations into a histogram (how many stays lasted 0, 1, 2… days, per
group); the quantiles are read from it here, interpolated between the closest ranks like
PostgreSQL's PERCENTILE_CONT. Only a few thousand rows leave the database at any scale."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from fractions import Fraction
from itertools import accumulate

from sqlalchemy import Integer, cast, func

from crm.extensions import db

MEDIAN, P75 = Fraction(1, 2), Fraction(3, 4)


def whole_days(later, earlier):
    """SQL expression: the whole days elapsed from `earlier` to `later` (rounded down). On
    PostgreSQL date_part, a double, rather than EXTRACT, a numeric: three times quicker."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.date_part("epoch", later - earlier) / 86400), Integer)
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def percentiles(values, keys: list[str], ps=(MEDIAN, P75)) -> dict[tuple, dict]:
    """For a subquery with the columns `keys` and an integer `value`:
    {key values: {"count": n, p: quantile, ...}}."""
    group = [values.c[k] for k in keys]
    query = (db.select(*group, values.c.value, func.count())
             .group_by(*group, values.c.value).order_by(*group, values.c.value))
    histograms: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for *key, value, count in db.session.execute(query):
        histograms[tuple(key)].append((value, count))
    return {key: _quantiles(histogram, ps) for key, histogram in histograms.items()}


def _quantiles(histogram: list[tuple[int, int]], ps) -> dict:
    values = [value for value, _count in histogram]
    ends = list(accumulate(count for _value, count in histogram))  # last rank of each value

    def at(rank: int) -> int:  # the value at a 1-based rank of the sorted durations
        return values[bisect_left(ends, rank)]

    n = ends[-1]
    figures: dict = {"count": n}
    for p in ps:
        h = (n - 1) * p
        lower = int(h)
        low = at(lower + 1)
        figures[p] = float(low) if h == lower else low + (at(lower + 2) - low) * float(h - lower)
    return figures
