"""Consents: recording and withdrawing them from the person page, who may, and the
innovator withdrawing their own from the portal."""

from datetime import date, timedelta

import pytest

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.errors import ServiceError
from crm.privacy import services
from crm.privacy.models import Consent, ConsentPurpose, ConsentSource
from tests.factories import make_membership, make_organization, make_person, make_project, make_user
from tests.privacy.helpers import link_account, make_consent, text

FORM = {"consent-purpose": "media", "consent-source": "paper-form",
        "consent-source_detail": "Fiche signée n° 42", "consent-given_on": "2024-10-17"}


def _consents(db, person_id):
    db.session.expire_all()
    return list(db.session.scalars(db.select(Consent).where(Consent.person_id == person_id)))


def _person_in_portfolio_of(officer):
    person = make_person(first_name="Nadia", last_name="Berrada")
    organization = make_organization(name="Coopérative Tifawin")
    make_project(organization=organization, officer=officer)
    make_membership(organization, person)
    return person


# --- services ------------------------------------------------------------------------------


def test_consents_are_listed_active_first_then_newest_first(app):
    person = make_person()
    old = make_consent(person, given_on=date(2023, 1, 1))
    withdrawn = make_consent(person, ConsentPurpose.MEDIA, given_on=date(2024, 5, 1))
    newest = make_consent(person, ConsentPurpose.SHARING, given_on=date(2024, 6, 1))
    services.withdraw_consent(None, withdrawn, on=date(2024, 7, 1))
    make_consent(make_person())  # someone else's
    assert [c.id for c in services.consents_of(person.id)] == [newest.id, old.id, withdrawn.id]


def test_a_consent_cannot_be_given_in_the_future_nor_withdrawn_twice(app, db):
    person = make_person()
    with pytest.raises(ServiceError) as error:
        make_consent(person, given_on=date.today() + timedelta(days=1))
    assert error.value.field == "given_on"
    consent = make_consent(person)
    services.withdraw_consent(None, consent, on=date(2024, 11, 1))
    with pytest.raises(ServiceError):
        services.withdraw_consent(None, consent)
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).withdrawn_on == date(2024, 11, 1)


def test_giving_and_withdrawing_are_audited_on_the_person(app, db):
    officer = make_user(Role.OFFICER)
    person = make_person()
    consent = make_consent(person, actor=officer)
    services.withdraw_consent(officer, consent)
    entries = list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "person", AuditEntry.entity_id == person.id,
        AuditEntry.action.like("consent%")).order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["consent_given", "consent_withdrawn"]
    assert entries[0].actor_id == officer.id
    assert entries[0].changes["purpose"] == [None, "support"]


# --- the person page -----------------------------------------------------------------------


def test_an_officer_records_a_consent_from_the_person_page(client, login_as, db):
    officer = login_as(Role.OFFICER)
    person = _person_in_portfolio_of(officer)
    page = text(client.get(f"/people/{person.id}"))
    assert ">Consents<" in page and "No consent recorded for this person yet." in page
    assert f'action="/people/{person.id}/consents"' in page

    response = client.post(f"/people/{person.id}/consents", data=FORM)
    assert response.status_code == 302
    assert response.location.endswith(f"/people/{person.id}#consents")
    [consent] = _consents(db, person.id)
    assert (consent.purpose, consent.source) == (ConsentPurpose.MEDIA, ConsentSource.PAPER)
    assert consent.given_on == date(2024, 10, 17) and consent.recorded_by_id == officer.id
    assert consent.source_detail == "Fiche signée n° 42"

    page = text(client.get(f"/people/{person.id}"))
    assert "Photos, videos and testimonies" in page and "Signed paper form" in page
    assert "Fiche signée n° 42" in page and officer.full_name in page
    assert f'action="/consents/{consent.id}/withdraw"' in page


def test_a_refused_consent_is_shown_again_with_what_was_typed(client, login_as, db):
    officer = login_as(Role.OFFICER)
    person = _person_in_portfolio_of(officer)
    future = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(f"/people/{person.id}/consents",
                           data=FORM | {"consent-given_on": future})
    page = text(response)
    assert response.status_code == 200
    assert "A consent cannot be given in the future." in page
    assert 'value="Fiche signée n° 42"' in page and f'value="{future}"' in page
    assert _consents(db, person.id) == []


def test_an_officer_withdraws_a_consent_which_stays_on_record(client, login_as, db):
    officer = login_as(Role.OFFICER)
    person = _person_in_portfolio_of(officer)
    consent = make_consent(person)
    response = client.post(f"/consents/{consent.id}/withdraw")
    assert response.status_code == 302
    [kept] = _consents(db, person.id)
    assert kept.withdrawn_on == date.today()
    page = text(client.get(f"/people/{person.id}"))
    assert "Withdrawn" in page and f'action="/consents/{consent.id}/withdraw"' not in page
    # a second withdrawal changes nothing
    client.post(f"/consents/{consent.id}/withdraw")
    assert _consents(db, person.id)[0].withdrawn_on == date.today()


def test_the_withdraw_button_asks_for_confirmation(client, login_as):
    officer = login_as(Role.OFFICER)
    consent = make_consent(_person_in_portfolio_of(officer))
    page = text(client.get(f"/people/{consent.person_id}"))
    form = page[page.index(f'action="/consents/{consent.id}/withdraw"') - 200:]
    assert "data-confirm=" in form[:400]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR])
