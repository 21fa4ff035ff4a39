"""Forums and participations through the API: whoever manages forums creates and changes an
edition (a stale version is a 409), adds its sessions, lists people in them, changes and
removes those listings; other roles get 404, a read-only token 403, and invalid input a 422
in the requester's language."""

from crm.api.models import Scope
from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.extensions import db
from crm.forums.models import Forum, ForumSession, Participation, ParticipationRole
from crm.people.models import Person
from tests.api.conftest import bearer
from tests.factories import make_forum, make_participation, make_person, make_user


def _session_of(forum: Forum) -> ForumSession:
    return db.session.scalar(db.select(ForumSession).where(ForumSession.forum_id == forum.id))


def test_an_officer_creates_a_forum_adds_a_session_and_lists_a_person(api, world):
    headers = bearer(world.officer)
    created = api("POST", "/api/v1/forums", headers, {
        "name": " Forum Atlas ", "held_on": "2025-03-14", "number": 4, "city": "Fès"})
    assert created.status_code == 201, created.json
    forum_id = created.json["id"]
    session = api("POST", f"/api/v1/forums/{forum_id}/sessions", headers, {
        "kind": "workshop", "name_fr": "Atelier eau", "name_ar": "ورشة الماء"})
    assert session.status_code == 201, session.json
    listed = api("POST", "/api/v1/participations", headers, {
        "session_id": session.json["id"], "person_id": world.b.person.id,
        "role": "speaker", "attended": False})
    assert listed.status_code == 201, listed.json
    db.session.expire_all()
    forum = db.session.get(Forum, forum_id)
    assert (forum.name, forum.number, forum.city) == ("Forum Atlas", 4, "Fès")
    assert [s.name_ar for s in forum.sessions] == ["ورشة الماء"]
    saved = db.session.get(Participation, listed.json["id"])
    assert saved.role == ParticipationRole.SPEAKER and saved.attended is False
    assert saved.person_id == world.b.person.id


def test_invalid_input_is_a_422_in_the_requesters_language(api, world):
    headers = bearer(world.officer) | {"Accept-Language": "fr"}
    forum = make_forum(world.officer)
    missing = api("POST", "/api/v1/forums", headers, {"number": 1000})
    assert missing.status_code == 422
    fields = missing.json["error"]["fields"]
    assert set(fields) == {"name", "held_on", "number"}
    assert fields["name"] == ["Ce champ est obligatoire."]
    blank = api("POST", f"/api/v1/forums/{forum.id}/sessions", headers,
                {"kind": "workshop", "name_fr": "  "})
    assert blank.status_code == 422 and "name_fr" in blank.json["error"]["fields"]
    person = make_person()
    make_participation(_session_of(forum), person)
    body = {"session_id": _session_of(forum).id, "person_id": person.id}
    twice = api("POST", "/api/v1/participations", headers, body)
    assert twice.status_code == 422 and twice.json["error"]["message"]
    unknown = api("POST", "/api/v1/participations", headers, body | {"session_id": 999_999})
    assert unknown.status_code == 422 and "session_id" in unknown.json["error"]["fields"]


def test_others_get_404_and_a_read_only_token_403(api, world):
    forum = make_forum(world.officer)
    session = _session_of(forum)
    forum_body = {"name": "Forum", "held_on": "2025-03-14"}
    session_body = {"kind": "workshop", "name_fr": "Atelier"}
    listing = {"session_id": session.id, "person_id": world.b.person.id}
    for user in (make_user(Role.MANAGER), world.a.user):
        headers = bearer(user)
        assert api("POST", "/api/v1/forums", headers, forum_body).status_code == 404
        assert api("POST", f"/api/v1/forums/{forum.id}/sessions", headers,
                   session_body).status_code == 404
        assert api("POST", "/api/v1/participations", headers, listing).status_code == 404
    assert api("POST", "/api/v1/forums/999999/sessions", bearer(world.officer),
               session_body).status_code == 404
    read_only = bearer(world.officer, Scope.READ)
    assert api("POST", "/api/v1/forums", read_only, forum_body).status_code == 403
    assert api("POST", "/api/v1/participations", read_only, listing).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 0
    assert len(db.session.get(Forum, forum.id).sessions) == 2


