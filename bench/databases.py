"""The benchmark's databases: synthetic data at a scale, on SQLite and on PostgreSQL.

Each is built once with `flask db upgrade` and `flask crm seed-synthetic --scale S --seed N`
(run as the user would run them) and then kept: a marker file beside it records the scale and
the seed it was built for, so the next run reuses it (`--rebuild` builds it again). Every run
still applies `flask db upgrade`, so that new migrations (indexes) reach a kept database, and
on PostgreSQL VACUUM ANALYZE (what autovacuum does after a bulk load when it is on).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "instance" / "bench"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/"
PG_NAMES = {0.1: "crm_bench_0_1", 1.0: "crm_bench_1"}


@dataclass
class BenchDatabase:
    engine: str  # "sqlite" or "postgresql"
    scale: float
    url: str
    marker: Path


def scale_name(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def pg_database_name(scale: float) -> str:
    return PG_NAMES.get(scale) or f"crm_bench_{scale_name(scale)}"


def _flask(url: str, *args: str, quiet: bool = False) -> None:
    """Run a flask command on the database; a quiet one shows its output only if it fails."""
    env = {**os.environ, "DATABASE_URL": url, "CRM_ENV": "development"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=quiet, text=True)
    if done.returncode:
        if quiet:
            print(done.stdout, done.stderr, file=sys.stderr)
        raise RuntimeError(f"flask {' '.join(args)} failed on {url}")


def _marker_matches(marker: Path, scale: float, seed: int) -> bool:
    if not marker.exists():
        return False
    found = json.loads(marker.read_text(encoding="utf-8"))
    return found.get("scale") == scale and found.get("seed") == seed


def _seed(database: BenchDatabase, seed: int) -> None:
    print(f"-- building {database.engine} at scale {database.scale:g} (once; kept in "
          f"{database.marker.name}) --", flush=True)
    _flask(database.url, "db", "upgrade", quiet=True)
    started = time.perf_counter()
    _flask(database.url, "crm", "seed-synthetic", "--scale", f"{database.scale:g}",
           "--seed", str(seed))
    database.marker.write_text(json.dumps({
        "scale": database.scale, "seed": seed, "built_on": date.today().isoformat(),
        "seconds": round(time.perf_counter() - started, 1), "url": database.url}, indent=1),
        encoding="utf-8")


def sqlite_database(scale: float, seed: int, rebuild: bool) -> BenchDatabase:
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"sqlite-{scale_name(scale)}.sqlite3"
    database = BenchDatabase("sqlite", scale, f"sqlite:///{path}",
                             FOLDER / f"sqlite-{scale_name(scale)}.json")
    if rebuild or not _marker_matches(database.marker, scale, seed):
        database.marker.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        _seed(database, seed)
    else:
        _flask(database.url, "db", "upgrade", quiet=True)
    return database


def postgres_reachable(base_url: str) -> str | None:
    """None when the server answers, else why not (one line)."""
    try:
        engine = sa.create_engine(make_url(base_url).set(database="postgres"),
                                  connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # any driver error: skip PostgreSQL, say why
        return str(error).strip().splitlines()[0]


def _recreate_pg(base_url: str, name: str) -> None:
    engine = sa.create_engine(make_url(base_url).set(database="postgres"),
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _pg_seeded(url: str) -> bool:
    """The database exists and holds the synthetic users (the marker alone could be stale)."""
    try:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            found = connection.execute(sa.text(
                "SELECT 1 FROM users WHERE email LIKE '%@synthetic.crm' LIMIT 1")).first()
        engine.dispose()
        return found is not None
    except Exception:  # no database or no table: build it
        return False


def analyze_pg(url: str) -> str:
    """VACUUM ANALYZE, as autovacuum does after a bulk load: planner statistics (a server
    with autovacuum off would plan with none: nested scans of whole tables) and the
    visibility map (index-only scans)."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        autovacuum = connection.execute(sa.text("SHOW autovacuum")).scalar()
        connection.execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()
    return autovacuum


def postgres_database(scale: float, seed: int, rebuild: bool, base_url: str) -> BenchDatabase:
    FOLDER.mkdir(parents=True, exist_ok=True)
    name = pg_database_name(scale)
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    database = BenchDatabase("postgresql", scale, url, FOLDER / f"postgresql-{name}.json")
    if rebuild or not _marker_matches(database.marker, scale, seed) or not _pg_seeded(url):
        database.marker.unlink(missing_ok=True)
        _recreate_pg(base_url, name)
        _seed(database, seed)
    else:
        _flask(database.url, "db", "upgrade", quiet=True)
    if analyze_pg(url) != "on":
        print(f"note: autovacuum is off on this PostgreSQL server: VACUUM ANALYZE run on {name}")
    return database


def schema_revision(url: str) -> str | None:
    """The Alembic revision the database is at (what the figures were measured on)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no table: not migrated
        return None
    finally:
        engine.dispose()
