"""Portal invitations, sent to a real SMTP server on 127.0.0.1: the email, the link, the
account it opens, resending, withdrawing, and who may do what."""

import re
import threading
import time
from datetime import timedelta

import pytest
from flask_babel import force_locale, format_date
from itsdangerous import TimestampSigner
from werkzeug.security import check_password_hash

from crm.audit.models import AuditEntry
from crm.auth.models import Role, User
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db as _db
from crm.invitations import services
from crm.invitations.models import Invitation, InvitationStatus
from tests.factories import (
    make_membership,
    make_organization,
    make_person,
    make_project,
    make_user,
)

BASE_URL = "https://crm.example.org"
NEW_PASSWORD = "une-phrase-de-passe-longue"


@pytest.fixture
def mail(app, smtp_server):
    """The local SMTP server; links in the emails are built from BASE_URL."""
    app.config.update(CRM_BASE_URL=BASE_URL, MAIL_DEFAULT_SENDER="crm@fondation.ma")
    return smtp_server


@pytest.fixture
def nadia(db):
    return make_person(first_name="Nadia", last_name="Amrani", email="Nadia@Example.ma")


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(message) -> str:
    """The path of the invitation link in an email (the site part checked on the way)."""
    match = re.search(re.escape(BASE_URL) + r"(/invitation/\S+)", _body(message))
    assert match, _body(message)
    return match.group(1)


def _invite(client, person, language="fr"):
    return client.post(f"/people/{person.id}/invitations", data={"language": language})


def _accept(client, link, password=NEW_PASSWORD, confirm=None, language="ar"):
    return client.post(link, data={"password": password, "confirm": confirm or password,
                                   "language": language})


def _invitations(person) -> list[Invitation]:
    _db.session.expire_all()
    return list(_db.session.scalars(_db.select(Invitation).where(
        Invitation.person_id == person.id).order_by(Invitation.id)))


def _users_of(person) -> list[User]:
    return list(_db.session.scalars(_db.select(User).where(User.person_id == person.id)))


def _innovator_of(person) -> User:
    user = make_user(Role.INNOVATOR, email=person.email)
    user.person_id = person.id
    _db.session.commit()
    return user


def test_an_invited_person_opens_their_account_from_the_emailed_link(app, client, login_as,
                                                                      mail, nadia):
    login_as(Role.OFFICER, full_name="Salma Alaoui")
    response = _invite(client, nadia, "fr")
    assert response.status_code == 302
    assert response.location.endswith(f"/people/{nadia.id}#portal-access")
    page = client.get(f"/people/{nadia.id}").get_data(as_text=True)
    assert "An invitation was sent to nadia@example.ma." in page
    assert "Portal access" in page and "Waiting for an answer" in page

    [message] = mail.messages
    assert mail.envelopes[0].rcpt_tos == ["nadia@example.ma"]
    assert message["Content-Language"] == "fr"
    assert message["To"].addresses[0].display_name == "Nadia Amrani"
    body = _body(message)
    [invitation] = _invitations(nadia)
    with force_locale("fr"):  # the expiry date is written in French
        assert format_date(invitation.expires_at, "full") in body
    assert "Salma Alaoui" in body
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)

    visitor = app.test_client()
    form = visitor.get(_link(message))
    assert form.status_code == 200
    # a first visit reads in the invitation's language, French here
    assert "Ouvrez votre compte sur le portail" in form.get_data(as_text=True)
    assert '<html lang="fr"' in form.get_data(as_text=True)
    assert re.search(r'<option (selected )?value="fr"( selected)?>', form.get_data(as_text=True))

    response = _accept(visitor, _link(message), language="ar")
    assert response.status_code == 302 and response.location.endswith("/")
    assert visitor.get("/").status_code == 200  # logged in: no redirect to the login page
    [user] = _users_of(nadia)
    assert (user.role, user.email, user.language) == (Role.INNOVATOR, "nadia@example.ma", "ar")
    assert user.full_name == "Nadia Amrani"
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    [invitation] = _invitations(nadia)
    assert invitation.status() == InvitationStatus.USED and invitation.user_id == user.id
    actions = set(_db.session.scalars(_db.select(AuditEntry.action).where(
        AuditEntry.entity_type == "person", AuditEntry.entity_id == nadia.id)))
    assert {"invite", "invitation_accepted"} <= actions

    page = client.get(f"/people/{nadia.id}").get_data(as_text=True)
    assert "Accepted" in page and "Portal account:" in page
    assert "Invite to the portal" not in page


