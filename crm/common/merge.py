"""Moving every reference from one row to another, for merging duplicates.

It reads the foreign keys from the metadata, so links added by later features (forum
participations, follow-ups, consents...) are moved without anyone remembering to add them.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from crm.extensions import db


def _unique_column_sets(table: sa.Table) -> list[set[str]]:
    sets = [{c.name for c in table.primary_key.columns}]
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            sets.append({c.name for c in constraint.columns})
    for index in table.indexes:
        if index.unique:
            sets.append({c.name for c in index.columns})
    return sets


def repoint_references(target: sa.Table, from_id: int, to_id: int, skip: set[str]) -> int:
    """Point every foreign key on `target` from `from_id` to `to_id`; where that would
    duplicate a unique row the survivor already has, drop the duplicate's row. Flushes."""
    moved = 0
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            column = fk.parent
            if fk.column.table is not target or f"{table.name}.{column.name}" in skip:
                continue
            for unique in _unique_column_sets(table):
                others = unique - {column.name}
                if column.name not in unique or not others:
                    continue
                survivor_rows = sa.select(*[table.c[o] for o in sorted(others)]).where(
                    column == to_id)
                clash = sa.tuple_(*[table.c[o] for o in sorted(others)]).in_(survivor_rows)
                db.session.execute(sa.delete(table).where(column == from_id, clash))
            result = db.session.execute(
                sa.update(table).where(column == from_id).values({column.name: to_id}))
            moved += result.rowcount or 0
    db.session.flush()
    return moved


@dataclass
class Match:
    """A record that looks like the one being created, and why."""

    record: object
    reasons: list = field(default_factory=list)
    score: int = 0
