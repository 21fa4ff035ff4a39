"""Who must use two-factor sign-in: administrators always, officers and managers when an
administrator requires it; until they set it up they reach nothing but the setup. The
administrators' list, requirement and reset (a lost phone)."""

import re

import pyotp
import sqlalchemy as sa

from crm.audit.models import AuditEntry
from crm.auth import devices, two_factor
from crm.auth.models import RecoveryCode, RememberedDevice, Role, User
from tests.factories import make_user, sign_in


def _set_up(client) -> list[str]:
    """Set it up as a person would: the key from the page, a code of the app."""
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'id="two-factor-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    response = client.post("/account/two-factor/setup",
                           data={"code": pyotp.TOTP(secret.replace(" ", "")).now()})
    assert response.status_code == 200
    return re.findall(r"<code class=\"fs-5\">([a-z0-9]{4}(?:-[a-z0-9]{4}){3})</code>",
                      response.text)


def _entries(db, user, action) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.entity_type == "user", AuditEntry.entity_id == user.id,
        AuditEntry.action == action)))


def test_an_administrator_without_it_reaches_only_the_setup(client, db):
    admin = make_user(Role.ADMIN, two_factor_on=False)
    response = sign_in(client, admin)
    assert response.status_code == 302  # signed in with the password: nothing to check yet
    for path in ("/", "/admin/users", "/account/password", "/account/two-factor",
                 "/people"):
        refused = client.get(path)
        assert refused.location.endswith("/account/two-factor/setup"), path
    assert client.post("/admin/users/new", data={
        "email": "x@example.org", "role": "admin", "language": "fr",
        "password": "initial-password"}).location.endswith("/account/two-factor/setup")
    assert db.session.scalar(sa.select(User).where(User.email == "x@example.org")) is None
    setup = client.get("/account/two-factor/setup")
    assert setup.status_code == 200 and "required for your account" in setup.text
    assert client.post("/language", data={"lang": "ar", "next": "/"}).status_code == 302
    assert len(_set_up(client)) == 10
    assert client.get("/admin/users").status_code == 200


def test_the_guard_lets_an_administrator_log_out(client, db):
    admin = make_user(Role.ADMIN, two_factor_on=False)
    sign_in(client, admin)
    assert client.post("/logout").location.endswith("/login")
    assert client.get("/").location.startswith("/login")


def test_an_administrator_requires_it_of_an_officer(app, client, login_as, db):
    admin = login_as(Role.ADMIN)
    officer = make_user(Role.OFFICER)
    officer_client = app.test_client()
    sign_in(officer_client, officer)
    assert officer_client.get("/").status_code == 200  # optional for now

    page = client.get(f"/admin/users/{officer.id}").text
    assert "Require two-factor sign-in" in page
    response = client.post(f"/admin/users/{officer.id}/two-factor/required",
                           data={"required": "1"})
    assert response.location.endswith(f"/admin/users/{officer.id}")
    assert "Required, not set up" in client.get("/admin/users").text
    assert officer_client.get("/").location.endswith("/account/two-factor/setup")
    [entry] = _entries(db, officer, "2fa_required")
    assert entry.actor_id == admin.id
    assert entry.changes == {"two_factor_required": [False, True]}

    _set_up(officer_client)
    assert officer_client.get("/").status_code == 200
    page = officer_client.get("/account/two-factor").text
    assert "Move to a new phone" in page  # required: it cannot be turned off


def test_only_officers_and_managers_are_given_the_choice(client, login_as, db):
    login_as(Role.ADMIN)
    innovator, other_admin = make_user(Role.INNOVATOR), make_user(Role.ADMIN)
    for user in (innovator, other_admin):
        assert "Require two-factor sign-in" not in client.get(f"/admin/users/{user.id}").text
        page = client.post(f"/admin/users/{user.id}/two-factor/required",
                           data={"required": "1"}, follow_redirects=True).text
        assert "can be required of officers and managers only" in page
        db.session.expire_all()
        assert not db.session.get(User, user.id).two_factor_required


