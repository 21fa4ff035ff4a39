"""Logging in and out, sessions, the `next` parameter and throttling."""

import pytest

from crm.auth.models import Role, User
from tests.factories import PASSWORD, make_user, totp_code


def _login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_with_the_right_password_reaches_the_home_page(client, db):
    user = make_user(Role.OFFICER)
    response = _login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.full_name in home.get_data(as_text=True)
    assert db.session.get(User, user.id).last_login_at is not None


def test_email_is_case_insensitive(client, db):
    make_user(Role.OFFICER, email="salma@example.org")
    assert _login(client, "  Salma@Example.ORG ").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_message(client, db):
    user = make_user(Role.OFFICER)
    wrong_password = _login(client, user.email, "not-the-password").get_data(as_text=True)
    unknown_email = _login(client, "nobody@example.org").get_data(as_text=True)
    message = "The email or the password is not correct."
    assert message in wrong_password and message in unknown_email
    assert client.get("/").status_code == 302  # still logged out


def test_a_deactivated_account_cannot_log_in(client, db):
    user = make_user(Role.OFFICER, active=False)
    response = _login(client, user.email)
    assert response.status_code == 200
    assert "The email or the password is not correct." in response.get_data(as_text=True)


def test_pages_behind_login_redirect_to_login_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_next_parameter_is_followed_when_it_is_a_local_path(client, db):
    user = make_user(Role.MANAGER)
    response = _login(client, user.email, next="/reports")
    assert response.headers["Location"] == "/reports"


def test_next_parameter_is_followed_after_the_code_page(client, db):
    user = make_user(Role.ADMIN)
    assert _login(client, user.email, next="/admin/users").headers["Location"] == "/login/code"
    response = client.post("/login/code", data={"code": totp_code(user)})
    assert response.headers["Location"] == "/admin/users"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
     "http:/evil.example"],
)
def test_next_parameter_never_leaves_the_site(client, db, target):
    user = make_user(Role.OFFICER)
    response = _login(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logout_ends_every_session_of_the_user(app, db):
    user = make_user(Role.OFFICER)
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, user.email)
    _login(phone, user.email)
    assert phone.get("/").status_code == 200
    assert laptop.post("/logout").status_code == 302
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302


def test_logout_is_post_only(client, login_as):
    login_as(Role.OFFICER)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_change_password_keeps_this_session_and_ends_the_others(app, db):
    user = make_user(Role.OFFICER)
    this, other = app.test_client(), app.test_client()
    _login(this, user.email)
    _login(other, user.email)
    response = this.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a-new-long-password",
              "confirm": "a-new-long-password"},
    )
    assert response.status_code == 302
    assert this.get("/").status_code == 200
    assert other.get("/").status_code == 302
    this.post("/logout")
    assert _login(this, user.email, "a-new-long-password").status_code == 302


def test_change_password_refuses_a_wrong_current_password(client, login_as, db):
    user = login_as(Role.OFFICER)
    before = db.session.get(User, user.id).password_hash
    response = client.post(
        "/account/password",
        data={"current_password": "wrong-one!", "new_password": "a-new-long-password",
              "confirm": "a-new-long-password"},
    )
    assert response.status_code == 200
    assert "The current password is not correct." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_change_password_refuses_a_short_or_mismatched_password(client, login_as):
    login_as(Role.OFFICER)
    short = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "short", "confirm": "short"})
    assert "at least 12 characters" in short.get_data(as_text=True)
    mismatch = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "long-enough-1", "confirm": "long-enough-2"})
    assert "The two passwords are not the same." in mismatch.get_data(as_text=True)


def test_passwords_are_stored_with_scrypt(client, db, runner):
    result = runner.invoke(args=["crm", "create-user", "new@example.org", "--role", "officer"],
                           input="a-long-password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "new@example.org"))
    assert user.password_hash.startswith("scrypt:")
    assert "a-long-password" not in user.password_hash


def test_eleventh_failed_attempt_in_a_minute_gets_429(client, db):
    user = make_user(Role.OFFICER)
    for _ in range(10):
        assert _login(client, user.email, "wrong-password").status_code == 200
    response = _login(client, user.email, "wrong-password")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_throttling_message_is_translated(client, db):
    user = make_user(Role.OFFICER)
    client.set_cookie("lang", "ar")
    for _ in range(10):
        _login(client, user.email, "wrong-password")
    response = _login(client, user.email, "wrong-password")
    assert response.status_code == 429
    assert "محاولات كثيرة" in response.get_data(as_text=True)


def test_throttling_is_per_account_across_addresses(app, db):
    user = make_user(Role.OFFICER)
    client = app.test_client()
    for n in range(10):
        client.post("/login", data={"email": user.email, "password": "wrong"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert response.status_code == 429


def test_throttling_is_per_address_across_accounts(client, db):
    for n in range(10):
        _login(client, f"someone{n}@example.org", "wrong")
    assert _login(client, "another@example.org", "wrong").status_code == 429


def test_successful_logins_are_not_counted(app, db):
    user = make_user(Role.OFFICER)
    client = app.test_client()
    for _ in range(12):
        assert _login(client, user.email).status_code == 302
        client.post("/logout")


@pytest.fixture
def redis_url():
    import os

    url = os.environ.get("CRM_TEST_REDIS_URL")
    if not url:
        pytest.skip("CRM_TEST_REDIS_URL is not set (CI sets it to the local Redis)")
    return url


def test_throttling_counts_in_redis_when_it_is_configured(redis_url):
    import uuid

    import redis

    from crm.extensions import db as _db
    from crm.extensions import limiter
    from tests.conftest import _empty_tables, _prepare_schema, build_app

    prefix = f"crm-test-{uuid.uuid4().hex[:8]}"
    app = build_app(RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=prefix)
    with app.app_context():
        _prepare_schema()
        user = make_user(Role.OFFICER)
        client = app.test_client()
        for _ in range(10):
            _login(client, user.email, "wrong-password")
        assert _login(client, user.email, "wrong-password").status_code == 429
        keys = redis.Redis.from_url(redis_url).keys(f"*{prefix}*")
        assert keys, "the counters are not in Redis"
        limiter.reset()
        _db.session.rollback()
        _empty_tables()
