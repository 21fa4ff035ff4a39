"""Bulk actions under the people and organizations lists: tags added and removed through the
records' own services (in their history), people listed in a forum session, each row checked
as if changed alone and counted done or skipped with its reason."""

import pytest

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.bulk.models import BulkJob
from crm.extensions import db
from crm.forums.models import ForumSession, Participation, ParticipationRole
from crm.organizations.models import Organization
from crm.people.models import Person
from tests.factories import (
    make_forum,
    make_membership,
    make_organization,
    make_participation,
    make_person,
    make_project,
    make_user,
)


def _organization_of(officer):
    """An organization whose project is the officer's."""
    organization = make_organization()
    make_project(organization=organization, officer=officer)
    return organization


def _person_of(officer):
    """A person of an organization whose project is the officer's."""
    person = make_person()
    make_membership(_organization_of(officer), person)
    return person


def _tags(model, record_id) -> list[str]:
    return [t.name for t in db.session.get(model, record_id).tags]


def _audited(entity_type: str, action: str, ids) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == entity_type, AuditEntry.action == action,
        AuditEntry.entity_id.in_(ids))))


def test_an_officer_tags_the_ticked_people_and_those_of_others_are_skipped(client, login_as):
    officer = login_as(Role.OFFICER)
    mine, nobodys = _person_of(officer), make_person()
    theirs = _person_of(make_user(Role.OFFICER))
    ticked = [str(p.id) for p in (mine, nobodys, theirs)]
    listing = client.get("/people")
    assert f'name="person_id" value="{mine.id}" form="bulk-form"' in listing.text
    assert "Act on several people" in listing.text and "This list holds 3 people." in listing.text
    prepared = client.post("/bulk/people/prepare", data={
        "scope": "selected", "action": "tag", "person_id": ticked})
    assert "3 people are chosen" in prepared.text and 'id="tag"' in prepared.text
    assert f'name="person_id" value="{theirs.id}"' in prepared.text
    page = client.post("/bulk/people", data={"scope": "selected", "action": "tag",
                                             "tag": "Mentorat", "person_id": ticked},
                       follow_redirects=True)
    assert "2 done and 1 skipped of 3 people" in page.text
    assert "not yours to change: 1" in page.text
    assert _tags(Person, mine.id) == _tags(Person, nobodys.id) == ["Mentorat"]
    assert _tags(Person, theirs.id) == []
    entries = _audited("person", "update", [mine.id, nobodys.id, theirs.id])
    assert sorted(e.entity_id for e in entries) == sorted([mine.id, nobodys.id])
    assert all(e.changes == {"tags": ["", "Mentorat"]} and e.actor_id == officer.id
               for e in entries)


def test_a_tag_is_removed_from_the_whole_filtered_list(client, login_as):
    officer = login_as(Role.OFFICER)
    people = [make_person(tag_names=["Femmes", "Jeunes"]) for _ in range(3)]
    other = make_person(tag_names=["Jeunes"])
    tag_id = next(t.id for t in people[0].tags if t.name == "Femmes")
    page = client.post("/bulk/people", data={"scope": "all", "query": f"tag={tag_id}",
                                             "action": "untag", "tag": "femmes"},
                       follow_redirects=True)
    assert "3 done and 0 skipped of 3 people" in page.text
    assert {tuple(_tags(Person, p.id)) for p in people} == {("Jeunes",)}
    assert _tags(Person, other.id) == ["Jeunes"]
    assert db.session.scalar(db.select(BulkJob.entity)) == "people"
    assert len(_audited("person", "update", [p.id for p in people])) == 3
    assert officer.id == db.session.scalar(db.select(BulkJob.created_by_id))


def test_people_are_added_to_a_forum_session_once(client, login_as):
    officer = login_as(Role.OFFICER)
    forum = make_forum(name="WeXchange 2024", sessions=("Finance innovante",))
    session = db.session.scalar(db.select(ForumSession).where(
        ForumSession.forum_id == forum.id, ForumSession.name_fr == "Finance innovante"))
    listed = make_person()
    make_participation(session, listed, role="participant", attended=False)
    others = [make_person(), make_person(), _person_of(make_user(Role.OFFICER))]
    ticked = [str(p.id) for p in (listed, *others)]
    prepared = client.post("/bulk/people/prepare", data={
        "scope": "selected", "action": "participate", "person_id": ticked})
    assert 'id="session_id"' in prepared.text and "WeXchange 2024 — Finance innovante" in (
        prepared.text)
    assert '<input checked class="form-check-input" id="attended"' in prepared.text
    page = client.post("/bulk/people", data={
        "scope": "selected", "action": "participate", "session_id": str(session.id),
        "role": "speaker", "attended": "y", "person_id": ticked}, follow_redirects=True)
    assert "3 done and 1 skipped of 4 people" in page.text and "already so: 1" in page.text
    rows = {p.person_id: (p.role, p.attended) for p in db.session.scalars(
        db.select(Participation).where(Participation.session_id == session.id))}
    assert rows == {listed.id: (ParticipationRole.PARTICIPANT, False),
                    **{p.id: (ParticipationRole.SPEAKER, True) for p in others}}
    created = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "participation", AuditEntry.action == "create",
        AuditEntry.actor_id == officer.id))
    assert sorted(e.changes["person_id"][1] for e in created) == sorted(p.id for p in others)


