"""Each role's token through create → move → stale version → archive, and what each may not
see; innovators reach only their own organizations' projects."""

import pytest

from crm.api.models import Scope
from crm.auth.models import Role
from crm.pipeline.models import StageTransition
from tests.api.conftest import bearer
from tests.factories import make_organization, make_project, make_user


def _create(api, headers, organization):
    return api("POST", "/api/v1/projects", headers, {
        "organization_id": organization.id, "name": "Eau pour tous", "themes": ["water"],
        "sdgs": [6], "tags": ["api"]})


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICER])
def test_editors_create_move_meet_a_conflict_and_archive(api, db, role):
    user = make_user(role)
    headers = bearer(user)
    organization = make_organization(user)
    created = _create(api, headers, organization)
    assert created.status_code == 201, created.json
    project = created.json
    assert project["stage"] == "identified" and project["tags"] == ["api"]
    assert project["officer_id"] == (user.id if role == Role.OFFICER else None)

    moved = api("POST", f"/api/v1/projects/{project['id']}/move", headers,
                {"stage": "contacted", "version": project["version"]})
    assert moved.status_code == 200, moved.json
    assert moved.json["stage"] == "contacted"
    history = api("GET", f"/api/v1/projects/{project['id']}/stages", headers)
    assert [t["to_stage"] for t in history.json] == ["identified", "contacted"]

    stale = api("PATCH", f"/api/v1/projects/{project['id']}", headers,
                {"name": "Autre nom", "version": project["version"]})
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "conflict"
    assert stale.json["error"]["current_version"] == moved.json["version"]

    updated = api("PATCH", f"/api/v1/projects/{project['id']}", headers,
                  {"name": "Autre nom", "version": moved.json["version"]})
    assert updated.status_code == 200, updated.json
    assert updated.json["name"] == "Autre nom" and updated.json["themes"] == ["water"]

    archived = api("POST", f"/api/v1/projects/{project['id']}/archive", headers)
    assert archived.status_code == 200 and archived.json["archived_at"]
    live = api("GET", "/api/v1/projects", headers).json["items"]
    assert project["id"] not in [p["id"] for p in live]


def test_a_manager_reads_but_creates_moves_and_archives_nothing(api, db):
    officer = make_user(Role.OFFICER)
    project = make_project(officer, officer=officer)
    headers = bearer(make_user(Role.MANAGER))
    assert api("GET", f"/api/v1/projects/{project.id}", headers).status_code == 200
    assert _create(api, headers, project.organization).status_code == 404
    moved = api("POST", f"/api/v1/projects/{project.id}/move", headers,
                {"stage": "contacted", "version": project.version})
    assert moved.status_code == 404
    patched = api("PATCH", f"/api/v1/projects/{project.id}", headers,
                  {"name": "x", "version": project.version})
    assert patched.status_code == 404
    assert api("POST", f"/api/v1/projects/{project.id}/archive", headers).status_code == 404
    assert db.session.scalar(db.select(db.func.count(StageTransition.id)).where(
        StageTransition.project_id == project.id)) == 1


def test_an_officer_cannot_change_another_officers_project(api, db):
    mine, theirs = make_user(Role.OFFICER), make_user(Role.OFFICER)
    project = make_project(theirs, officer=theirs)
    headers = bearer(mine)
    assert api("GET", f"/api/v1/projects/{project.id}", headers).status_code == 200
    moved = api("POST", f"/api/v1/projects/{project.id}/move", headers,
                {"stage": "contacted", "version": project.version})
    assert moved.status_code == 404
    assert api("POST", f"/api/v1/projects/{project.id}/archive", headers).status_code == 404


def test_an_innovator_updates_their_project_and_nothing_else(api, world):
    headers = bearer(world.a.user)
    mine, other = world.a.project, world.b.project
    read = mine.version
    listed = api("GET", "/api/v1/projects", headers).json["items"]
    assert [p["id"] for p in listed] == [mine.id]
    assert api("GET", f"/api/v1/projects/{other.id}", headers).status_code == 404
    assert _create(api, headers, world.a.organization).status_code == 404

    updated = api("PATCH", f"/api/v1/projects/{mine.id}", headers,
                  {"description": "Notre projet", "version": read})
    assert updated.status_code == 200, updated.json
    stale = api("PATCH", f"/api/v1/projects/{mine.id}", headers,
                {"description": "Encore", "version": read})
    assert stale.status_code == 409
    refused = api("PATCH", f"/api/v1/projects/{mine.id}", headers,
                  {"themes": ["water"], "version": updated.json["version"]})
    assert refused.status_code == 422 and "themes" in refused.json["error"]["fields"]
    moved = api("POST", f"/api/v1/projects/{mine.id}/move", headers,
                {"stage": "alumni", "version": updated.json["version"]})
    assert moved.status_code == 404
    assert api("POST", f"/api/v1/projects/{mine.id}/archive", headers).status_code == 404
    other_patch = api("PATCH", f"/api/v1/projects/{other.id}", headers,
                      {"description": "x", "version": other.version})
    assert other_patch.status_code == 404


def test_an_exit_without_a_reason_is_a_validation_error(api, db):
    officer = make_user(Role.OFFICER)
    project = make_project(officer, officer=officer)
    moved = api("POST", f"/api/v1/projects/{project.id}/move", bearer(officer),
                {"stage": "declined", "version": project.version})
    assert moved.status_code == 422
    assert moved.json["error"]["code"] == "validation"
    assert "note" in moved.json["error"]["fields"]


def test_a_read_only_token_reads_and_may_not_write(api, db):
    officer = make_user(Role.OFFICER)
    project = make_project(officer, officer=officer)
    headers = bearer(officer, Scope.READ)
    assert api("GET", f"/api/v1/projects/{project.id}", headers).status_code == 200
    refused = api("POST", f"/api/v1/projects/{project.id}/archive", headers)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
