"""Personal API tokens: shown once and stored hashed, scoped, expiring, revocable, rate
limited, every use logged; a session cookie alone never opens the API."""

from datetime import timedelta

import pytest

from crm.api import tokens
from crm.api.models import ApiRequest, ApiToken, Scope
from crm.auth.models import Role
from crm.common.time import utcnow
from crm.errors import ServiceError
from tests.api.conftest import bearer
from tests.factories import make_user


def test_a_token_is_stored_as_its_hash_with_a_recognisable_prefix(db):
    user = make_user(Role.OFFICER)
    created = tokens.create_token(user, "Zapier", Scope.READ)
    stored = db.session.get(ApiToken, created.token.id)
    assert created.secret.startswith(stored.prefix)
    assert stored.token_hash == tokens.hash_secret(created.secret) != created.secret
    assert created.secret not in str([getattr(stored, c.key) for c in ApiToken.__table__.c])
    assert stored.expires_at - utcnow() > timedelta(days=89)


@pytest.mark.parametrize("days", [0, 367])
def test_a_token_lives_a_day_to_a_year(db, days):
    with pytest.raises(ServiceError):
        tokens.create_token(make_user(Role.OFFICER), "x", Scope.READ, days)


def test_an_external_reviewer_gets_no_token(db):
    with pytest.raises(ServiceError):
        tokens.create_token(make_user(Role.REVIEWER), "x", Scope.READ)


def test_without_a_valid_token_the_api_answers_401(api, db):
    user = make_user(Role.OFFICER)
    for headers in ({}, {"Authorization": "Bearer crm_nonsense"},
                    {"Authorization": "Basic dXNlcjpwYXNz"}):
        response = api("GET", "/api/v1/projects", headers)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    expired = bearer(user)
    db.session.execute(db.update(ApiToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    assert api("GET", "/api/v1/projects", expired).status_code == 401


def test_a_revoked_token_stops_working_at_once(api, db):
    user = make_user(Role.OFFICER)
    headers = bearer(user)
    assert api("GET", "/api/v1/projects", headers).status_code == 200
    tokens.revoke_token(user, db.session.scalar(db.select(ApiToken)))
    assert api("GET", "/api/v1/projects", headers).status_code == 401


def test_a_deactivated_users_token_stops_working(api, db):
    user = make_user(Role.OFFICER)
    headers = bearer(user)
    user.active = False
    db.session.commit()
    assert api("GET", "/api/v1/projects", headers).status_code == 401


def test_a_session_cookie_alone_never_authorises_the_api(client, login_as):
    login_as(Role.OFFICER)
    assert client.get("/projects").status_code == 200  # the session works for the pages
    for method in ("GET", "POST"):
        response = client.open("/api/v1/organizations", method=method, json={})
        assert response.status_code == 401, method
        assert response.is_json


def test_the_token_wins_over_a_session_of_another_user(client, login_as, db):
    login_as(Role.OFFICER)
    innovator_headers = bearer(make_user(Role.MANAGER), Scope.READ)
    response = client.post("/api/v1/organizations", json={"name": "X", "kind": "other"},
                           headers=innovator_headers)
    assert response.status_code == 403  # the read-only token, not the admin's session


def test_every_use_is_logged_and_counted(api, db):
    user = make_user(Role.OFFICER)
    headers = bearer(user)
    api("GET", "/api/v1/projects", headers)
    api("GET", "/api/v1/projects/999999", headers)
    token = db.session.scalar(db.select(ApiToken))
    rows = db.session.scalars(db.select(ApiRequest).order_by(ApiRequest.id)).all()
    assert [(r.method, r.path, r.status, r.token_id) for r in rows] == [
        ("GET", "/api/v1/projects", 200, token.id),
        ("GET", "/api/v1/projects/999999", 404, token.id)]
    assert token.use_count == 2 and token.last_used_at is not None


def test_each_token_has_its_own_rate_limit(app, api, db):
    app.config["API_REQUESTS_PER_MINUTE"] = 3
    user = make_user(Role.OFFICER)
    first, second = bearer(user), bearer(user)
    statuses = [api("GET", "/api/v1/projects", first).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api("GET", "/api/v1/projects", first)
    assert limited.json["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert api("GET", "/api/v1/projects", second).status_code == 200


def test_the_account_page_creates_shows_once_and_revokes(client, login_as, db):
    user = login_as(Role.OFFICER)
    page = client.post("/account/api-tokens", data={"name": "Tableur", "scope": "read",
                                                    "days": "30"})
    assert page.status_code == 200
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    body = page.get_data(as_text=True)
    secret = body.split('id="new-token"')[1].split('value="')[1].split('"')[0]
    assert tokens.hash_secret(secret) == token.token_hash
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert secret not in listing and token.prefix in listing
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_another_users_token_cannot_be_revoked(client, login_as, db):
    other = make_user(Role.OFFICER)
    token = tokens.create_token(other, "x", Scope.READ).token
    login_as(Role.OFFICER)
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404
