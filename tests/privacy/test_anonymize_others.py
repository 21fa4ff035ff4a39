"""Erasing one person leaves every other person's rows as they were, even a relative who shares
the family name, the household phone, the organization and the forum session."""

from datetime import date, timedelta

import sqlalchemy as sa

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.extensions import db as _db
from crm.followups.models import FollowUp
from crm.forums.models import Participation
from crm.interactions import services as interaction_services
from crm.interactions.models import Interaction, InteractionKind
from crm.organizations.models import Membership
from crm.people.models import Person
from crm.privacy.anonymize import anonymize_person
from crm.search.models import SearchToken
from tests.factories import (
    PASSWORD,
    make_followup,
    make_forum,
    make_membership,
    make_organization,
    make_participation,
    make_person,
    make_user,
)

HOUSEHOLD_PHONE = "+212522334455"


def _rows_of(person_id: int) -> dict:
    """Every column of every row that belongs to the person, as the database holds it."""
    def rows(model, *where):
        query = sa.select(model.__table__).where(*where).order_by(*model.__table__.primary_key)
        return [tuple(r) for r in _db.session.execute(query)]

    return {
        "person": rows(Person, Person.id == person_id),
        "memberships": rows(Membership, Membership.person_id == person_id),
        "participations": rows(Participation, Participation.person_id == person_id),
        "follow_ups": rows(FollowUp, FollowUp.person_id == person_id),
        "interactions": rows(Interaction, Interaction.person_id == person_id),
        "search_tokens": rows(SearchToken, SearchToken.entity_type == "person",
                              SearchToken.entity_id == person_id),
        "history": rows(AuditEntry, AuditEntry.entity_type == "person",
                        AuditEntry.entity_id == person_id),
        "history_of_their_rows": rows(AuditEntry, sa.or_(*(
            sa.and_(AuditEntry.entity_type == entity, AuditEntry.entity_id.in_(
                sa.select(model.id).where(model.person_id == person_id)))
            for entity, model in (("interaction", Interaction), ("follow_up", FollowUp),
                                  ("participation", Participation))))),
    }


def _relatives(officer):
    a = make_person(officer, first_name="Mohamed", last_name="El Amrani",
                    name_arabic="محمد العمراني", email="mohamed@example.ma",
                    phone=HOUSEHOLD_PHONE)
    b = make_person(officer, first_name="Khadija", last_name="El Amrani",
                    name_arabic="خديجة العمراني", email="khadija@example.ma",
                    phone=HOUSEHOLD_PHONE, notes="Sœur de Mohamed, même téléphone fixe.")
    organization = make_organization(officer, name="Coopérative El Amrani")
    session = make_forum(officer).sessions[0]
    for person, other in ((a, b), (b, a)):
        make_membership(organization, person, actor=officer)
        make_participation(session, person, actor=officer)
        make_followup(officer, person=person, actor=officer,
                      title=f"Rappeler {other.first_name} {other.last_name}",
                      due_on=date.today() + timedelta(days=3))
        interaction_services.log_interaction(officer, InteractionKind.CALL, date.today(),
                                             "Appel au 05 22 33 44 55", person=person)
        interaction_services.log_interaction(
            officer, InteractionKind.MEETING, date.today(),
            f"Rencontré avec {other.first_name} {other.last_name} ({other.email})", person=person)
    return a, b


def test_anonymizing_one_person_leaves_a_relative_byte_identical(app, db, client):
    officer, admin = make_user(Role.OFFICER), make_user(Role.ADMIN)
    a, b = _relatives(officer)
    before = _rows_of(b.id)
    assert all(before.values())  # the relative has rows of every kind
    anonymize_person(admin, a)
    db.session.expire_all()
    assert _rows_of(b.id) == before
    assert db.session.get(Person, a.id).phone is None
    client.post("/login", data={"email": officer.email, "password": PASSWORD})
    assert client.get(f"/people/{b.id}").status_code == 200
    found = client.get("/people?q=Khadija")
    assert found.status_code == 200 and "Khadija" in found.get_data(as_text=True)


def test_a_stored_phone_that_is_not_a_number_is_shown_as_it_is(app, db, client, login_as):
    login_as(Role.OFFICER)
    person = make_person(first_name="Khadija", last_name="El Amrani")
    db.session.execute(sa.update(Person).where(Person.id == person.id)
                       .values(phone="[anonymized]"))
    db.session.commit()
    page = client.get(f"/people/{person.id}")
    assert page.status_code == 200 and "[anonymized]" in page.get_data(as_text=True)
    assert client.get("/people?q=Khadija").status_code == 200
