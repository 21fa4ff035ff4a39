"""The administrators' account screens."""

from crm.auth.models import Role, User
from tests.factories import PASSWORD, make_user


def test_admin_creates_an_account_that_can_log_in(app, client, login_as, db):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data={
        "email": "Nouveau@Example.org", "full_name": "Rachid Nouveau", "role": "officer",
        "language": "ar", "password": "initial-password", "active": "y"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "nouveau@example.org"))
    assert user.role == Role.OFFICER and user.language == "ar" and user.active
    other = app.test_client()
    assert other.post("/login", data={"email": "nouveau@example.org",
                                      "password": "initial-password"}).status_code == 302


def test_a_second_account_with_the_same_email_is_refused(client, login_as, db):
    login_as(Role.ADMIN)
    existing = make_user(Role.OFFICER, email="taken@example.org")
    response = client.post("/admin/users/new", data={
        "email": "TAKEN@example.org", "full_name": "x", "role": "manager", "language": "fr",
        "password": "initial-password"})
    assert response.status_code == 200
    assert "An account with this email already exists." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 2
    assert db.session.get(User, existing.id).role == Role.OFFICER


def test_invalid_input_keeps_what_was_typed(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data={
        "email": "not-an-email", "full_name": "Fatima Zahra", "role": "manager",
        "language": "fr", "password": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This is not a valid email address." in page
    assert 'value="Fatima Zahra"' in page and 'value="not-an-email"' in page


def test_admin_changes_a_role_and_deactivates_an_account(app, client, login_as, db):
    login_as(Role.ADMIN)
    target = make_user(Role.OFFICER)
    session = app.test_client()
    session.post("/login", data={"email": target.email, "password": PASSWORD})
    assert session.get("/").status_code == 200

    response = client.post(f"/admin/users/{target.id}", data={
        "full_name": "Renamed", "role": "manager", "language": "en"})  # active unchecked
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, target.id)
    assert (changed.role, changed.language, changed.active) == (Role.MANAGER, "en", False)
    assert session.get("/").status_code == 302  # the open session ended


def test_admin_cannot_remove_their_own_admin_access(client, login_as, db):
    admin = login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}", data={
        "full_name": "Me", "role": "officer", "language": "fr", "active": "y"},
        follow_redirects=True)
    assert "You cannot remove your own administrator access." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.ADMIN


def test_the_list_shows_every_account(client, login_as):
    login_as(Role.ADMIN)
    make_user(Role.INNOVATOR, email="innovator-x@example.org")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "innovator-x@example.org" in page


def test_unknown_user_id_is_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/admin/users/9999").status_code == 404