def test_managers_and_innovators_cannot_record_or_withdraw(client, login_as, db, role):
    user = login_as(role)
    person = make_person()
    if role == Role.INNOVATOR:
        link_account(user, person)  # not even on themselves, from the staff pages
    consent = make_consent(person)
    assert client.post(f"/people/{person.id}/consents", data=FORM).status_code == 404
    assert client.post(f"/consents/{consent.id}/withdraw").status_code == 404
    assert len(_consents(db, person.id)) == 1 and _consents(db, person.id)[0].is_active


def test_a_manager_sees_the_consents_but_no_buttons(client, login_as):
    login_as(Role.MANAGER)
    consent = make_consent(make_person())
    page = text(client.get(f"/people/{consent.person_id}"))
    assert "Follow-up and support by the foundation" in page
    assert "/withdraw" not in page and "Record a consent" not in page


def test_an_officer_of_another_portfolio_gets_404(client, login_as, db):
    login_as(Role.OFFICER)
    person = _person_in_portfolio_of(make_user(Role.OFFICER))
    consent = make_consent(person)
    assert client.post(f"/people/{person.id}/consents", data=FORM).status_code == 404
    assert client.post(f"/consents/{consent.id}/withdraw").status_code == 404
    assert len(_consents(db, person.id)) == 1 and _consents(db, person.id)[0].is_active
    assert "Record a consent" not in text(client.get(f"/people/{person.id}"))


def test_unknown_people_and_consents_are_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.post("/people/9999/consents", data=FORM).status_code == 404
    assert client.post("/consents/9999/withdraw").status_code == 404


# --- the portal ----------------------------------------------------------------------------


def test_an_innovator_withdraws_their_own_consent_from_the_portal(client, login_as, db):
    innovator = login_as(Role.INNOVATOR)
    person = make_person(first_name="Yassine", last_name="Tazi")
    link_account(innovator, person)
    consent = make_consent(person, ConsentPurpose.COMMUNICATIONS)
    response = client.post(f"/portal/consents/{consent.id}/withdraw")
    assert response.status_code == 302
    assert _consents(db, person.id)[0].withdrawn_on == date.today()
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "consent_withdrawn"))
    assert entry.actor_id == innovator.id and entry.entity_id == person.id


def test_an_innovator_cannot_withdraw_someone_elses_consent(client, login_as, db):
    innovator = login_as(Role.INNOVATOR)
    link_account(innovator, make_person())
    other = make_innovator_person()
    consent = make_consent(other)
    assert client.post(f"/portal/consents/{consent.id}/withdraw").status_code == 404
    assert client.post("/portal/consents/9999/withdraw").status_code == 404
    assert _consents(db, other.id)[0].is_active


def test_an_unlinked_innovator_and_staff_get_404_on_the_portal_withdrawal(client, login_as,
                                                                          db):
    login_as(Role.INNOVATOR)  # linked to no person
    consent = make_consent(make_person())
    assert client.post(f"/portal/consents/{consent.id}/withdraw").status_code == 404
    client.post("/logout")
    login_as(Role.ADMIN)
    assert client.post(f"/portal/consents/{consent.id}/withdraw").status_code == 404
    assert _consents(db, consent.person_id)[0].is_active


def test_the_portal_partial_lists_own_consents_with_a_withdraw_button(app):
    from flask import render_template

    person = make_person()
    active = make_consent(person, ConsentPurpose.SHARING)
    withdrawn = make_consent(person, ConsentPurpose.MEDIA)
    services.withdraw_consent(None, withdrawn, on=date(2024, 12, 1))
    with app.test_request_context():
        html = render_template("privacy/_portal_consents.html",
                               consents=services.consents_of(person.id))
    assert "Sharing the project&#39;s details with funders and partners" in html
    assert f'action="/portal/consents/{active.id}/withdraw"' in html
    assert f'action="/portal/consents/{withdrawn.id}/withdraw"' not in html
    assert "Withdrawn on Dec 1, 2024" in html and "data-confirm=" in html
    with app.test_request_context():
        assert "No consent is recorded for you." in render_template(
            "privacy/_portal_consents.html", consents=[])


def make_innovator_person():
    other = make_person(first_name="Autre", last_name="Personne")
    link_account(make_user(Role.INNOVATOR), other)
    return other


@pytest.fixture
def csrf_client():
    from tests.conftest import _empty_tables, _prepare_schema, build_app

    app = build_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        _prepare_schema()
        yield app.test_client()
        _empty_tables()


def test_the_panel_form_carries_its_csrf_token(csrf_client):
    import re

    from crm.extensions import db
    from tests.factories import sign_in

    admin = make_user(Role.ADMIN)
    assert sign_in(csrf_client, admin, csrf=True).status_code == 302
    person = make_person()
    assert csrf_client.post(f"/people/{person.id}/consents", data=FORM).status_code == 400
    page = text(csrf_client.get(f"/people/{person.id}"))
    token = re.search(r'name="consent-csrf_token" type="hidden" value="([^"]+)"',
                      page).group(1)
    response = csrf_client.post(f"/people/{person.id}/consents",
                                data=FORM | {"consent-csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert len(services.consents_of(person.id)) == 1
