"""Merging shows both records side by side and keeps what the officer chooses, field by field;
nothing is dropped unseen, and a merged record is read-only."""

from crm.auth.models import Role
from crm.organizations.models import Membership, MembershipRole
from crm.people.models import Person
from crm.privacy.models import Consent
from tests.factories import make_membership, make_organization, make_person


def _reload(db, person) -> Person:
    db.session.expire_all()
    return db.session.get(Person, person.id)


def _pair():
    survivor = make_person(first_name="Mohamed", last_name="El Amrani", email="old@amrani.ma",
                           phone="0661234567", notes="Rencontré au forum 2023.")
    duplicate = make_person(first_name="Mohammed", last_name="Elamrani", email="new@amrani.ma",
                            phone="0662000000", notes="Nouveau numéro depuis 2024.")
    return survivor, duplicate


def test_the_officer_keeps_the_duplicates_email_and_phone_and_both_notes(client, login_as, db):
    login_as(Role.OFFICER)
    survivor, duplicate = _pair()
    page = client.get(f"/people/{survivor.id}/merge?duplicate={duplicate.id}").text
    assert 'name="keep_email" value="duplicate"' in page
    assert "Rencontré au forum 2023." in page and "Nouveau numéro depuis 2024." in page
    response = client.post(f"/people/{survivor.id}/merge", data={
        "duplicate_id": duplicate.id, "keep_email": "duplicate", "keep_phone": "duplicate",
        "keep_first_name": "survivor"})
    assert response.status_code == 302
    kept = _reload(db, survivor)
    assert (kept.first_name, kept.email, kept.phone) == ("Mohamed", "new@amrani.ma",
                                                         "+212662000000")
    assert "Rencontré au forum 2023." in kept.notes and "Nouveau numéro depuis 2024." in kept.notes


def test_without_a_choice_the_kept_records_values_stay(client, login_as, db):
    login_as(Role.OFFICER)
    survivor, duplicate = _pair()
    client.post(f"/people/{survivor.id}/merge", data={"duplicate_id": duplicate.id})
    assert _reload(db, survivor).email == "old@amrani.ma"


def test_a_membership_with_another_role_is_shown_and_the_chosen_role_kept(client, login_as, db):
    login_as(Role.OFFICER)
    survivor, duplicate = _pair()
    nour, amal = make_organization(name="Association Nour"), make_organization(name="Amal")
    make_membership(nour, survivor, "member")
    make_membership(nour, duplicate, "founder")
    make_membership(amal, duplicate, "staff")
    page = client.get(f"/people/{survivor.id}/merge?duplicate={duplicate.id}").text
    assert f'name="role_{nour.id}" value="founder"' in page and "Founder" in page
    client.post(f"/people/{survivor.id}/merge", data={
        "duplicate_id": duplicate.id, f"role_{nour.id}": "founder"})
    db.session.expire_all()
    roles = {(m.organization_id, m.role) for m in db.session.scalars(
        db.select(Membership).where(Membership.person_id == survivor.id))}
    assert roles == {(nour.id, MembershipRole.FOUNDER), (amal.id, MembershipRole.STAFF)}


def test_a_merged_record_is_read_only(client, login_as, db):
    login_as(Role.OFFICER)
    survivor, duplicate = _pair()
    client.post(f"/people/{survivor.id}/merge", data={"duplicate_id": duplicate.id})
    page = client.get(f"/people/{duplicate.id}").text
    for action in (f"/people/{duplicate.id}/edit", f"/people/{duplicate.id}/consents",
                   f"/people/{duplicate.id}/memberships", "/interactions/new?person_id="):
        assert action not in page, action
    assert client.get(f"/people/{duplicate.id}/edit").status_code == 404
    assert client.post(f"/people/{duplicate.id}/edit", data={
        "first_name": "Changed", "last_name": "X"}).status_code == 404
    client.post(f"/people/{duplicate.id}/consents", data={
        "purpose": "newsletter", "source": "form", "given_on": "2024-01-01"})
    organization = make_organization(name="Tiwizi")
    client.post(f"/people/{duplicate.id}/memberships", data={
        "organization_id": organization.id, "role": "member"})
    gone = _reload(db, duplicate)
    assert gone.first_name == "Mohammed"
    assert db.session.scalar(db.select(db.func.count(Consent.id)).where(
        Consent.person_id == duplicate.id)) == 0
    assert db.session.scalar(db.select(db.func.count(Membership.id)).where(
        Membership.person_id == duplicate.id)) == 0
