"""Follow-ups and interactions written through the API: an editor plans, reschedules,
closes and cancels follow-ups and logs interactions; other roles get 404, read-only tokens
403, invalid bodies 422 in the requester's language, a stale version 409."""

from datetime import date, timedelta

from crm.api.models import Scope
from crm.auth.models import Role
from crm.extensions import db
from crm.followups.models import FollowUp, FollowUpStatus
from crm.interactions.models import Interaction
from tests.api.conftest import bearer
from tests.factories import make_followup, make_project, make_user

SOON = (date.today() + timedelta(days=3)).isoformat()


def _plan(api, headers, **body):
    return api("POST", "/api/v1/followups", headers,
               {"kind": "call", "title": "Rappeler", "due_on": SOON} | body)


def test_an_officer_plans_reschedules_and_closes_a_follow_up(api, db):
    officer = make_user(Role.OFFICER)
    headers = bearer(officer)
    project = make_project(officer, officer=officer)
    created = _plan(api, headers, project_id=project.id)
    assert created.status_code == 201, created.json
    followup = db.session.get(FollowUp, created.json["id"])
    assert followup.assignee_id == officer.id and followup.project_id == project.id

    later = (date.today() + timedelta(days=10)).isoformat()
    moved = api("PATCH", f"/api/v1/followups/{followup.id}", headers,
                {"due_on": later, "version": created.json["version"]})
    assert moved.status_code == 200 and moved.json["due_on"] == later
    stale = api("POST", f"/api/v1/followups/{followup.id}/complete", headers,
                {"outcome": "Accord", "version": created.json["version"]})
    assert stale.status_code == 409
    assert stale.json["error"]["current_version"] == moved.json["version"]

    done = api("POST", f"/api/v1/followups/{followup.id}/complete", headers,
               {"outcome": "Accord trouvé", "version": moved.json["version"]})
    assert done.status_code == 200 and done.json["status"] == "done"
    interaction = db.session.get(Interaction, done.json["interaction_id"])
    assert interaction.notes == "Accord trouvé" and interaction.project_id == project.id
    again = api("POST", f"/api/v1/followups/{followup.id}/cancel", headers)
    assert again.status_code == 422  # already closed


def test_an_admin_cancels_an_officers_follow_up(api, world):
    followup = make_followup(world.officer, project=world.a.project, actor=world.officer)
    cancelled = api("POST", f"/api/v1/followups/{followup.id}/cancel",
                    bearer(make_user(Role.ADMIN)), {"version": followup.version})
    assert cancelled.status_code == 200
    db.session.expire_all()
    assert db.session.get(FollowUp, followup.id).status == FollowUpStatus.CANCELLED


def test_others_get_404_and_a_read_only_token_403(api, world):
    followup = make_followup(world.officer, project=world.a.project, actor=world.officer)
    url = f"/api/v1/followups/{followup.id}/cancel"
    for user in (make_user(Role.OFFICER), make_user(Role.MANAGER), world.a.user):
        assert api("POST", url, bearer(user)).status_code == 404  # not theirs to close
    for user in (make_user(Role.MANAGER), world.a.user):
        assert _plan(api, bearer(user), project_id=world.a.project.id).status_code == 404
    assert api("POST", url, bearer(world.officer, Scope.READ)).status_code == 403
    db.session.expire_all()
    assert db.session.get(FollowUp, followup.id).status == FollowUpStatus.OPEN


def test_an_invalid_follow_up_is_a_422_in_the_requesters_language(api, world):
    headers = bearer(world.officer) | {"Accept-Language": "fr"}
    response = _plan(api, headers, title=" ", assignee_id=make_user(Role.MANAGER).id,
                     project_id=world.a.project.id)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"assignee_id": ["Choisissez qui s’en chargera."]}
    nowhere = _plan(api, headers, project_id=999_999)
    assert nowhere.status_code == 422 and "project_id" in nowhere.json["error"]["fields"]
    untargeted = _plan(api, headers)
    assert untargeted.status_code == 422 and untargeted.json["error"]["message"]
    missing = api("POST", "/api/v1/followups", headers, {"project_id": world.a.project.id})
    assert set(missing.json["error"]["fields"]) == {"kind", "title", "due_on"}


def test_an_editor_logs_an_interaction_others_get_404(api, world):
    body = {"kind": "meeting", "occurred_on": date.today().isoformat(),
            "summary": "Réunion de suivi", "person_id": world.a.person.id,
            "project_id": world.a.project.id}
    created = api("POST", "/api/v1/interactions", bearer(world.officer), body)
    assert created.status_code == 201, created.json
    interaction = db.session.get(Interaction, created.json["id"])
    assert interaction.person_id == world.a.person.id and interaction.author_id == world.officer.id
    for user in (make_user(Role.MANAGER), world.a.user):
        assert api("POST", "/api/v1/interactions", bearer(user), body).status_code == 404
    future = api("POST", "/api/v1/interactions", bearer(world.officer),
                 body | {"occurred_on": SOON})
    assert future.status_code == 422 and "occurred_on" in future.json["error"]["fields"]
