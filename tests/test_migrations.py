"""Migrations run from an empty database and agree with the models (like `flask db check`)."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic import command
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


def _funder_and_opportunity(conn, disbursed: int) -> None:
    conn.execute(sa.text(
        "INSERT INTO funders (id, name, name_arabic, kind, website, notes, created_at,"
        " updated_at, version) VALUES (1, 'F', '', 'fund', '', '', :t, :t, 1)"),
        {"t": "2024-01-01 00:00:00"})
    conn.execute(sa.text(
        "INSERT INTO funding_opportunities (id, project_id, funder_id, instrument, status,"
        " amount_requested, amount_committed, amount_disbursed, decline_reason, notes,"
        " created_at, updated_at, version) VALUES (7, 1, 1, 'grant', 'disbursed', 100000,"
        " 80000, :d, '', '', :t, :t, 1)"), {"d": disbursed, "t": "2024-01-01 00:00:00"})


def test_the_rules_migration_names_the_rows_it_cannot_accept(empty_database_url):
    """0012 refuses a database holding an opportunity that disbursed more than committed:
    the message names the table, the rule and the id, and nothing is changed."""
    app = build_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0011_indicator_adds_up")
        with db.engine.begin() as conn:
            stage = conn.execute(sa.text("SELECT MIN(id) FROM stages")).scalar()
            _organization_and_projects(conn, stage, project_ids=(1,))
            _funder_and_opportunity(conn, disbursed=90000)
        config = app.extensions["migrate"].migrate.get_config()
        with pytest.raises(RuntimeError, match=r"funding_opportunities: more is disbursed than"
                                               r" committed, ids 7"):
            command.upgrade(config, "head")  # the message `flask db upgrade` prints
        with db.engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        assert version == "0011_indicator_adds_up"
        db.engine.dispose()


def test_the_rules_migration_closes_the_stays_a_later_move_ended(empty_database_url):
    """Two open stays of one project (a history written past the service): 0012 closes the
    earlier one at the later move, then allows only one open stay per project."""
    app = build_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0011_indicator_adds_up")
        with db.engine.begin() as conn:
            first, second = list(conn.execute(sa.text(
                "SELECT id FROM stages ORDER BY position")).scalars())[:2]
            _organization_and_projects(conn, second, project_ids=(1,))
            _funder_and_opportunity(conn, disbursed=80000)
            for tid, sid, at in ((1, first, "2024-01-01 09:00:00"),
                                 (2, second, "2024-02-01 09:00:00")):
                conn.execute(sa.text(
                    "INSERT INTO stage_transitions (id, project_id, to_stage_id, at, note)"
                    " VALUES (:i, 1, :s, :a, '')"), {"i": tid, "s": sid, "a": at})
        upgrade()
        with db.engine.connect() as conn:
            left = dict(conn.execute(sa.text("SELECT id, left_at FROM stage_transitions")).all())
        assert str(left[1]).startswith("2024-02-01 09:00:00") and left[2] is None
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE stage_transitions SET left_at = NULL WHERE id = 1"))
        db.engine.dispose()


def test_the_cohorts_naming_one_forum_edition_are_linked_to_it(empty_database_url):
    """0013 links a project to the edition its cohort text names (its name, the year of the
    only edition that year, the number of the only edition with it) and empties the text; a
    text that could be two editions, or none, stays. Downgrading gives the text back."""
    app = build_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0012_invariants")
        cohorts = {1: "WeXchange 2024", 2: "2023", 3: "3", 4: "2022", 5: "Promo A",
                   6: " wexchange 2024 "}
        with db.engine.begin() as conn:
            stage = conn.execute(sa.text("SELECT MIN(id) FROM stages")).scalar()
            _organization_and_projects(conn, stage, project_ids=cohorts)
            for pid, cohort in cohorts.items():
                conn.execute(sa.text("UPDATE projects SET cohort = :c WHERE id = :p"),
                             {"c": cohort, "p": pid})
            for fid, name, number, held_on in ((1, "WeXchange 2024", 3, "2024-10-17"),
                                               (2, "Forum de l'innovation", 2, "2023-05-04"),
                                               (3, "Forum A", None, "2022-03-01"),
                                               (4, "Forum B", None, "2022-11-01")):
                conn.execute(sa.text(
                    "INSERT INTO forums (id, name, number, held_on, city, theme, created_at,"
                    " updated_at) VALUES (:i, :n, :num, :h, '', '', :t, :t)"),
                    {"i": fid, "n": name, "num": number, "h": held_on,
                     "t": "2024-01-01 00:00:00"})
        upgrade()
        with db.engine.connect() as conn:
            linked = {pid: (forum, cohort) for pid, forum, cohort in conn.execute(sa.text(
                "SELECT id, forum_id, cohort FROM projects"))}
        assert linked == {1: (1, ""), 2: (2, ""), 3: (1, ""), 4: (None, "2022"),
                          5: (None, "Promo A"), 6: (1, "")}
        downgrade(revision="0012_invariants")
        with db.engine.connect() as conn:
            texts = dict(conn.execute(sa.text("SELECT id, cohort FROM projects")).all())
        assert texts == {1: "WeXchange 2024", 2: "Forum de l'innovation", 3: "WeXchange 2024",
                         4: "2022", 5: "Promo A", 6: "WeXchange 2024"}
        db.engine.dispose()


def test_the_last_activity_is_the_stage_entry_or_the_latest_interaction(empty_database_url):
    """0018 gives the pipeline's stages 90 days and none to alumni and exit stages; 0019 fills
    each project's last activity from its stage entry, or its latest interaction when later."""
    app = build_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0017_reviews")
        with db.engine.begin() as conn:  # the stages an earlier migration made
            stage = conn.execute(sa.text("SELECT id FROM stages WHERE code = 'contacted'"))
            _organization_and_projects(conn, stage.scalar(), project_ids=(1, 2))
            for occurred_on in ("2023-06-01", "2024-03-05"):  # before and after the entry
                conn.execute(sa.text(
                    "INSERT INTO interactions (kind, occurred_on, summary, notes, project_id,"
                    " created_at, updated_at) VALUES ('call', :o, 's', '', 2, :t, :t)"),
                    {"o": occurred_on, "t": "2024-01-01 00:00:00"})
        upgrade()
        with db.engine.connect() as conn:
            days = dict(conn.execute(sa.text("SELECT code, stale_after_days FROM stages")).all())
            last = dict(conn.execute(sa.text("SELECT id, last_activity_at FROM projects")).all())
        assert days["contacted"] == 90 and days["incubated"] == 90
        assert days["alumni"] is None and days["declined"] is None
        as_text = {pid: str(value)[:19] for pid, value in last.items()}
        assert as_text == {1: "2024-01-01 00:00:00", 2: "2024-03-05 00:00:00"}
        db.engine.dispose()
