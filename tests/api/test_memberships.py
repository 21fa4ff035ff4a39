"""Memberships written through the API: whoever may edit the organization adds a person
with a role, changes the role and removes them; others get 404, a read-only token 403."""

from crm.api.models import Scope
from crm.auth.models import Role
from crm.extensions import db
from crm.organizations.models import Membership, MembershipRole
from tests.api.conftest import bearer
from tests.factories import make_person, make_project, make_user


def test_an_officer_adds_changes_and_removes_a_member(api, world):
    headers = bearer(world.officer)
    person = make_person(world.officer, first_name="Salma", last_name="Idrissi")
    added = api("POST", "/api/v1/memberships", headers, {
        "organization_id": world.a.organization.id, "person_id": person.id, "role": "staff"})
    assert added.status_code == 201, added.json
    membership_id = added.json["id"]
    again = api("POST", "/api/v1/memberships", headers, {
        "organization_id": world.a.organization.id, "person_id": person.id, "role": "member"})
    assert again.status_code == 422  # already a member

    changed = api("PATCH", f"/api/v1/memberships/{membership_id}", headers,
                  {"role": "director"})
    assert changed.status_code == 200 and changed.json["role"] == "director"
    db.session.expire_all()
    assert db.session.get(Membership, membership_id).role == MembershipRole.DIRECTOR

    removed = api("DELETE", f"/api/v1/memberships/{membership_id}", headers)
    assert removed.status_code == 204
    assert db.session.get(Membership, membership_id) is None


def test_others_get_404_and_a_read_only_token_403(api, world):
    other = make_user(Role.OFFICER)
    make_project(other, world.b.organization, officer=other)  # B is now also other's
    membership = db.session.scalar(db.select(Membership).where(
        Membership.person_id == world.b.person.id))
    url = f"/api/v1/memberships/{membership.id}"
    for user in (make_user(Role.MANAGER), world.a.user, world.b.user, other):
        assert api("PATCH", url, bearer(user), {"role": "staff"}).status_code == 404
        assert api("DELETE", url, bearer(user)).status_code == 404
        assert api("POST", "/api/v1/memberships", bearer(user), {
            "organization_id": world.b.organization.id, "person_id": world.a.person.id,
            "role": "member"}).status_code == 404
    assert api("DELETE", url, bearer(world.officer, Scope.READ)).status_code == 403
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == MembershipRole.FOUNDER


def test_an_invalid_membership_is_a_422(api, world):
    headers = bearer(world.officer)
    response = api("POST", "/api/v1/memberships", headers, {
        "organization_id": world.a.organization.id, "person_id": 999_999, "role": "boss"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"role"}
    nobody = api("POST", "/api/v1/memberships", headers, {
        "organization_id": world.a.organization.id, "person_id": 999_999, "role": "member"})
    assert nobody.status_code == 422 and "person_id" in nobody.json["error"]["fields"]
