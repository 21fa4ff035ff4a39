"""Where one page spends its time: every SQL statement it sends, timed, with its plan.

    .venv/bin/python bench/profile_page.py PATH [--scale 1] [--engine sqlite] [--officer]
        [--no-plan]

Runs on a database `bench/pages.py` built (instance/bench/); asks for PATH once to warm up,
then once more while recording each statement; then runs each again alone, its rows fetched,
and prints them slowest first with EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (PostgreSQL) under
the slow ones.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench import databases, pages  # noqa: E402
from crm.extensions import db  # noqa: E402

SLOW_MS = 5.0


class StatementTimer:
    def __init__(self, engine):
        self.engine, self.statements, self._started = engine, [], 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args) -> None:
        self._started = time.perf_counter()

    def _after(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        self.statements.append(((time.perf_counter() - self._started) * 1000, statement,
                                parameters))

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def _replay(connection, statement: str, parameters) -> float:
    """ms to run the statement again and fetch its rows (SQLite does most of its work while
    the rows are fetched, after `after_cursor_execute`)."""
    started = time.perf_counter()
    connection.exec_driver_sql(statement, parameters).fetchall()
    return (time.perf_counter() - started) * 1000


def _plan(connection, statement: str, parameters) -> list[str]:
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [row[3] for row in rows]
    return [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--engine", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--officer", action="store_true", help="ask as the busiest officer")
    parser.add_argument("--no-plan", action="store_true")
    args = parser.parse_args()
    if args.engine == "sqlite":
        url = f"sqlite:///{databases.FOLDER}/sqlite-{databases.scale_name(args.scale)}.sqlite3"
    else:
        base = os.environ.get("BENCH_PG_URL", databases.DEFAULT_PG_URL)
        url = f"{base.rstrip('/')}/{databases.pg_database_name(args.scale)}"
    app = pages.bench_app(url)
    with app.app_context():
        users = pages.bench_users()
        timer = StatementTimer(db.engine)
    client = pages.logged_in_client(app, users.officer if args.officer else users.manager)
    client.get(args.path)
    timer.statements.clear()
    started = time.perf_counter()
    status = client.get(args.path).status_code
    total = (time.perf_counter() - started) * 1000
    sql_ms = sum(ms for ms, _s, _p in timer.statements)
    print(f"{args.path}: status {status}, {total:.1f} ms, {len(timer.statements)} statements "
          f"({sql_ms:.1f} ms inside cursor.execute)")
    timer.close()  # the replays below are not the page's
    with app.app_context(), db.engine.connect() as connection:
        replayed = [(_replay(connection, statement, parameters), statement, parameters)
                    for _ms, statement, parameters in timer.statements]
        print(f"replayed alone, with their rows fetched: {sum(r[0] for r in replayed):.1f} ms "
              "in the database\n")
        for ms, statement, parameters in sorted(replayed, key=lambda s: -s[0]):
            print(f"{ms:8.1f} ms  {' '.join(statement.split())[:600]}")
            print(f"            parameters: {str(parameters)[:200]}")
            if ms >= SLOW_MS and not args.no_plan:
                for line in _plan(connection, statement, parameters):
                    print(f"            | {line}")


if __name__ == "__main__":
    main()