def test_the_link_opens_one_account_only(app, client, login_as, mail, nadia):
    login_as(Role.OFFICER)
    _invite(client, nadia)
    link = _link(mail.messages[0])
    assert _accept(app.test_client(), link).status_code == 302

    again = app.test_client()
    page = again.get(link)
    assert page.status_code == 410
    assert "already been used" in page.get_data(as_text=True)
    response = _accept(again, link, password="another-long-password")
    assert response.status_code == 410
    assert len(_users_of(nadia)) == 1


def test_an_expired_invitation_is_refused(app, client, login_as, mail, nadia):
    login_as(Role.OFFICER)
    _invite(client, nadia)
    link = _link(mail.messages[0])
    [invitation] = _invitations(nadia)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    _db.session.commit()

    visitor = app.test_client()
    page = visitor.get(link)
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "This invitation has expired." in text
    assert "Ask your program officer for a new invitation." in text
    assert _accept(visitor, link).status_code == 410
    assert _users_of(nadia) == []
    assert "Expired" in client.get(f"/people/{nadia.id}").get_data(as_text=True)


def test_a_link_older_than_its_lifetime_is_refused_even_if_the_database_says_otherwise(
        app, client, login_as, mail, nadia, monkeypatch):
    login_as(Role.OFFICER)
    _invite(client, nadia)
    link = _link(mail.messages[0])
    [invitation] = _invitations(nadia)
    invitation.expires_at = utcnow() + timedelta(days=30)
    _db.session.commit()
    eight_days_later = int(time.time()) + 8 * 86400
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_later)
    page = app.test_client().get(link)
    assert page.status_code == 410 and "has expired" in page.get_data(as_text=True)


@pytest.mark.parametrize("alter", [
    lambda link: link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"),
    lambda link: link.replace("/invitation/", "/invitation/x"),
    lambda link: "/invitation/not-a-token",
])
def test_an_altered_link_is_refused(app, client, login_as, mail, nadia, alter):
    login_as(Role.OFFICER)
    _invite(client, nadia)
    link = alter(_link(mail.messages[0]))
    visitor = app.test_client()
    page = visitor.get(link)
    assert page.status_code == 410
    assert "not valid" in page.get_data(as_text=True)
    assert _accept(visitor, link).status_code == 410
    assert _users_of(nadia) == []


def test_sending_again_makes_the_earlier_link_stop_working(app, client, login_as, mail, nadia):
    login_as(Role.OFFICER)
    _invite(client, nadia, "en")
    [invitation] = _invitations(nadia)
    response = client.post(f"/invitations/{invitation.id}/resend")
    assert response.status_code == 302
    assert "the earlier link no longer works" in client.get(
        f"/people/{nadia.id}").get_data(as_text=True)
    first, second = mail.messages
    assert _link(first) != _link(second)
    assert second["Content-Language"] == "en"

    visitor = app.test_client()
    old = visitor.get(_link(first))
    assert old.status_code == 410 and "A newer invitation" in old.get_data(as_text=True)
    assert _accept(visitor, _link(first)).status_code == 410
    assert visitor.get(_link(second)).status_code == 200
    assert _accept(visitor, _link(second)).status_code == 302
    assert len(_invitations(nadia)) == 1 and len(_users_of(nadia)) == 1


def test_inviting_again_withdraws_the_pending_invitation(app, client, login_as, mail, nadia):
    login_as(Role.OFFICER)
    _invite(client, nadia)
    [first] = _invitations(nadia)
    client.post(f"/invitations/{first.id}/revoke")  # withdrawn: the invite form comes back
    _invite(client, nadia)
    assert [i.status() for i in _invitations(nadia)] == [InvitationStatus.REVOKED,
                                                         InvitationStatus.PENDING]
    services.invite(make_user(Role.ADMIN), nadia, "ar")
    assert [i.status() for i in _invitations(nadia)] == [InvitationStatus.REVOKED] * 2 + [
        InvitationStatus.PENDING]
    assert len(mail.messages) == 3 and mail.messages[2]["Content-Language"] == "ar"


