"""Plain pytest fixtures: app, db, client, runner, login_as."""

import contextvars
import os

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from config import TestingConfig
from crm import create_app
from crm.extensions import db as _db
from crm.extensions import limiter
from crm.impact import services as impact_services
from crm.pipeline import services as pipeline_services
from tests.factories import PASSWORD, make_user

ENGINE = "postgresql" if os.environ.get("CRM_TEST_DATABASE_URL") else "sqlite"
_pg_schema_ready = False


def _prepare_schema() -> None:
    """SQLite in memory: a new schema per app. PostgreSQL: built once, emptied after each test."""
    global _pg_schema_ready
    if _db.engine.dialect.name != "postgresql":
        _db.create_all()
    elif not _pg_schema_ready:
        _db.drop_all()
        _db.create_all()
        _pg_schema_ready = True


def _empty_tables() -> None:
    if _db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
        _db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        _db.session.commit()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, with its own `g` and database session,
    as in production; the test's own session then forgets what it had loaded."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            _db.session.expire_all()
        return response


def build_app(**overrides):
    config = type("TestConfig", (TestingConfig,), overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app():
    app = build_app()
    with app.app_context():
        _prepare_schema()
        pipeline_services.ensure_default_stages()  # as migration 0002 does
        impact_services.ensure_default_indicators()  # as migration 0004 does
        limiter.reset()
        yield app
        _db.session.rollback()
        _empty_tables()
        _db.session.remove()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Log the test client in as a new user of `role` (through the real login form)."""

    def login(role, **kwargs):
        user = make_user(role=role, **kwargs)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, "login failed in the login_as fixture"
        return user

    return login
