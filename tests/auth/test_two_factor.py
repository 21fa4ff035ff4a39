"""Two-factor sign-in: the setup (QR code, confirming code, recovery codes shown once and
stored hashed), the code page after the password (codes taken once, within a step of the
clock, throttled), recovery codes, remembered devices, and turning it off."""

import hashlib
import re
from datetime import timedelta
from types import SimpleNamespace

import pyotp
import pytest
import sqlalchemy as sa

from crm.audit.models import AuditEntry
from crm.auth import reset, two_factor
from crm.auth.models import RecoveryCode, RememberedDevice, Role, User
from crm.common.time import utcnow
from tests.factories import PASSWORD, TOTP_SECRET, make_user, sign_in, totp_code

NOW = 1_800_000_015  # a fixed time, 15 s into a step, for the tests of the clock's window


def _password(client, user, password=PASSWORD, **extra):
    return client.post("/login", data={"email": user.email, "password": password, **extra})


def _code(client, code, **extra):
    return client.post("/login/code", data={"code": code, **extra})


def _recovery(client, code):
    return client.post("/login/code", data={"recovery-code": code})


def _actions(db, user) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.entity_type == "user", AuditEntry.entity_id == user.id)
        .order_by(AuditEntry.id)))


def _reloaded(db, user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def _secret_on_the_page(page: str) -> str:
    return re.search(r'id="two-factor-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _codes_on_the_page(page: str) -> list[str]:
    return re.findall(r"<code class=\"fs-5\">([a-z0-9]{4}(?:-[a-z0-9]{4}){3})</code>", page)


# --- the setup --------------------------------------------------------------------------------

def test_the_setup_page_shows_a_qr_code_and_the_key_and_stores_nothing(client, login_as, db):
    user = login_as(Role.OFFICER)
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    assert re.search(r'<img class="qr-code[^"]*" src="data:image/svg\+xml;', page)
    assert 'alt="QR code to scan with the authenticator app"' in page
    secret = _secret_on_the_page(page)
    assert len(secret) == 32
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert client.get("/account/two-factor/setup").get_data(as_text=True).count(
        secret[:4]) >= 1  # the same key until it is confirmed
    assert _reloaded(db, user).two_factor_secret is None
    assert not two_factor.is_enabled(_reloaded(db, user))


def test_a_wrong_code_is_refused_and_the_right_one_turns_it_on(client, login_as, db):
    user = login_as(Role.OFFICER)
    secret = _secret_on_the_page(client.get("/account/two-factor/setup").get_data(as_text=True))
    wrong = client.post("/account/two-factor/setup", data={"code": "000000"})
    assert wrong.status_code == 200 and "This code is not correct." in wrong.get_data(
        as_text=True)
    assert not two_factor.is_enabled(_reloaded(db, user))

    response = client.post("/account/two-factor/setup",
                           data={"code": pyotp.TOTP(secret).now()})
    codes = _codes_on_the_page(response.get_data(as_text=True))
    assert response.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    stored = _reloaded(db, user)
    assert stored.two_factor_enabled_at is not None
    assert secret not in stored.two_factor_secret  # encrypted
    hashes = set(db.session.scalars(sa.select(RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user.id)))
    assert hashes == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert _actions(db, user) == ["2fa_failed", "2fa_enabled"]


def test_the_recovery_codes_are_shown_once(client, login_as, db):
    login_as(Role.OFFICER)
    secret = _secret_on_the_page(client.get("/account/two-factor/setup").get_data(as_text=True))
    page = client.post("/account/two-factor/setup",
                       data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    codes = _codes_on_the_page(page)
    assert 'download="recovery-codes.txt"' in page and "data-print" in page
    again = client.get("/account/two-factor/setup")
    assert again.status_code == 302 and again.location.endswith("/account/two-factor")
    settings = client.get("/account/two-factor").get_data(as_text=True)
    assert "10 recovery codes left." in settings
    assert not any(code in settings for code in codes)


def test_the_account_page_leads_to_the_setup(client, login_as):
    login_as(Role.INNOVATOR)  # the portal's users may turn it on too
    page = client.get("/account/password").get_data(as_text=True)
    assert 'href="/account/two-factor/setup"' in page
    assert client.get("/account/two-factor/setup").status_code == 200


# --- signing in -------------------------------------------------------------------------------

def test_the_password_alone_does_not_sign_in_when_it_is_on(client, db):
    user = make_user(Role.OFFICER, two_factor_on=True)
    response = _password(client, user)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert client.get("/").status_code == 302
    page = client.get("/login/code").get_data(as_text=True)
    assert user.email in page and 'autocomplete="one-time-code"' in page
    response = _code(client, totp_code(user))
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/").status_code == 200


def test_a_half_signed_in_session_reaches_no_page(app, client, db):
    user = make_user(Role.ADMIN)
    _password(client, user)
    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if (rule.arguments or "GET" not in rule.methods or rule.endpoint == "static"
                or getattr(view, "required_permission", None) == "public"):
            continue
        response = client.get(rule.rule)
        if response.status_code == 401:  # the API: tokens only
            continue
        assert response.status_code == 302 and "/login" in response.location, rule.endpoint
        checked += 1
    assert checked > 30


def test_the_half_signed_in_state_expires(client, db):
    user = make_user(Role.OFFICER, two_factor_on=True)
    _password(client, user)
    with client.session_transaction() as session:
        session["two_factor_pending"] = session["two_factor_pending"] | {"until": 0}
    response = _code(client, totp_code(user))
    assert response.status_code == 302 and response.location.endswith("/login")
    assert client.get("/").status_code == 302


def test_a_wrong_code_is_refused_and_audited(client, db):
    user = make_user(Role.OFFICER, two_factor_on=True)
    _password(client, user)
    wrong = pyotp.TOTP(TOTP_SECRET).at(utcnow() - timedelta(minutes=5))
    response = _code(client, wrong)
    assert response.status_code == 200
    assert "This code is not correct." in response.get_data(as_text=True)
    letters = _code(client, "12a456")
    assert "Enter the 6 digits shown by the app." in letters.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert _actions(db, user)[-1] == "2fa_failed"


def test_a_code_is_taken_only_once(app, db):
    user = make_user(Role.OFFICER, two_factor_on=True)
    first, second = app.test_client(), app.test_client()
    code = totp_code(user)
    _password(first, user)
    assert _code(first, code).status_code == 302
    _password(second, user)
    replay = _code(second, code)
    assert replay.status_code == 200 and "already used" in replay.get_data(as_text=True)
    assert second.get("/").status_code == 302


def test_codes_one_step_off_are_taken_and_further_ones_not(client, db, monkeypatch):
    monkeypatch.setattr(two_factor, "time", SimpleNamespace(time=lambda: NOW))
    user = make_user(Role.OFFICER, two_factor_on=True)
    totp = pyotp.TOTP(TOTP_SECRET)
    _password(client, user)
    assert _code(client, totp.at(NOW - 60)).status_code == 200  # two steps behind
    assert _code(client, totp.at(NOW + 60)).status_code == 200  # two steps ahead
    assert _code(client, totp.at(NOW - 30)).status_code == 302  # a phone half a minute late


def test_a_recovery_code_works_once(app, db):
    user = make_user(Role.OFFICER, two_factor_on=False)
    [code, *_others] = two_factor.enable_with_secret(None, user, TOTP_SECRET)
    client = app.test_client()
    _password(client, user)
    response = _recovery(client, code.upper().replace("-", " "))  # as it may be typed
    assert response.status_code == 302 and client.get("/").status_code == 200
    assert two_factor.recovery_codes_left(user) == 9
    assert "2fa_recovery_used" in _actions(db, user)
    again = app.test_client()
    _password(again, user)
    refused = _recovery(again, code)
    assert refused.status_code == 200
    assert "already used" in refused.get_data(as_text=True)


def test_after_five_wrong_codes_even_the_right_one_waits(client, db):
    user = make_user(Role.OFFICER, two_factor_on=True)
    _password(client, user)
    for _ in range(5):
        assert _code(client, "000000").status_code == 200
    blocked = _code(client, totp_code(user))
    assert "Too many wrong codes. Try again in 15 minutes." in blocked.get_data(as_text=True)
    assert _recovery(client, "aaaa-bbbb-cccc-dddd").status_code == 200  # the same count
    assert client.get("/").status_code == 302
    # Never for ever: once the failures are older than the window, codes are taken again.
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.entity_id == user.id).values(
        at=AuditEntry.at - timedelta(minutes=15)))
    db.session.commit()
    _password(client, user)
    assert _code(client, totp_code(user)).status_code == 302


def test_a_new_password_by_email_still_asks_for_the_code(client, db):
    user = make_user(Role.MANAGER, two_factor_on=True)
    link = f"/password/reset/{reset.make_token(user)}"
    response = client.post(link, data={"password": "a-brand-new-passphrase",
                                       "confirm": "a-brand-new-passphrase"})
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert client.get("/").status_code == 302
    assert _code(client, totp_code(user)).status_code == 302
    assert client.get("/").status_code == 200


# --- remembered devices -----------------------------------------------------------------------

def _remembered_client(app, user):
    client = app.test_client()
    _password(client, user)
    response = _code(client, totp_code(user), remember="y")
    assert response.status_code == 302
    client.post("/logout")
    return client, response.headers["Set-Cookie"]


def test_a_remembered_device_skips_the_code_for_30_days(app, db):
    user = make_user(Role.OFFICER, two_factor_on=True)
    client, cookie = _remembered_client(app, user)
    assert "crm_device=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/login" in cookie and f"Max-Age={30 * 24 * 3600}" in cookie
    token = re.search(r"crm_device=([^;]+)", cookie).group(1)
    [device] = db.session.scalars(sa.select(RememberedDevice))
    assert device.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert device.expires_at - device.created_at == timedelta(days=30)
    assert _password(client, user).location == "/"  # no code asked
    assert "2fa_device_saved" in _actions(db, user)
    elsewhere = app.test_client()  # another browser is asked
    assert _password(elsewhere, user).location.endswith("/login/code")


def test_an_expired_device_is_asked_again(app, db):
    user = make_user(Role.OFFICER, two_factor_on=True)
    client, _cookie = _remembered_client(app, user)
    db.session.execute(sa.update(RememberedDevice).values(expires_at=utcnow()))
    db.session.commit()
    assert _password(client, user).location.endswith("/login/code")


def test_a_new_password_forgets_the_devices(app, db):
    user = make_user(Role.OFFICER, two_factor_on=True)
    client, _cookie = _remembered_client(app, user)
    sign_in(client, user)
    client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a-new-long-password",
        "confirm": "a-new-long-password"})
    client.post("/logout")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RememberedDevice)) == 0
    assert _password(client, user, "a-new-long-password").location.endswith("/login/code")


