"""The read-only resources: staff list and read them with filters; innovators get 404."""

from crm.auth.models import Role
from tests.api.conftest import bearer
from tests.factories import make_user


def test_staff_list_a_projects_follow_ups_funding_and_figures(api, world):
    headers = bearer(make_user(Role.MANAGER))
    project = world.a.project.id
    for path in ("followups", "funding-opportunities", "measurements", "interactions"):
        response = api("GET", f"/api/v1/{path}?project_id={project}", headers)
        assert response.status_code == 200, (path, response.json)
        assert all(item["project_id"] == project for item in response.json["items"])
    followups = api("GET", f"/api/v1/followups?project_id={project}", headers).json["items"]
    assert len(followups) == 2
    one = api("GET", f"/api/v1/followups/{followups[0]['id']}", headers)
    assert one.status_code == 200 and one.json["status"] == "open"
    members = api("GET", f"/api/v1/memberships?person_id={world.a.person.id}", headers).json
    assert [m["organization_id"] for m in members["items"]] == [world.a.organization.id]
    opportunity = api("GET", f"/api/v1/funding-opportunities?project_id={project}",
                      headers).json["items"][0]
    assert isinstance(opportunity["amount_requested"], str)  # exact decimals, never floats


def test_a_filter_value_that_cannot_match_is_a_422(api, world):
    headers = bearer(make_user(Role.OFFICER))
    response = api("GET", "/api/v1/followups?status=lost", headers)
    assert response.status_code == 422 and "status" in response.json["error"]["fields"]


def test_innovators_get_404_on_the_staff_resources(api, world):
    headers = bearer(world.a.user)
    for path in ("followups", "funding-opportunities", "memberships", "forums",
                 "indicators", "campaigns", "participations", "interactions"):
        assert api("GET", f"/api/v1/{path}", headers).status_code == 404, path