def test_an_officer_changes_an_edition_with_its_version(api, world):
    headers = bearer(world.officer)
    forum = make_forum(world.officer, city="Fès")
    version = forum.version
    url = f"/api/v1/forums/{forum.id}"
    changed = api("PATCH", url, headers, {"name": " Forum Atlas ", "held_on": "2025-04-01",
                                          "version": version})
    assert changed.status_code == 200, changed.json
    assert changed.json["name"] == "Forum Atlas" and changed.json["city"] == "Fès"
    assert changed.json["version"] == version + 1
    stale = api("PATCH", url, headers, {"city": "Rabat", "version": version})
    assert stale.status_code == 409
    assert stale.json["error"]["current_version"] == changed.json["version"]
    db.session.expire_all()
    saved = db.session.get(Forum, forum.id)
    assert (saved.name, saved.held_on.isoformat(), saved.city) == (
        "Forum Atlas", "2025-04-01", "Fès")
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.entity_type == "forum", AuditEntry.action == "update"))
    assert entry.actor_id == world.officer.id and entry.changes["held_on"][1] == "2025-04-01"


def test_an_invalid_edition_change_is_a_422_in_the_requesters_language(api, world):
    headers = bearer(world.officer) | {"Accept-Language": "fr"}
    forum = make_forum(world.officer)
    version = forum.version
    url = f"/api/v1/forums/{forum.id}"
    missing = api("PATCH", url, headers, {"name": "Forum"})
    assert missing.status_code == 422
    assert missing.json["error"]["fields"]["version"] == ["Ce champ est obligatoire."]
    blank = api("PATCH", url, headers, {"name": "  ", "version": version})
    assert blank.status_code == 422
    assert blank.json["error"]["fields"]["name"] == ["Donnez un nom au forum."]
    wrong = api("PATCH", url, headers, {"held_on": None, "number": 0,
                                        "version": version})
    assert wrong.status_code == 422
    assert set(wrong.json["error"]["fields"]) == {"held_on", "number"}
    db.session.expire_all()
    assert db.session.get(Forum, forum.id).version == version == 1


def test_an_officer_changes_and_removes_a_listing(api, world):
    headers = bearer(world.officer)
    forum = make_forum(world.officer)
    participation = make_participation(_session_of(forum), world.b.person, attended=False)
    participation_id = participation.id
    url = f"/api/v1/participations/{participation_id}"
    changed = api("PATCH", url, headers, {"role": "moderator", "attended": True})
    assert changed.status_code == 200, changed.json
    assert changed.json["role"] == "moderator" and changed.json["attended"] is True
    wrong = api("PATCH", url, headers | {"Accept-Language": "fr"}, {"role": "boss"})
    assert wrong.status_code == 422 and "role" in wrong.json["error"]["fields"]
    removed = api("DELETE", url, headers)
    assert removed.status_code == 204 and removed.get_data() == b""
    assert api("DELETE", url, headers).status_code == 404
    assert api("PATCH", url, headers, {"attended": False}).status_code == 404
    actions = db.session.scalars(db.select(AuditEntry.action).where(
        AuditEntry.entity_type == "participation", AuditEntry.entity_id == participation_id)
        .order_by(AuditEntry.id))
    assert list(actions) == ["create", "update", "delete"]
    assert db.session.get(Person, world.b.person.id) is not None


def test_others_get_404_and_a_read_only_token_403_for_changes(api, world):
    forum = make_forum(world.officer)
    participation = make_participation(_session_of(forum), world.b.person, attended=False)
    forum_url = f"/api/v1/forums/{forum.id}"
    url = f"/api/v1/participations/{participation.id}"
    for user in (make_user(Role.MANAGER), world.a.user):
        headers = bearer(user)
        assert api("PATCH", forum_url, headers, {"city": "X", "version": forum.version}
                   ).status_code == 404
        assert api("PATCH", url, headers, {"attended": True}).status_code == 404
        assert api("DELETE", url, headers).status_code == 404
    assert api("PATCH", "/api/v1/forums/999999", bearer(world.officer),
               {"version": 1}).status_code == 404
    read_only = bearer(world.officer, Scope.READ)
    assert api("PATCH", forum_url, read_only, {"city": "X", "version": forum.version}
               ).status_code == 403
    assert api("PATCH", url, read_only, {"attended": True}).status_code == 403
    assert api("DELETE", url, read_only).status_code == 403
    db.session.expire_all()
    assert db.session.get(Participation, participation.id).attended is False
    assert db.session.get(Forum, forum.id).city == ""
