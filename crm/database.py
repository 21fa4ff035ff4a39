"""Engine settings: SQLite pragmas so concurrent requests wait instead of failing; no JIT on
PostgreSQL, whose compilation costs a report more (about 0.3 s) than it could ever save on
queries that run in milliseconds; on PostgreSQL, many-row INSERTs sent as multi-row VALUES
pages (as they already are with RETURNING) rather than one statement per row, which makes
an attendee import 2-3 times faster there."""

import sqlite3

from flask import Flask
from sqlalchemy import event

from crm.extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _postgresql_settings(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


def configure_engine(engine) -> None:
    """The settings above, on a new engine of either database."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_settings)
        engine.dialect.use_insertmanyvalues_wo_returning = True


def init_database(app: Flask) -> None:
    with app.app_context():
        configure_engine(db.engine)


def is_database_reachable() -> bool:
    try:
        db.session.execute(db.text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not reachable" to a health check
        db.session.rollback()
        return False
