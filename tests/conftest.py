"""Plain pytest fixtures: app, db, client, runner, login_as, smtp_server."""

import contextvars
import gc
import os
import socket
import threading
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, make_url, text

from config import TestingConfig
from crm import create_app
from crm.extensions import db as _db
from crm.extensions import limiter
from crm.impact import services as impact_services
from crm.pipeline import services as pipeline_services
from tests.factories import make_user, sign_in

ENGINE = "postgresql" if os.environ.get("CRM_TEST_DATABASE_URL") else "sqlite"


def _server(url: str):
    """An engine on the PostgreSQL server's maintenance database, for CREATE/DROP DATABASE."""
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def pytest_configure(config):
    """The garbage collector at a threshold fitted to a test suite; under pytest-xdist, each
    worker gets its own PostgreSQL database for the run, named after the one given (which
    stays the master's)."""
    # The tests make many short-lived ORM objects and responses: at the default threshold
    # (700) the collector ran thousands of times a run, 7% of a test process's time.
    gc.set_threshold(10_000)
    worker, url = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("CRM_TEST_DATABASE_URL")
    if not (worker and url):
        return
    own = make_url(url).set(database=f"{make_url(url).database}_{worker}")
    server = _server(url)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    server.dispose()
    os.environ["CRM_TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)
    TestingConfig.SQLALCHEMY_DATABASE_URI = os.environ["CRM_TEST_DATABASE_URL"]
    config.crm_worker_database = own


def pytest_collection_finish(session):
    """What is loaded by now (modules, the tests) lives for the run: the collector no longer
    scans it."""
    gc.freeze()


def pytest_unconfigure(config):
    own = getattr(config, "crm_worker_database", None)
    if own is not None:
        server = _server(own.render_as_string(hide_password=False))
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
        server.dispose()
_pg_schema_ready = False


def _prepare_schema() -> None:
    """For the tests that build their own app. SQLite in memory: a new schema per app.
    PostgreSQL: built once, emptied after each of those tests."""
    global _pg_schema_ready
    if _db.engine.dialect.name != "postgresql":
        _db.create_all()
    elif not _pg_schema_ready:
        _db.drop_all()
        _db.create_all()
        _pg_schema_ready = True


def _seed_defaults() -> None:
    pipeline_services.ensure_default_stages()  # as migration 0002 does
    impact_services.ensure_default_indicators()  # as migration 0004 does
    _db.session.commit()


def _empty_tables() -> None:
    """After a test that committed on PostgreSQL through its own app: empty every table and
    put back the defaults that the shared app's tests expect."""
    if _db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
        _db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        _db.session.commit()
        _seed_defaults()


def _sqlite_savepoints(engine) -> None:
    """pysqlite opens its transactions itself, too late for SAVEPOINT: let SQLAlchemy emit
    BEGIN (SQLAlchemy's recipe for savepoints with pysqlite)."""
    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, with its own `g` and database session,
    as in production; the test's own session then forgets what it had loaded."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            _db.session.expire_all()
        return response


class CompiledTemplates(BytecodeCache):
    """Templates compiled once for the run and shared by every app the tests build (a new
    app compiled each page's templates again: 0.1 s a page, most of a live server's first
    visit to it). A template whose source changes is compiled again (its checksum)."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def build_app(**overrides):
    config = type("TestConfig", (TestingConfig,), overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


@pytest.fixture(autouse=True)
def _one_worker_for_a_group(request):
    """Under `--dist loadgroup`, the tests marked with one `xdist_group` share a worker (those
    that empty the job queue, say): such a test fails when pytest-xdist did not group it, as
    it silently stopped doing with pytest 9.2 (pytest-xdist issue 1386)."""
    node = request.node
    if (node.get_closest_marker("xdist_group") and "@" not in node.nodeid
            and getattr(request.config.option, "loadgroup", False)):
        pytest.fail("pytest-xdist ignored this test's xdist_group mark: use a pytest it "
                    "supports (pyproject.toml)")


@pytest.fixture(scope="session")
def suite_app(tmp_path_factory):
    """One app and one schema for the whole run; each test works inside a transaction that
    is rolled back (the `app` fixture). Documents go to a folder of the run."""
    global _pg_schema_ready
    app = build_app(DOCUMENTS_FOLDER=str(tmp_path_factory.mktemp("documents")))
    with app.app_context():
        if _db.engine.dialect.name == "sqlite":
            _sqlite_savepoints(_db.engine)
        else:
            _db.drop_all()
        _db.create_all()
        _pg_schema_ready = True
        _seed_defaults()
        _db.session.remove()
        # Sessions bound to the test's connection commit and roll back savepoints only.
        _db.session.configure(join_transaction_mode="create_savepoint")
    yield app
    with app.app_context():
        _db.engine.dispose()


@contextmanager
def rolled_back(app):
    """The app, its database seen through one connection in a transaction that is rolled
    back at the end of the block (SQLAlchemy's "joining a session into an external
    transaction" recipe); its settings as they were before."""
    config = dict(app.config)
    with app.app_context():
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection  # every session of this app, requests' included
        limiter.reset()
        try:
            yield app
        finally:
            _db.session.remove()
            engines[None] = engine
            transaction.rollback()
            connection.close()
            app.config.clear()
            app.config.update(config)


@pytest.fixture
def app(suite_app):
    """The shared app, in a transaction rolled back after the test."""
    with rolled_back(suite_app) as app:
        yield app


@pytest.fixture
def committing_app(suite_app, tmp_path):
    """An app whose commits are real and reach every connection, for the tests of sessions
    or threads racing each other: a file on SQLite, the test database on PostgreSQL (emptied
    after the test)."""
    url = os.environ.get("CRM_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    app = build_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        _prepare_schema()
        if ENGINE == "sqlite":
            _seed_defaults()
        yield app
        _db.session.rollback()
        _empty_tables()
        _db.session.remove()
        _db.engine.dispose()


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
    """Log the test client in as a new user of `role` (through the real login form, and the
    code page for those with two-factor sign-in on)."""

    def login(role, **kwargs):
        user = make_user(role=role, **kwargs)
        response = sign_in(client, user)
        assert response.status_code == 302, "login failed in the login_as fixture"
        return user

    return login


@pytest.fixture
def log_in(app):
    """A fresh client logged in as `user` (several users in one test)."""

    def login(user):
        client = app.test_client()
        response = sign_in(client, user)
        assert response.status_code == 302
        return client

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


@contextmanager
def serving(server):
    """`server` (a socketserver: werkzeug's, http.server's) answering from a thread for as long
    as the block runs. It stops at once at the end: serve_forever looks for the shutdown every
    poll_interval, half a second by default, which each test using a server waited."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def mail_catcher(handler: MailCatcher | None = None):
    """A real SMTP server on 127.0.0.1 for as long as the block runs, keeping what it is
    given in `handler` (its `port` set)."""
    handler = handler or MailCatcher()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def mail_settings(handler: MailCatcher) -> dict:
    """The app's settings to send its mail to `handler`'s server."""
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": handler.port, "MAIL_USE_TLS": False,
            "MAIL_USERNAME": ""}


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on 127.0.0.1 for the test; the app sends its mail there."""
    with mail_catcher() as handler:
        app.config.update(mail_settings(handler))
        yield handler
