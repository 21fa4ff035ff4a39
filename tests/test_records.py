"""What all records share: optimistic locking, archiving, audit, merging every link."""

import pytest

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.common.records import ConflictError
from crm.extensions import db
from crm.interactions import services as interactions
from crm.interactions.models import Interaction, InteractionKind
from crm.organizations import services as organizations
from crm.organizations.models import Membership, MembershipRole, Organization
from crm.people import services as people
from crm.people.models import Person
from crm.projects.models import Project
from tests.factories import make_organization, make_person, make_project, make_user


def test_an_edit_based_on_an_old_version_is_refused(app):
    officer = make_user(Role.OFFICER)
    org = make_organization(officer, name="Association A")
    opened_version = org.version
    organizations.update_organization(officer, org, opened_version, name="First save",
                                      kind=org.kind)
    with pytest.raises(ConflictError):
        organizations.update_organization(officer, org, opened_version, name="Second save",
                                          kind=org.kind)
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "First save"


def test_two_sessions_saving_at_once_cannot_both_win(committing_app):
    """The version column guards the commit itself, not only the form's hidden version."""
    from sqlalchemy.orm import Session

    officer = make_user(Role.OFFICER)
    project = make_project(officer, name="Before")
    other = Session(db.engine)
    theirs = other.get(Project, project.id)
    theirs.name = "Theirs"
    other.commit()
    other.close()
    with pytest.raises(ConflictError):
        from crm.projects import services as projects

        projects.update_project(officer, project, None, name="Mine")
    db.session.expire_all()
    assert db.session.get(Project, project.id).name == "Theirs"


def test_every_change_is_audited_with_who_what_and_from_where(app):
    from crm.audit.services import current_address

    officer = make_user(Role.OFFICER)
    token = current_address.set("203.0.113.7")
    try:
        person = make_person(officer, first_name="Hajar", last_name="Tahiri")
        people.update_person(officer, person, person.version, first_name="Hajar",
                             last_name="Tahiri", city="Rabat")
        people.archive_person(officer, person)
        people.restore_person(officer, person)
    finally:
        current_address.reset(token)
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "person", AuditEntry.entity_id == person.id)
        .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create", "update", "archive", "restore"]
    assert entries[1].changes == {"city": ["", "Rabat"]}
    assert {e.actor_id for e in entries} == {officer.id}
    assert {e.address for e in entries} == {"203.0.113.7"}


def test_archiving_hides_and_restoring_brings_back(app):
    from crm.common.listing import ListParams

    org = make_organization(name="Association Archivée")
    organizations.archive_organization(None, org)
    listed = db.session.scalars(organizations.list_organizations(ListParams())).all()
    assert org not in listed
    archived = db.session.scalars(organizations.list_organizations(
        ListParams(filters={"archived": "1"}))).all()
    assert archived == [org]
    organizations.restore_organization(None, org)
    assert org in db.session.scalars(organizations.list_organizations(ListParams())).all()


def test_merging_people_moves_every_link_to_the_survivor(app):
    officer = make_user(Role.OFFICER)
    survivor = make_person(officer, first_name="Mohamed", last_name="El Amrani")
    duplicate = make_person(officer, first_name="M.", last_name="Elamrani",
                            email="m.elamrani@example.ma", tag_names=["forum 2024"])
    shared_org, other_org = make_organization(officer), make_organization(officer)
    organizations.add_member(officer, shared_org, survivor, MembershipRole.FOUNDER)
    organizations.add_member(officer, shared_org, duplicate, MembershipRole.MEMBER)
    organizations.add_member(officer, other_org, duplicate, MembershipRole.STAFF)
    interactions.log_interaction(officer, InteractionKind.CALL, __import__("datetime").date.today(),
                                 "Appel", person=duplicate)

    people.merge_people(officer, survivor, duplicate)

    db.session.expire_all()
    survivor, duplicate = db.session.get(Person, survivor.id), db.session.get(Person, duplicate.id)
    memberships = db.session.scalars(db.select(Membership).where(
        Membership.person_id == survivor.id)).all()
    assert {(m.organization_id, m.role) for m in memberships} == {
        (shared_org.id, MembershipRole.FOUNDER), (other_org.id, MembershipRole.STAFF)}
    assert db.session.scalar(db.select(Interaction.person_id)) == survivor.id
    assert [t.name for t in survivor.tags] == ["forum 2024"]
    assert survivor.email == "m.elamrani@example.ma"  # a blank filled from the duplicate
    assert duplicate.merged_into_id == survivor.id and duplicate.archived_at is not None
    actions = db.session.scalars(db.select(AuditEntry.action).where(
        AuditEntry.action.in_(["merge", "merged_into"]))).all()
    assert sorted(actions) == ["merge", "merged_into"]


def test_merging_organizations_moves_projects_and_members(app):
    survivor = make_organization(name="Coopérative Al Baraka")
    duplicate = make_organization(name="Cooperative Al-Baraka")
    project = make_project(organization=duplicate)
    person = make_person()
    organizations.add_member(None, duplicate, person, MembershipRole.MEMBER)
    organizations.merge_organizations(None, survivor, duplicate)
    db.session.expire_all()
    assert db.session.get(Project, project.id).organization_id == survivor.id
    assert db.session.scalar(db.select(Membership.organization_id)) == survivor.id


def test_likely_duplicates_are_found_across_scripts(app):
    person = make_person(first_name="Mohamed", last_name="El Amrani", phone="0661234567",
                         email="mohamed@example.ma")
    for described in (dict(name_arabic="محمد العمراني"),
                      dict(first_name="Mohammed", last_name="Elamrani"),
                      dict(first_name="x", last_name="y", phone="+212 661 23 45 67"),
                      dict(first_name="x", last_name="y", email="MOHAMED@example.ma")):
        matches = people.find_similar_people(**described)
        assert [m.record for m in matches] == [person], described
    assert people.find_similar_people(first_name="Karim", last_name="Bennani") == []
    org = make_organization(name="Coopérative Al Baraka", name_arabic="تعاونية البركة")
    assert [m.record for m in organizations.find_similar_organizations(
        name="Cooperative Al-Baraka")] == [org]
