"""Plain pytest fixtures: app, db, client, runner, login_as, smtp_server."""

import contextvars
import os
import socket
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
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
        _db.engine.dispose()  # each test's app has its own pool: close it, not at GC time


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


class MailCatcher:
    """An aiosmtpd handler that keeps every message it is given, as a real server would."""

    def __init__(self):
        self.envelopes = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received, parsed, in the order they arrived."""
        return [message_from_bytes(e.content, policy=default_policy) for e in self.envelopes]

    def by_recipient(self) -> dict[str, EmailMessage]:
        """Recipient -> the parsed message they received (one each, checked)."""
        received = {}
        for envelope in self.envelopes:
            assert len(envelope.rcpt_tos) == 1
            recipient = envelope.rcpt_tos[0]
            assert recipient not in received, f"{recipient} got two messages"
            received[recipient] = message_from_bytes(envelope.content, policy=default_policy)
        return received


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on 127.0.0.1 for the test; the app sends its mail there."""
    handler = MailCatcher()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=handler.port, MAIL_USE_TLS=False,
                      MAIL_USERNAME="")
    yield handler
    controller.stop()