def test_a_withdrawn_invitation_no_longer_opens_anything(app, client, login_as, mail, nadia):
    login_as(Role.OFFICER)
    _invite(client, nadia)
    link = _link(mail.messages[0])
    [invitation] = _invitations(nadia)
    page = client.get(f"/people/{nadia.id}").get_data(as_text=True)
    assert "Withdraw this invitation? Its link will stop working." in page  # asks first

    assert client.post(f"/invitations/{invitation.id}/revoke").status_code == 302
    [invitation] = _invitations(nadia)
    assert invitation.status() == InvitationStatus.REVOKED
    page = client.get(f"/people/{nadia.id}").get_data(as_text=True)
    assert "The invitation was withdrawn" in page and "Revoked" in page
    visitor = app.test_client()
    refused = visitor.get(link)
    assert refused.status_code == 410 and "withdrawn" in refused.get_data(as_text=True)
    assert _accept(visitor, link).status_code == 410
    assert client.post(f"/invitations/{invitation.id}/resend").status_code == 302
    assert len(mail.messages) == 1  # a withdrawn invitation is not sent again
    assert _users_of(nadia) == []


def test_a_person_without_email_cannot_be_invited(client, login_as, mail, db):
    login_as(Role.OFFICER)
    person = make_person(first_name="Omar", last_name="Bennani")
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "An email address is needed to invite this person" in page
    response = _invite(client, person)
    assert response.status_code == 302
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "This person has no email address: add one before inviting them." in page
    assert _invitations(person) == [] and mail.envelopes == []


def _archived(person):
    person.archived_at = utcnow()


def _anonymized(person):
    person.anonymized_at = utcnow()


def _merged(person):
    person.merged_into_id = make_person().id


def _has_account(person):
    _innovator_of(person)


def _email_taken(person):
    make_user(Role.OFFICER, email="nadia@example.ma")


@pytest.mark.parametrize("state, message", [
    (_archived, "archived"),
    (_anonymized, "anonymized"),
    (_merged, "merged into another one"),
    (_has_account, "already has a portal account"),
    (_email_taken, "An account already uses this email"),
])
def test_who_cannot_be_invited_is_refused_with_a_reason(mail, nadia, state, message):
    state(nadia)
    _db.session.commit()
    with pytest.raises(ServiceError, match=message):
        services.invite(make_user(Role.OFFICER), nadia, "fr")
    assert _invitations(nadia) == [] and mail.envelopes == []


def test_a_refused_password_keeps_the_invitation_open(app, client, login_as, mail, nadia):
    login_as(Role.OFFICER)
    _invite(client, nadia)
    link = _link(mail.messages[0])
    visitor = app.test_client()
    short = _accept(visitor, link, password="short")
    assert short.status_code == 200
    assert "at least 12 characters" in short.get_data(as_text=True)
    different = _accept(visitor, link, confirm="not-the-same-password")
    assert "The two passwords are not the same." in different.get_data(as_text=True)
    assert _users_of(nadia) == []
    assert _invitations(nadia)[0].status() == InvitationStatus.PENDING
    assert _accept(visitor, link).status_code == 302


def test_whoever_was_logged_in_gives_way_to_the_new_account(app, client, login_as, mail, nadia):
    officer = login_as(Role.OFFICER, full_name="Youssef Tazi")
    _invite(client, nadia)
    link = _link(mail.messages[0])
    page = client.get(link).get_data(as_text=True)
    assert "You are logged in as" in page and "Youssef Tazi" in page
    assert _accept(client, link).status_code == 302
    assert client.get("/people").status_code == 404  # now the innovator: no staff pages
    _db.session.expire_all()
    assert _db.session.get(User, officer.id).active  # the officer's account is untouched


def test_the_mail_server_being_down_saves_nothing(app, client, login_as, mail, nadia):
    from tests.conftest import free_port

    login_as(Role.OFFICER)
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    _invite(client, nadia)
    page = client.get(f"/people/{nadia.id}").get_data(as_text=True)
    assert "The email could not be sent" in page
    assert _invitations(nadia) == []


