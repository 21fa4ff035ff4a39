"""The forum rules, proven through the services: editions changed with their version,
participations changed and removed, each change audited."""

import pytest

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.common.records import ConflictError
from crm.errors import ServiceError
from crm.followups.models import FollowUp
from crm.forums import services
from crm.forums.models import Forum, Participation, ParticipationRole
from tests.factories import make_followup, make_forum, make_participation, make_person, make_user


def _entries(db, entity_type: str, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == entity_type, AuditEntry.action == action)))


def test_an_edition_is_changed_with_its_version_and_audited(app, db):
    officer = make_user(Role.OFFICER)
    forum = make_forum(officer, city="Fès")
    version = forum.version
    changes = services.update_forum(officer, forum, version, name=" Forum Atlas ", number=5,
                                    city="")
    assert set(changes) == {"name", "number", "city"}
    db.session.expire_all()
    saved = db.session.get(Forum, forum.id)
    assert (saved.name, saved.number, saved.city) == ("Forum Atlas", 5, "")
    assert saved.version == version + 1
    [entry] = _entries(db, "forum", "update")
    assert entry.actor_id == officer.id and entry.changes["name"][1] == "Forum Atlas"
    with pytest.raises(ServiceError) as error:
        services.update_forum(officer, saved, saved.version, name="  ")
    assert error.value.field == "name"
    db.session.rollback()
    with pytest.raises(ConflictError):
        services.update_forum(officer, saved, version, city="Rabat")
    db.session.rollback()
    assert db.session.get(Forum, forum.id).city == ""


def test_a_participation_is_changed_and_audited(app, db):
    officer = make_user(Role.OFFICER)
    forum = make_forum(officer)
    participation = make_participation(forum.sessions[1], make_person(), attended=False)
    changes = services.change_participation(officer, participation,
                                            role=ParticipationRole.SPEAKER, attended=True)
    assert changes == {"role": ["participant", "speaker"], "attended": [False, True]}
    assert services.change_participation(officer, participation, attended=True) == {}
    db.session.expire_all()
    saved = db.session.get(Participation, participation.id)
    assert saved.role == ParticipationRole.SPEAKER and saved.attended is True
    [entry] = _entries(db, "participation", "update")
    assert entry.actor_id == officer.id and entry.entity_id == participation.id


def test_removing_a_participation_keeps_its_follow_ups_unlinked(app, db):
    """follow_ups.participation_id is ON DELETE SET NULL: the database does not refuse the
    removal, and the follow-up made from the listing stays."""
    officer = make_user(Role.OFFICER)
    forum = make_forum(officer)
    person = make_person()
    participation = make_participation(forum.sessions[1], person)
    followup = make_followup(officer, person=person)
    followup.participation_id = participation.id
    db.session.commit()
    participation_id, followup_id = participation.id, followup.id
    services.remove_participation(officer, participation)
    db.session.expire_all()
    assert db.session.get(Participation, participation_id) is None
    assert db.session.get(FollowUp, followup_id).participation_id is None
    [entry] = _entries(db, "participation", "delete")
    assert entry.entity_id == participation_id
    assert entry.changes["person_id"] == [person.id, None]
    assert entry.changes["followups_unlinked"] == [[followup_id], None]
