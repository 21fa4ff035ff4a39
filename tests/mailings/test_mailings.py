"""Mailings: only the people of the list who consented receive the email, in their language,
each with an unsubscribe link that works without logging in; every outcome is recorded."""

import re

import pytest

from crm.auth.models import Role
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.mailings.models import DeliveryStatus, Mailing, MailingStatus, Recipient
from crm.privacy.models import Consent
from tests.conftest import MailCatcher, free_port, mail_catcher, mail_settings
from tests.factories import make_person, make_user
from tests.mailings.conftest import COMMS, TEXTS, draft


def test_the_draft_counts_who_receives_it_and_who_is_left_out_and_why(client, login_as,
                                                                       forum_list):
    login_as(Role.OFFICER)
    form = client.get(f"/mailings/new?{forum_list['query']}&page=2")
    assert form.status_code == 200 and "To the 8 people of the list" in form.text
    mailing = draft(client, forum_list["query"])
    page = client.get(f"/mailings/{mailing.id}").text
    assert "2 people will receive it" in page and "of 8 people on the list" in page
    for reason, count in (("withdrew their consent", 1), ("never consented", 2),
                          ("asked not to be contacted", 1), ("no email address", 1),
                          ("same address as another person", 1)):
        assert re.search(rf"{reason}[^<]*: {count}</li>", page), reason
    assert "Send to 2 people" in page
    export = client.get(f"/mailings/{mailing.id}/recipients.csv").text
    assert "amina@example.org" in export and "karim@example.org" in export
    assert "never@example.org" not in export and "dnc@example.org" not in export
    assert ",ar," in export  # Karim reads Arabic and the email is written in it