def test_the_user_forgets_their_devices(app, db):
    user = make_user(Role.OFFICER, two_factor_on=True)
    client, _cookie = _remembered_client(app, user)
    sign_in(client, user)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Forget these devices" in page
    client.post("/account/two-factor/devices/forget")
    client.post("/logout")
    assert _password(client, user).location.endswith("/login/code")
    assert "2fa_devices_forgot" in _actions(db, user)


# --- recovery codes renewed, turned off -------------------------------------------------------

def test_new_recovery_codes_replace_the_old_ones(app, db):
    user = make_user(Role.OFFICER, two_factor_on=False)
    old = two_factor.enable_with_secret(None, user, TOTP_SECRET)
    client = app.test_client()
    sign_in(client, user)
    refused = client.post("/account/two-factor/recovery-codes", data={"renew-code": "123456"})
    assert refused.status_code == 200 and "This code is not correct." in refused.get_data(
        as_text=True)
    page = client.post("/account/two-factor/recovery-codes",
                       data={"renew-code": old[0]}).get_data(as_text=True)
    new = _codes_on_the_page(page)
    assert len(new) == 10 and not set(new) & set(old)
    assert two_factor.recovery_codes_left(user) == 10
    assert _actions(db, user)[-1] == "2fa_codes_renewed"


