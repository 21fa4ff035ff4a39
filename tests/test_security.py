"""Secure defaults: headers, CSRF, cookies, production settings, health check."""

import pytest

from crm.auth.models import Role, User
from tests.conftest import build_app
from tests.factories import PASSWORD, make_user, sign_in


@pytest.mark.parametrize("path", ["/login", "/healthz", "/no-such-page", "/static/css/app.css"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_behind_login_are_not_cached(client, login_as):
    login_as(Role.OFFICER)
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(client, login_as):
    login_as(Role.ADMIN)
    for path in ("/", "/admin/users", "/admin/users/new", "/account/password"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and "onclick=" not in page and "style=" not in page


def test_session_cookie_is_httponly_and_samesite_lax(client, db):
    user = make_user(Role.OFFICER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def csrf_client():
    app = build_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tests.conftest import _empty_tables, _prepare_schema

        _prepare_schema()
        yield app.test_client()
        _empty_tables()


def test_a_post_without_csrf_token_gets_400_and_changes_nothing(csrf_client):

    user = make_user(Role.ADMIN)
    response = csrf_client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert csrf_client.get("/").status_code == 302  # not logged in


def test_admin_form_without_csrf_token_creates_nothing(csrf_client):
    from crm.extensions import db

    admin = make_user(Role.ADMIN)
    login = sign_in(csrf_client, admin, csrf=True)  # the password, then the code
    assert login.status_code == 302 and login.location == "/"
    response = csrf_client.post("/admin/users/new", data={
        "email": "intruder@example.org", "role": "admin", "language": "fr",
        "password": "initial-password"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(User).where(User.email == "intruder@example.org")) is None


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    from config import ProductionConfig
    from crm import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "change-me")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True}


def test_sqlite_connections_use_foreign_keys_wal_and_a_busy_timeout(tmp_path):
    from crm.extensions import db

    app = build_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    with app.app_context():
        pragmas = {name: db.session.execute(db.text(f"PRAGMA {name}")).scalar()
                   for name in ("foreign_keys", "journal_mode", "busy_timeout")}
    assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 10000}


def test_concurrent_writes_on_sqlite_never_fail_with_database_locked(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from crm.extensions import db

    app = build_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    with app.app_context():
        db.create_all()
        users = [make_user(Role.OFFICER) for _ in range(6)]
        emails = [u.email for u in users]

    def switch_languages(email):
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        return [client.post("/language", data={"lang": lang}).status_code
                for lang in ("ar", "fr", "en") * 5]

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = [code for codes in pool.map(switch_languages, emails) for code in codes]
    assert set(statuses) == {302}
    with app.app_context():
        assert {u.language for u in db.session.scalars(db.select(User))} == {"en"}


def test_production_sends_hsts_and_development_does_not(client, monkeypatch):
    from config import ProductionConfig

    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    production = build_app(HSTS=ProductionConfig.HSTS)
    response = production.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_csp_forbids_any_base_element(client):
    assert "base-uri 'none'" in client.get("/login").headers["Content-Security-Policy"]
