"""Counting the SQL statements a request sends (tests that a page's query count does not grow
with the rows it shows)."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

# The savepoints in which each test's transaction runs (conftest's `app`), not the page's.
HARNESS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN")


@contextmanager
def count_queries(db) -> Iterator[list[str]]:
    """The statements sent to the database inside the block, in order."""
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args) -> None:
        if not statement.startswith(HARNESS):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", remember)


def queries_on_page(client, db, path: str) -> int:
    """Statements sent by one GET of `path` (asked once before, to warm up); both answer 200."""
    assert client.get(path).status_code == 200
    with count_queries(db) as statements:
        assert client.get(path).status_code == 200
    return len(statements)