def test_sending_reaches_only_consenting_people_in_their_language(client, login_as,
                                                                  forum_list, smtp_server):
    officer = login_as(Role.OFFICER)
    mailing = draft(client, forum_list["query"])
    sent = client.post(f"/mailings/{mailing.id}/send", follow_redirects=True)
    assert "The email is on its way to 2 people." in sent.text
    received = smtp_server.by_recipient()
    assert set(received) == {"amina@example.org", "karim@example.org"}
    french, arabic = received["amina@example.org"], received["karim@example.org"]
    assert french["Subject"] == "Invitation au forum, Amina Idrissi"
    assert "Bonjour Amina Idrissi," in french.get_content()
    assert arabic["Subject"] == "دعوة إلى المنتدى" and "مرحبا كريم التازي" in arabic.get_content()
    assert "/unsubscribe/" in french["List-Unsubscribe"]
    assert french["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    db.session.expire_all()
    mailing = db.session.get(Mailing, mailing.id)
    assert (mailing.status, mailing.sent, mailing.failed, mailing.total) == (
        MailingStatus.SENT, 2, 0, 2)
    assert mailing.excluded["no-consent"] == 2
    timeline = db.session.scalars(db.select(Interaction).where(
        Interaction.kind == InteractionKind.EMAIL)).all()
    assert sorted(i.person_id for i in timeline) == sorted(
        [forum_list["amina"].id, forum_list["karim"].id])
    assert {i.author_id for i in timeline} == {officer.id}
    person_page = client.get(f"/people/{forum_list['amina'].id}").text
    assert "Invitation au forum, {name}" in person_page


def _link(message) -> str:
    return re.search(r"http://[^\s>]+/unsubscribe/[\w-]+", message.get_content()).group(0)


def test_the_unsubscribe_link_withdraws_the_consent_without_logging_in(
        app, client, login_as, forum_list, smtp_server):
    login_as(Role.OFFICER)
    mailing = draft(client, forum_list["query"])
    client.post(f"/mailings/{mailing.id}/send")
    path = _link(smtp_server.by_recipient()["karim@example.org"]).split("5000", 1)[1]
    visitor = app.test_client()
    asked = visitor.get(path)
    assert asked.status_code == 200 and 'lang="ar"' in asked.text and 'dir="rtl"' in asked.text
    assert asked.headers["Referrer-Policy"] == "no-referrer"
    karim = forum_list["karim"]
    active = db.select(Consent).where(Consent.person_id == karim.id,
                                      Consent.withdrawn_on.is_(None))
    assert db.session.scalar(active) is not None  # opening the link changes nothing
    done = visitor.post(path)
    assert done.status_code == 200
    assert db.session.scalar(active) is None
    assert visitor.post(path).status_code == 200  # a second click is harmless
    assert visitor.get("/unsubscribe/not-a-secret").status_code == 404
    again = draft(client, forum_list["query"])
    page = client.get(f"/mailings/{again.id}").text
    assert "1 person will receive it" in page
    assert re.search(r"withdrew their consent[^<]*: 2</li>", page)


class RefusingCatcher(MailCatcher):
    """A server that has no mailbox for one address."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("karim@"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_server(app):
    with mail_catcher(RefusingCatcher()) as handler:
        app.config.update(mail_settings(handler))
        yield handler


def test_a_refused_address_is_recorded_and_can_be_sent_again(client, login_as, forum_list,
                                                             refusing_server):
    login_as(Role.OFFICER)
    mailing = draft(client, forum_list["query"])
    client.post(f"/mailings/{mailing.id}/send")
    refused = db.session.scalar(db.select(Recipient).where(
        Recipient.person_id == forum_list["karim"].id))
    assert refused.status == DeliveryStatus.FAILED and refused.error.startswith("550")
    page = client.get(f"/mailings/{mailing.id}").text
    assert "1 sent and 1 failed of 2 emails" in page and "No such mailbox" in page
    again = client.post(f"/mailings/{mailing.id}/send-again", follow_redirects=True)
    assert "1 email will be sent again." in again.text
    assert len(refusing_server.envelopes) == 1  # Amina's email was not sent twice


def test_an_unreachable_server_stops_the_mailing_and_nothing_is_lost(app, client, login_as,
                                                                     forum_list):
    login_as(Role.OFFICER)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    mailing = draft(client, forum_list["query"])
    client.post(f"/mailings/{mailing.id}/send")
    db.session.expire_all()
    assert db.session.get(Mailing, mailing.id).status == MailingStatus.FAILED
    assert "the mail server could not be reached" in client.get(f"/mailings/{mailing.id}").text
    with mail_catcher() as handler:
        app.config.update(mail_settings(handler))
        client.post(f"/mailings/{mailing.id}/send-again")
    assert set(handler.by_recipient()) == {"amina@example.org", "karim@example.org"}
    db.session.expire_all()
    assert db.session.get(Mailing, mailing.id).status == MailingStatus.SENT


def test_a_draft_needs_whole_texts_and_a_purpose(client, login_as):
    login_as(Role.OFFICER)
    no_body = client.post("/mailings/new", data={"purpose": "communications",
                                                 "subject_en": "Hello", "query": "q=x"})
    assert no_body.status_code == 200 and "Write the body that goes with this subject." in (
        no_body.text)
    nothing = client.post("/mailings/new", data={"purpose": "communications", "query": ""})
    assert "Write the email in at least one language." in nothing.text
    bad_purpose = client.post("/mailings/new", data={**TEXTS, "purpose": "spam"})
    assert bad_purpose.status_code == 200 and "Not a valid choice" in bad_purpose.text
    nul = client.post("/mailings/new", data={**TEXTS, "subject_fr": "a\x00b"})
    assert nul.status_code in (200, 400)
    assert db.session.scalar(db.select(db.func.count()).select_from(Mailing)) == 0
    assert client.get("/mailings/99999999999999").status_code == 404


def test_only_the_author_or_an_admin_sends_a_draft_and_managers_only_read(
        client, login_as, log_in, forum_list, smtp_server):
    author = make_user(Role.OFFICER)
    mailing = Mailing(purpose=COMMS, subject_fr="Info", body_fr="Texte",
                      query=forum_list["query"], created_by_id=author.id)
    db.session.add(mailing)
    db.session.commit()
    login_as(Role.OFFICER)
    refused = client.post(f"/mailings/{mailing.id}/send", follow_redirects=True)
    assert "Only the one who wrote this mailing can change or send it." in refused.text
    assert smtp_server.envelopes == []
    manager = log_in(make_user(Role.MANAGER))
    assert manager.get(f"/mailings/{mailing.id}").status_code == 200
    assert manager.post(f"/mailings/{mailing.id}/send").status_code == 404
    admin = log_in(make_user(Role.ADMIN))
    admin.post(f"/mailings/{mailing.id}/send")
    assert len(smtp_server.envelopes) == 2


def test_an_unknown_segment_or_a_segment_of_projects_is_a_404(client, login_as):
    login_as(Role.OFFICER)
    assert client.get("/mailings/new?segment=12345").status_code == 404


def test_a_person_keeps_their_language_and_do_not_contact_mark(client, login_as):
    login_as(Role.OFFICER)
    person = make_person(email="salma@example.org")
    page = client.get(f"/people/{person.id}/edit")
    version = re.search(r'name="version"[^>]*value="(\d+)"', page.text) or re.search(
        r'value="(\d+)"[^>]*name="version"', page.text)
    saved = client.post(f"/people/{person.id}/edit", data={
        "first_name": person.first_name, "last_name": person.last_name,
        "email": "salma@example.org", "language": "ar", "do_not_contact": "y",
        "version": version.group(1)}, follow_redirects=True)
    assert saved.status_code == 200
    db.session.expire_all()
    assert (person.language, person.do_not_contact) == ("ar", True)
    assert "asked not to be contacted" in saved.text


def test_a_mailing_keeps_to_the_configured_pace(app, client, login_as, forum_list, smtp_server,
                                                monkeypatch):
    """Two emails at 60 a minute: sent in one batch, then a wait of about two seconds before
    anything else may leave (the wait is recorded, not slept)."""
    from crm.mailings import sending

    waits = []
    monkeypatch.setattr(sending.time, "sleep", waits.append)
    app.config["MAILINGS_PER_MINUTE"] = 60
    login_as(Role.OFFICER)
    mailing = draft(client, forum_list["query"])
    client.post(f"/mailings/{mailing.id}/send")
    assert len(smtp_server.envelopes) == 2
    assert len(waits) == 1 and 1.0 < waits[0] <= 2.0
    assert sending._batch_size(60) == 10 and sending._batch_size(0) == sending.BATCH


def test_anonymizing_a_recipient_removes_their_address_from_the_mailing(
        client, login_as, forum_list, smtp_server):
    from crm.privacy.anonymize import anonymize_person

    login_as(Role.OFFICER)
    mailing = draft(client, forum_list["query"])
    client.post(f"/mailings/{mailing.id}/send")
    anonymize_person(make_user(Role.ADMIN), forum_list["amina"])
    addresses = set(db.session.scalars(db.select(Recipient.email)))
    assert "amina@example.org" not in addresses and "karim@example.org" in addresses
    export = client.get(f"/mailings/{mailing.id}/recipients.csv").text
    assert "amina@example.org" not in export and "Amina" not in export
