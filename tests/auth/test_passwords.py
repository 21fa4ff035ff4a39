"""New passwords: 12 characters at least, not a common one, any script and length welcome,
at every place a password is set."""

import pytest

from crm.auth import services
from crm.auth.models import Role, User
from crm.auth.passwords import common_passwords
from crm.errors import ServiceError
from tests.factories import PASSWORD, make_user

ARABIC = "كلمة سر طويلة جدا"


def test_the_shipped_list_holds_ten_thousand_common_passwords(app):
    assert len(common_passwords()) == 10_000
    assert {"password", "123456", "qwerty"} <= common_passwords()


@pytest.mark.parametrize("password", ["eleven-char", "password1234", "PASSWORD1234"])
def test_short_or_common_passwords_are_refused(app, db, password):
    with pytest.raises(ServiceError):
        services.create_user(None, "new@example.org", password, Role.OFFICER, "fr")
    assert db.session.scalar(db.select(User).where(User.email == "new@example.org")) is None


@pytest.mark.parametrize("password", [ARABIC, "x" * 200, "correct horse battery staple"])
def test_long_and_arabic_passwords_are_accepted_and_work(client, db, password):
    user = services.create_user(None, "new@example.org", password, Role.OFFICER, "ar")
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302


def test_the_admin_screen_refuses_a_common_password_with_a_message(client, login_as, db):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data={
        "email": "new@example.org", "role": "officer", "language": "fr",
        "password": "password1234"})
    assert response.status_code == 200
    assert "among the most common" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "new@example.org")) is None


def test_changing_to_an_eleven_character_password_is_refused(client, login_as, db):
    user = login_as(Role.OFFICER)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "eleven-char", "confirm": "eleven-char"})
    assert response.status_code == 200
    assert "at least 12 characters" in response.get_data(as_text=True)
    assert services.authenticate(user.email, PASSWORD) is not None


def test_the_cli_refuses_a_common_password(runner, db):
    result = runner.invoke(args=["crm", "create-user", "new@example.org", "--role", "admin"],
                           input="qwertyuiop123\n")
    assert result.exit_code != 0
    assert "most common" in result.output
    make_user(Role.OFFICER)  # the database still answers


def _by_admin_screen(user, password):
    services.create_user(None, "new@example.org", password, Role.OFFICER, "fr")


def _by_cli(user, password):
    services.upsert_user(user.email, password, Role.OFFICER)


def _by_change(user, password):
    services.change_password(user, PASSWORD, password)


def _by_reset_link(user, password):
    from crm.auth import reset

    reset.reset_password(reset.make_token(user), password)


def _by_invitation(user, password):
    from crm.invitations import services as invitations
    from tests.factories import make_person

    person = make_person(email="invited@example.org")
    invitation = invitations.invite(user, person, "fr")
    invitations.accept(invitations.make_token(invitation), password, "fr")


@pytest.mark.parametrize("entry", [_by_admin_screen, _by_cli, _by_change, _by_reset_link,
                                   _by_invitation])
@pytest.mark.parametrize("password, message", [("eleven-char", "at least 12 characters"),
                                               ("Password1234", "most common")])
def test_every_place_a_password_is_set_applies_both_rules(app, db, smtp_server, entry,
                                                          password, message):
    user = make_user(Role.OFFICER)
    with pytest.raises(ServiceError, match=message):
        entry(user, password)
    db.session.rollback()
    assert services.authenticate(user.email, PASSWORD) is not None
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1

