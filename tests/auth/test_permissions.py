"""The permission table, the route declarations and what each role reaches."""

import pytest

from crm.auth.models import Role
from crm.auth.permissions import PERMISSIONS, can
from tests.factories import make_user
from tests.permission_matrix import EXPECTED


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", list(Role))
def test_role_action_matrix(app, role, action):
    user = make_user(role)
    assert can(user, action) is (role in EXPECTED[action])


def test_the_implementation_has_exactly_the_expected_actions():
    assert set(PERMISSIONS) == set(EXPECTED)


def test_an_inactive_user_can_do_nothing(app):
    user = make_user(Role.ADMIN, active=False)
    assert not can(user, "home.view")


def test_unknown_actions_are_an_error(app):
    with pytest.raises(KeyError):
        can(make_user(Role.ADMIN), "no.such.action")


def test_every_route_declares_a_permission(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, "required_permission", None)
        if declared != "public" and declared not in PERMISSIONS:
            undeclared.append(rule.rule)
    assert undeclared == []


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OFFICER, Role.INNOVATOR])
def test_user_administration_is_404_for_other_roles(client, login_as, role, db):
    login_as(role)
    target = make_user(Role.OFFICER)
    assert client.get("/admin/users").status_code == 404
    assert client.get("/admin/users/new").status_code == 404
    response = client.post(f"/admin/users/{target.id}", data={
        "role": "admin", "language": "fr", "active": "y", "full_name": "x"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(type(target), target.id).role == Role.OFFICER


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_a_home_page_fitted_to_it(client, login_as, role):
    login_as(role)
    page = client.get("/").get_data(as_text=True)
    assert ("/admin/users" in page) is (role == Role.ADMIN)
