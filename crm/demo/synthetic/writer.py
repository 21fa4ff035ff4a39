"""Bulk writing: ids chosen ahead, rows inserted in batches with SQLAlchemy Core executemany
(COPY on PostgreSQL).

Rows are written through lightweight tables (`sa.table`) whose columns carry the *stored*
types: the TypeDecorators are left out on purpose. Inserting through the mapped tables would run
every value through them: `Centimes` multiplies by 100 (an integer of centimes given to it would
be stored a hundred times too large), `FlagSet` wants a set, not its bitmask, and `enum_type`
validates each string. Here money and figures are given as integer centimes, themes and SDGs
as their bitmasks, enums as their `.value` strings: what the columns hold. Dates and times keep
their own types, so that SQLite stores them exactly as the application does.
"""

from collections.abc import Iterable, Iterator
from enum import Enum
from itertools import islice
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from crm.extensions import db

BATCH_SIZE = 10_000


class Progress(Protocol):
    """What the command line shows while rows are written (one bar per step)."""

    def start(self, label: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def finish(self) -> None:
        pass


def _stored_type(column: sa.Column):
    if isinstance(column.type, TypeDecorator):
        return column.type.impl_instance
    if isinstance(column.type, sa.Enum):
        return sa.String(column.type.length)
    return column.type


def _has_plain_default(column: sa.Column) -> bool:
    return column.default is not None and (column.default.is_scalar
                                           or column.default.is_callable)


def _stored_default(column: sa.Column, dialect):
    """The column's Python-side default as the database holds it."""
    default = column.default
    value = default.arg(None) if default.is_callable else default.arg
    if isinstance(column.type, TypeDecorator):
        return column.type.process_bind_param(value, dialect)
    return value.value if isinstance(value, Enum) else value


class BulkWriter:
    """Writes rows in batches, hands out ids, counts rows per table, reports progress."""

    def __init__(self, progress: Progress | None = None, batch_size: int = BATCH_SIZE):
        self.progress = progress or NoProgress()
        self.batch_size = batch_size
        self.dialect = db.session.get_bind().dialect
        self.counts: dict[str, int] = {}
        self._next_id: dict[str, int] = {}
        self._tables: dict[str, tuple[sa.TableClause, dict]] = {}

    def _raw(self, table: sa.Table) -> tuple[sa.TableClause, dict]:
        if table.name not in self._tables:
            raw = sa.table(table.name, *[sa.column(c.name, _stored_type(c))
                                         for c in table.columns])
            defaults = {c.name: _stored_default(c, self.dialect) for c in table.columns
                        if _has_plain_default(c)}
            self._tables[table.name] = (raw, defaults)
        return self._tables[table.name]

    def reserve(self, table: sa.Table, count: int) -> int:
        """The first of `count` consecutive new ids of `table` (after its current max(id))."""
        if table.name not in self._next_id:
            current = db.session.scalar(sa.select(sa.func.max(table.c.id)))
            self._next_id[table.name] = (current or 0) + 1
        first = self._next_id[table.name]
        self._next_id[table.name] += count
        return first

    def write(self, table: sa.Table, rows: list[dict]) -> None:
        """Insert one batch (rows with the same keys) and commit it."""
        if not rows:
            return
        raw, defaults = self._raw(table)
        missing = {k: v for k, v in defaults.items() if k not in rows[0]}
        if missing:
            for row in rows:
                row.update(missing)
        if self.dialect.name == "postgresql":
            _copy(table.name, rows)
        else:
            db.session.execute(sa.insert(raw), rows)
        db.session.commit()
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    def write_all(self, table: sa.Table, rows: Iterable[dict], label: str | None = None,
                  total: int = 0) -> None:
        """Insert every row, batch by batch, with a progress bar of its own."""
        self.progress.start(label or table.name, total)
        for batch in batches(rows, self.batch_size):
            self.write(table, batch)
            self.progress.advance(len(batch))
        self.progress.finish()

    def reset_sequences(self) -> None:
        """PostgreSQL: the serial sequences continue after the ids written here."""
        if self.dialect.name != "postgresql":
            return
        for name in self._next_id:
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {name}))"))
        db.session.commit()


    def analyze(self) -> None:
        """Fresh statistics for PostgreSQL's planner: after a bulk load it would otherwise plan
        with empty tables in mind (a report then takes minutes instead of milliseconds)."""
        if self.dialect.name == "postgresql":  # SQLite plans these queries well without
            db.session.execute(sa.text("ANALYZE"))  # allowed in a transaction, unlike VACUUM
        db.session.commit()


def _copy(table_name: str, rows: list[dict]) -> None:
    """The rows sent by PostgreSQL's COPY, in the current transaction. A many-row INSERT
    spent most of its time in psycopg reading its own statement for placeholders (tens of
    thousands of them, too long for its cache): the tests' small scale took 3.8 s, 0.9 s so."""
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(f'COPY "{table_name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


def batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