def test_the_list_says_who_has_it(client, login_as, db):
    login_as(Role.ADMIN)
    make_user(Role.ADMIN, email="no-2fa@example.org", two_factor_on=False)
    make_user(Role.OFFICER, email="optional@example.org")
    page = client.get("/admin/users").text
    assert "Two-factor sign-in" in page
    rows = {m.group(1): m.group(0) for m in re.finditer(
        r"<bdi>([^<]+@example\.org)</bdi>.*?</tr>", page, re.S)}
    assert "Required, not set up" in rows["no-2fa@example.org"]
    assert ">Off<" in rows["optional@example.org"]


def test_an_administrator_resets_a_lost_phone(app, client, login_as, db):
    admin = login_as(Role.ADMIN)
    manager = make_user(Role.MANAGER, two_factor_on=True)
    phone = app.test_client()
    sign_in(phone, manager)
    assert phone.get("/").status_code == 200
    devices.remember_device(manager, "Firefox")

    page = client.get(f"/admin/users/{manager.id}").text
    assert f'href="/admin/users/{manager.id}/two-factor/reset"' in page
    confirm = client.get(f"/admin/users/{manager.id}/two-factor/reset")
    assert confirm.status_code == 200 and "lost their phone" in confirm.text
    db.session.expire_all()
    assert two_factor.is_enabled(db.session.get(User, manager.id))  # asking changes nothing

    response = client.post(f"/admin/users/{manager.id}/two-factor/reset")
    assert response.location.endswith(f"/admin/users/{manager.id}")
    db.session.expire_all()
    stored = db.session.get(User, manager.id)
    assert not two_factor.is_enabled(stored) and stored.two_factor_secret is None
    for model in (RecoveryCode, RememberedDevice):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model).where(
            model.user_id == manager.id)) == 0
    assert phone.get("/").status_code == 302  # their sessions ended
    [entry] = _entries(db, manager, "2fa_reset")
    assert entry.actor_id == admin.id
    assert "Two-factor sign-in reset by an administrator" in client.get(
        f"/admin/users/{manager.id}").text
    assert sign_in(app.test_client(), manager).location == "/"  # optional: password only


def test_an_administrator_cannot_reset_their_own(client, login_as, db):
    admin = login_as(Role.ADMIN)
    assert "/two-factor/reset" not in client.get(f"/admin/users/{admin.id}").text
    page = client.post(f"/admin/users/{admin.id}/two-factor/reset", follow_redirects=True).text
    assert "You cannot reset your own two-factor sign-in" in page
    db.session.expire_all()
    assert two_factor.is_enabled(db.session.get(User, admin.id))


def test_others_cannot_use_the_administrators_controls(client, login_as, db):
    login_as(Role.MANAGER)
    officer = make_user(Role.OFFICER, two_factor_on=True)
    assert client.post(f"/admin/users/{officer.id}/two-factor/reset").status_code == 404
    assert client.post(f"/admin/users/{officer.id}/two-factor/required",
                       data={"required": "1"}).status_code == 404
    db.session.expire_all()
    assert two_factor.is_enabled(db.session.get(User, officer.id))


def test_the_demo_administrator_signs_in_with_the_documented_key(app, runner, db):
    from crm.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    result = runner.invoke(args=["crm", "seed-demo"])
    assert DEMO_TOTP_SECRET in result.output
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@demo.crm"))
    client = app.test_client()
    response = sign_in(client, admin, password=DEMO_PASSWORD, secret=DEMO_TOTP_SECRET)
    assert response.status_code == 302 and client.get("/").status_code == 200
    code = runner.invoke(args=["crm", "demo-code"]).output.strip()
    assert re.fullmatch(r"\d{6}", code)


def test_the_only_administrator_is_reset_from_the_command_line(runner, db):
    admin = make_user(Role.ADMIN)
    result = runner.invoke(args=["crm", "reset-two-factor", admin.email.upper()])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert two_factor.must_set_up(db.session.get(User, admin.id))
    [entry] = _entries(db, admin, "2fa_reset")
    assert entry.actor_id is None
    assert runner.invoke(args=["crm", "reset-two-factor", "nobody@example.org"]).exit_code == 1
