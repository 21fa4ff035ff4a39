"""Durations and percentiles computed by the database, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from sqlalchemy import func, or_

from crm.extensions import db

MEDIAN, P75 = Fraction(1, 2), Fraction(3, 4)


def days_between(later, earlier):
    """SQL expression: the days (with fractions) from `earlier` to `later`."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def _position(count, p: Fraction):
    """1-based rank of the lower neighbour of the p-quantile: floor((n - 1) * p) + 1, in
    integer arithmetic (integer division truncates on both engines)."""
    return (count - 1) * p.numerator // p.denominator + 1


def percentiles(values, keys: list[str], ps=(MEDIAN, P75)) -> dict[tuple, dict]:
    """For a subquery with the columns `keys` and `value`: {key values: {"count": n, p: x}},
    x interpolated linearly between the closest ranks (PERCENTILE_CONT). Only the few rows
    around each quantile leave the database."""
    partition = [values.c[k] for k in keys]
    ranked = db.select(*partition, values.c.value,
                       func.row_number().over(partition_by=partition,
                                              order_by=values.c.value).label("rn"),
                       func.count().over(partition_by=partition).label("n")).subquery()
    near = [ranked.c.rn.between(_position(ranked.c.n, p), _position(ranked.c.n, p) + 1)
            for p in ps]
    rows = db.session.execute(db.select(ranked).where(or_(*near)))
    ranks: dict[tuple, dict] = defaultdict(dict)
    counts: dict[tuple, int] = {}
    for row in rows:
        key = tuple(row[:len(keys)])
        ranks[key][row.rn] = float(row.value)
        counts[key] = row.n
    return {key: {"count": counts[key], **{p: _interpolate(ranks[key], counts[key], p)
                                           for p in ps}} for key in ranks}


def _interpolate(by_rank: dict[int, float], n: int, p: Fraction) -> float:
    h = (n - 1) * p
    lower = int(h)
    value = by_rank[lower + 1]
    if h == lower:
        return value
    return value + (by_rank[lower + 2] - value) * float(h - lower)
