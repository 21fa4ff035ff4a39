"""Login hardening: equal work for unknown addresses, a new session at login, slow guessing of
one account throttled without telling whether it exists, Retry-After on 429."""

import re

from crm.auth import services
from crm.auth.models import Role
from tests.conftest import build_app
from tests.factories import PASSWORD, make_user

COSTLY = "scrypt:2048:8:1"  # not the test default, so a hard-coded cheap dummy shows


def _hash_methods(monkeypatch) -> list[str]:
    methods = []
    real = services.check_password_hash

    def recording(pwhash, password):
        methods.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", recording)
    return methods


def test_unknown_address_costs_the_same_hash_as_a_known_one(monkeypatch):
    app = build_app(PASSWORD_HASH_METHOD=COSTLY)
    with app.app_context():
        from tests.conftest import _empty_tables, _prepare_schema

        _prepare_schema()
        try:
            user = make_user(Role.OFFICER)
            user.password_hash = services.hash_password(PASSWORD)  # as the app stores it
            methods = _hash_methods(monkeypatch)
            assert services.authenticate(user.email, "wrong-password") is None
            assert services.authenticate("nobody@example.org", "wrong-password") is None
            assert methods == [COSTLY, COSTLY]
        finally:
            _empty_tables()


def _csrf_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_login_renews_the_session_and_its_csrf_token(app, db):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user(Role.OFFICER)
    client = app.test_client()
    before = _csrf_token(client)
    with client.session_transaction() as session:
        session["planted"] = "before-login"
        raw_before = session["csrf_token"]
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": before})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
    assert client.get("/").status_code == 200  # a page with forms: a token is made again
    with client.session_transaction() as session:
        assert session["csrf_token"] != raw_before


def _without_token(response) -> str:
    """The page as the person sees it: the signed CSRF token changes with each second."""
    page = response.get_data(as_text=True)
    page = re.sub(r'"X-CSRFToken": "[^"]*"', "", page)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", page)


def _fail(client, email, n):
    return client.post("/login", data={"email": email, "password": "wrong-password"},
                       environ_base={"REMOTE_ADDR": f"10.1.{n // 200}.{n % 200 + 1}"})


def test_slow_guessing_of_one_account_is_stopped_whether_it_exists_or_not(app, db):
    app.config["LOGIN_ATTEMPTS_PER_MINUTE"] = 1000  # the hourly rule alone
    user = make_user(Role.OFFICER)
    client = app.test_client()
    for email in (user.email, "nobody@example.org"):
        for n in range(20):
            assert _fail(client, email, n).status_code == 200
    known, unknown = _fail(client, user.email, 99), _fail(client, "nobody@example.org", 99)
    assert known.status_code == unknown.status_code == 429
    assert _without_token(known) == _without_token(unknown)
    right = client.post("/login", data={"email": user.email, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert right.status_code == 429


def test_a_throttled_answer_says_when_to_retry(client, db):
    user = make_user(Role.OFFICER)
    for _ in range(10):
        client.post("/login", data={"email": user.email, "password": "wrong-password"})
    response = client.post("/login", data={"email": user.email, "password": "wrong-password"})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_an_inactive_account_costs_one_verification_like_an_active_one(app, db, monkeypatch):
    app.config["PASSWORD_HASH_METHOD"] = COSTLY
    active, inactive = make_user(Role.OFFICER), make_user(Role.OFFICER, active=False)
    for user in (active, inactive):
        user.password_hash = services.hash_password(PASSWORD)  # as the app stores it
    db.session.commit()
    methods = _hash_methods(monkeypatch)
    assert services.authenticate(active.email, "wrong-password") is None
    assert services.authenticate(inactive.email, PASSWORD) is None
    assert services.authenticate("nobody@example.org", PASSWORD) is None
    assert methods == [COSTLY, COSTLY, COSTLY]