@pytest.fixture
def someone_elses(db):
    """A person in another officer's portfolio, with a pending invitation."""
    owner = make_user(Role.OFFICER)
    organization = make_organization()
    make_project(organization=organization, officer=owner)
    person = make_person(email="karim@example.ma")
    make_membership(organization, person)
    return person, owner


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR, Role.OFFICER])
def test_invitations_are_404_for_who_may_not_manage_them(app, client, login_as, mail,
                                                         someone_elses, role):
    person, owner = someone_elses
    invitation = services.invite(owner, person, "fr")
    login_as(role)
    page = client.get(f"/people/{person.id}")
    if page.status_code == 200:  # staff read the record, without the buttons
        assert "Portal access" in page.get_data(as_text=True)
        assert "Send again" not in page.get_data(as_text=True)
    assert _invite(client, person).status_code == 404
    assert client.post(f"/invitations/{invitation.id}/resend").status_code == 404
    assert client.post(f"/invitations/{invitation.id}/revoke").status_code == 404
    assert client.post("/people/999999/invitations", data={"language": "fr"}).status_code == 404
    assert client.post("/invitations/999999/revoke").status_code == 404
    [same] = _invitations(person)
    assert same.status() == InvitationStatus.PENDING and same.nonce == invitation.nonce
    assert len(mail.messages) == 1


def test_the_portfolio_officer_and_an_admin_may_manage_them(app, client, login_as, mail,
                                                            someone_elses):
    person, owner = someone_elses
    invitation = services.invite(owner, person, "fr")
    login_as(Role.ADMIN)
    assert client.post(f"/invitations/{invitation.id}/resend").status_code == 302
    assert len(mail.messages) == 2
    owner_client = app.test_client()
    from tests.factories import PASSWORD

    owner_client.post("/login", data={"email": owner.email, "password": PASSWORD})
    assert owner_client.post(f"/invitations/{invitation.id}/revoke").status_code == 302
    assert _invitations(person)[0].status() == InvitationStatus.REVOKED


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_the_invitation_forms_need_their_csrf_token(app, client, login_as, mail, nadia):
    login_as(Role.OFFICER)
    app.config["WTF_CSRF_ENABLED"] = True  # as in production, once logged in
    assert _invite(client, nadia).status_code == 400
    assert _invitations(nadia) == []

    token = _csrf_token(client.get(f"/people/{nadia.id}").get_data(as_text=True))
    response = client.post(f"/people/{nadia.id}/invitations",
                           data={"language": "fr", "csrf_token": token})
    assert response.status_code == 302 and len(mail.messages) == 1
    [invitation] = _invitations(nadia)
    assert client.post(f"/invitations/{invitation.id}/revoke").status_code == 400
    assert client.post(f"/invitations/{invitation.id}/resend").status_code == 400
    assert _invitations(nadia)[0].status() == InvitationStatus.PENDING

    visitor = app.test_client()
    link = _link(mail.messages[0])
    assert _accept(visitor, link).status_code == 400
    assert _users_of(nadia) == []
    token = _csrf_token(visitor.get(link).get_data(as_text=True))
    response = visitor.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                        "language": "fr", "csrf_token": token})
    assert response.status_code == 302 and len(_users_of(nadia)) == 1


def test_two_requests_racing_with_the_same_link_open_one_account(committing_app, monkeypatch):
    from crm.auth import services as auth_services

    slow_hash = auth_services.hash_password

    def hash_password(password):  # every request passes the checks before any claims the link
        time.sleep(0.3)
        return slow_hash(password)

    monkeypatch.setattr(auth_services, "hash_password", hash_password)
    person = make_person(first_name="Hind", last_name="Sabri", email="hind@example.ma")
    invitation = Invitation(person=person, email="hind@example.ma", language="fr",
                            nonce="0" * 32, expires_at=utcnow() + timedelta(days=1))
    _db.session.add(invitation)
    _db.session.commit()
    token = services.make_token(invitation)
    start, outcomes = threading.Barrier(4), []

    def accept(password):
        with committing_app.app_context():
            start.wait()
            try:
                services.accept(token, password, "fr")
                outcomes.append("opened")
            except ServiceError as error:
                outcomes.append(str(error.message))

    threads = [threading.Thread(target=accept, args=(f"password-number-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("opened") == 1, outcomes
    # the others lost on the invitation itself, not merely on the unique email
    assert all("already been used" in o for o in outcomes if o != "opened"), outcomes
    _db.session.expire_all()
    [user] = _users_of(person)
    assert _db.session.get(Invitation, invitation.id).user_id == user.id