def test_turning_it_off_takes_the_password_and_a_code(client, db):
    user = make_user(Role.OFFICER, two_factor_on=True)
    sign_in(client, user)
    wrong = client.post("/account/two-factor/off", data={
        "off-password": "not-the-password", "off-code": totp_code(user)})
    assert "The password is not correct." in wrong.get_data(as_text=True)
    assert two_factor.is_enabled(_reloaded(db, user))
    response = client.post("/account/two-factor/off", data={
        "off-password": PASSWORD, "off-code": totp_code(user)})
    assert response.status_code == 302
    stored = _reloaded(db, user)
    assert stored.two_factor_secret is None and not two_factor.is_enabled(stored)
    assert two_factor.recovery_codes_left(stored) == 0
    assert _actions(db, user)[-1] == "2fa_disabled"
    client.post("/logout")
    assert _password(client, user).location == "/"


def test_whoever_must_keep_it_can_only_move_to_a_new_phone(client, db):
    user = make_user(Role.ADMIN)
    sign_in(client, user)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Move to a new phone" in page and "Turn off two-factor sign-in" not in page
    with pytest.raises(Exception, match="required"):
        two_factor.turn_off(user, PASSWORD, totp_code(user))
    response = client.post("/account/two-factor/off", data={
        "off-password": PASSWORD, "off-code": totp_code(user)})
    assert response.location.endswith("/account/two-factor/setup")
    assert client.get("/").location.endswith("/account/two-factor/setup")


def test_the_code_page_speaks_the_users_language(client, db):
    user = make_user(Role.OFFICER, language="ar", two_factor_on=True)
    _password(client, user)
    page = client.get("/login/code").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    client.set_cookie("lang", "fr")  # unless this browser chose another
    assert '<html lang="fr" dir="ltr">' in client.get("/login/code").get_data(as_text=True)


def test_the_pages_carry_no_inline_script_or_style(client, db):
    user = make_user(Role.ADMIN, two_factor_on=False)
    _password(client, user)
    pages = [client.get("/account/two-factor/setup").get_data(as_text=True)]
    client.post("/logout")
    officer = make_user(Role.OFFICER, two_factor_on=True)
    _password(client, officer)
    pages.append(client.get("/login/code").get_data(as_text=True))
    _code(client, totp_code(officer))
    pages.append(client.get("/account/two-factor").get_data(as_text=True))
    for page in pages:
        assert "<script>" not in page and "onclick=" not in page and "style=" not in page
