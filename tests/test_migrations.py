"""Migrations run from an empty database and agree with the models (like `flask db check`)."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from crm.extensions import db
from tests.conftest import build_app


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database on the engine under test."""
    server_url = os.environ.get("CRM_TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"crm_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(sa.make_url(server_url).set(database="postgres"),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_matches_the_models_and_downgrades(empty_database_url):
    app = build_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()


def test_a_failed_upgrade_leaves_the_database_as_it_was(empty_database_url):
    """0009 goes through, then 0010 fails (an index already bears its name): the whole upgrade
    is undone, 0009 included, on SQLite as on PostgreSQL."""
    app = build_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0008_report_indexes")
        with db.engine.begin() as conn:
            conn.execute(sa.text("CREATE INDEX ix_projects_live ON organizations (name)"))
        with pytest.raises(sa.exc.DatabaseError):
            upgrade()
        with db.engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            indexes = {index["name"] for index in sa.inspect(conn).get_indexes("follow_ups")}
            enforced = (conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
                        if conn.dialect.name == "sqlite" else 1)
        assert version == "0008_report_indexes"
        assert "ix_follow_ups_person_created" not in indexes  # 0009's, undone
        assert "ix_follow_ups_person_id" in indexes  # the index 0009 dropped, back
        assert enforced == 1
        db.engine.dispose()


def _organization_and_projects(conn, stage_id: int, project_ids) -> None:
    conn.execute(sa.text(
        "INSERT INTO organizations (id, name, name_arabic, kind, legal_identifier, city,"
        " address, website, description, themes, sdgs, created_at, updated_at, version)"
        " VALUES (1, 'O', '', 'association', '', '', '', '', '', 0, 0, :t, :t, 1)"),
        {"t": "2024-01-01 00:00:00"})
    for pid in project_ids:
        conn.execute(sa.text(
            "INSERT INTO projects (id, name, name_arabic, description, organization_id,"
            " stage_id, cohort, stage_entered_at, themes, sdgs, created_at, updated_at,"
            " version) VALUES (:p, 'P', '', '', 1, :s, '', :t, 0, 0, :t, :t, 1)"),
            {"p": pid, "s": stage_id, "t": "2024-01-01 00:00:00"})


def test_a_table_others_refer_to_is_rebuilt_without_losing_a_row(empty_database_url):
    """0011 rebuilds `indicators` on SQLite (batch mode) while measurements refer to it: the
    migration must neither fail on the foreign keys nor lose a figure, and it marks the
    volunteers as a headcount."""
    app = build_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0010_live_projects_index")
        with db.engine.begin() as conn:
            stage = conn.execute(sa.text("SELECT MIN(id) FROM stages")).scalar()
            _organization_and_projects(conn, stage, project_ids=(1,))
            for mid, code in ((1, "jobs"), (2, "volunteers")):  # the catalog 0004 wrote
                conn.execute(sa.text(
                    "INSERT INTO measurements (id, project_id, indicator_id, period_start,"
                    " period_end, value, source, note, created_at, updated_at, version)"
                    " SELECT :m, 1, id, '2024-01-01', '2024-06-30', 1200, 'self-reported', '',"
                    " :t, :t, 1 FROM indicators WHERE code = :c"),
                    {"m": mid, "c": code, "t": "2024-07-01 00:00:00"})
        upgrade()
        with db.engine.connect() as conn:
            figures = conn.execute(sa.text(
                "SELECT m.id, i.code, i.adds_up FROM measurements m"
                " JOIN indicators i ON i.id = m.indicator_id ORDER BY m.id")).all()
            enforced = (conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
                        if conn.dialect.name == "sqlite" else 1)
        assert [tuple(row) for row in figures] == [(1, "jobs", True), (2, "volunteers", False)]
        assert enforced == 1  # the migration turned the foreign keys back on
        db.engine.dispose()


def test_the_stage_leaving_dates_are_filled_from_the_next_transition(empty_database_url):
    """0007 fills `left_at` for the history recorded before it, project by project."""
    app = build_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0006_impact_targets")
        with db.engine.begin() as conn:
            stage = conn.execute(sa.text("SELECT id FROM stages ORDER BY position")).scalars()
            first, second = list(stage)[:2]
            _organization_and_projects(conn, second, project_ids=(1, 2))
            rows = [(1, 1, first, "2024-01-01 09:00:00"), (2, 1, second, "2024-02-01 09:00:00"),
                    (3, 2, first, "2024-03-01 09:00:00")]
            for tid, pid, sid, at in rows:
                conn.execute(sa.text(
                    "INSERT INTO stage_transitions (id, project_id, to_stage_id, at, note)"
                    " VALUES (:i, :p, :s, :a, '')"), {"i": tid, "p": pid, "s": sid, "a": at})
        upgrade()
        with db.engine.connect() as conn:
            left = dict(conn.execute(sa.text("SELECT id, left_at FROM stage_transitions")).all())
        assert str(left[1]).startswith("2024-02-01 09:00:00")
        assert left[2] is None and left[3] is None  # still there; another project's history
        db.engine.dispose()