def test_a_session_must_be_chosen_and_managers_list_nobody(client, login_as):
    login_as(Role.OFFICER)
    person = make_person()
    refused = client.post("/bulk/people", data={
        "scope": "selected", "action": "participate", "session_id": "", "role": "speaker",
        "person_id": [str(person.id)]}, follow_redirects=True)
    assert "Choose a forum session." in refused.text
    assert db.session.scalar(db.select(BulkJob.id)) is None
    session = db.session.scalar(db.select(ForumSession).where(
        ForumSession.forum_id == make_forum().id))
    client.post("/logout")
    login_as(Role.MANAGER)
    listing = client.get("/people")
    assert 'name="action"' not in listing.text and "Export them to CSV" in listing.text
    page = client.post("/bulk/people", data={
        "scope": "selected", "action": "participate", "session_id": str(session.id),
        "role": "participant", "person_id": [str(person.id)]}, follow_redirects=True)
    assert "0 done and 1 skipped of 1 people" in page.text
    assert "not yours to change: 1" in page.text
    assert db.session.scalar(db.select(Participation.id)) is None


def test_an_officer_tags_the_ticked_organizations(client, login_as):
    officer = login_as(Role.OFFICER)
    mine, nobodys = _organization_of(officer), make_organization()
    theirs = _organization_of(make_user(Role.OFFICER))
    ticked = [str(o.id) for o in (mine, nobodys, theirs)]
    listing = client.get("/organizations")
    assert f'name="organization_id" value="{mine.id}" form="bulk-form"' in listing.text
    prepared = client.post("/bulk/organizations/prepare", data={
        "scope": "selected", "action": "tag", "organization_id": ticked})
    assert "3 organizations are chosen" in prepared.text
    page = client.post("/bulk/organizations", data={
        "scope": "selected", "action": "tag", "tag": "Coopératives agricoles",
        "organization_id": ticked}, follow_redirects=True)
    assert "2 done and 1 skipped of 3 organizations" in page.text
    assert "not yours to change: 1" in page.text
    assert _tags(Organization, mine.id) == ["Coopératives agricoles"]
    assert _tags(Organization, theirs.id) == []
    entries = _audited("organization", "update", [mine.id, nobodys.id, theirs.id])
    assert sorted(e.entity_id for e in entries) == sorted([mine.id, nobodys.id])


def test_an_action_of_another_list_is_refused(client, login_as):
    login_as(Role.OFFICER)
    organization = make_organization()
    page = client.post("/bulk/organizations", data={
        "scope": "selected", "action": "move", "stage": "applied",
        "organization_id": [str(organization.id)]}, follow_redirects=True)
    assert "This action does not apply to this list." in page.text
    wrong = client.post("/bulk/organizations/prepare", data={
        "scope": "selected", "action": "participate",
        "organization_id": [str(organization.id)]}, follow_redirects=True)
    assert "Choose an action." in wrong.text
    nothing = client.post("/bulk/organizations/prepare", data={
        "scope": "selected", "action": "tag"}, follow_redirects=True)
    assert "Tick the organizations to act on" in nothing.text
    assert client.post("/bulk/teams/prepare", data={"action": "tag"}).status_code == 404
    assert db.session.scalar(db.select(BulkJob.id)) is None


HOSTILE = ["", "-1", "99999999999999999999", "a\x00b", "\u202eabc\u2069", "x" * 5000,
           "cohort=\x00&tag=1&stage=%00", "NaN"]


@pytest.mark.parametrize("value", HOSTILE)
def test_every_bulk_form_survives_hostile_values(client, login_as, value):
    login_as(Role.ADMIN)
    person = make_person()
    fields = ("scope", "action", "stage", "note", "officer_id", "tag", "title", "kind",
              "due_on", "session_id", "role", "attended", "query", "project_id",
              "person_id", "organization_id")
    for entity in ("projects", "people", "organizations"):
        for step in ("/prepare", "", "/export", "/export?format=xlsx"):
            response = client.post(f"/bulk/{entity}{step}",
                                   data={name: value for name in fields})
            assert response.status_code < 500, (entity, step, value)
            expected = {400} if "\x00" in value else {200, 302}
            assert response.status_code in expected, (entity, step, value)
    assert _tags(Person, person.id) == []
