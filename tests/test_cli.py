"""The `flask crm` commands."""

from crm.auth.models import Role, User
from crm.demo import DEMO_USERS


def test_create_user_reads_the_password_from_stdin(runner, db):
    result = runner.invoke(args=["crm", "create-user", "Lina@Example.org", "--role", "manager"],
                           input="a-long-password\n")
    assert result.exit_code == 0, result.output
    assert "a-long-password" not in result.output
    user = db.session.scalar(db.select(User).where(User.email == "lina@example.org"))
    assert user.role == Role.MANAGER


def test_create_user_updates_an_existing_user(runner, db):
    runner.invoke(args=["crm", "create-user", "lina@example.org", "--role", "officer"],
                  input="a-long-password\n")
    result = runner.invoke(args=["crm", "create-user", "lina@example.org", "--role", "admin"],
                           input="another-long-password\n")
    assert result.exit_code == 0 and "Updated" in result.output
    users = list(db.session.scalars(db.select(User)))
    assert len(users) == 1 and users[0].role == Role.ADMIN


def test_create_user_refuses_a_short_password(runner, db):
    result = runner.invoke(args=["crm", "create-user", "x@example.org", "--role", "officer"],
                           input="short\n")
    assert result.exit_code != 0
    assert db.session.scalar(db.select(User)) is None


def test_create_user_has_no_password_option(runner):
    result = runner.invoke(args=["crm", "create-user", "x@example.org", "--role", "officer",
                                 "--password", "a-long-password"])
    assert result.exit_code != 0


def test_seed_demo_is_idempotent_and_prints_the_logins(runner, db):
    first = runner.invoke(args=["crm", "seed-demo"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(db.select(db.func.count()).select_from(User))
    second = runner.invoke(args=["crm", "seed-demo"])
    assert second.exit_code == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == count
    for email, _role, _lang, _name in DEMO_USERS:
        assert email in first.output
    assert {u.role for u in db.session.scalars(db.select(User))} == set(Role)


def test_seed_demo_if_empty_leaves_a_used_database_alone(runner, db):
    runner.invoke(args=["crm", "create-user", "real@example.org", "--role", "admin"],
                  input="a-long-password\n")
    result = runner.invoke(args=["crm", "seed-demo", "--if-empty"])
    assert "not loaded" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_each_demo_login_reaches_its_home_page(app, runner, db):
    runner.invoke(args=["crm", "seed-demo"])
    from crm.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
    from tests.factories import sign_in

    for email, _role, _lang, _name in DEMO_USERS:
        client = app.test_client()
        user = db.session.scalar(db.select(User).where(User.email == email))
        response = sign_in(client, user, DEMO_PASSWORD, DEMO_TOTP_SECRET)  # admin: and a code
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200
