"""Reminder emails, sent to a real SMTP server listening on 127.0.0.1 for the test."""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale, ngettext

from crm.auth.models import Role
from crm.followups import services
from crm.followups.reminders import send_reminders
from tests.conftest import free_port
from tests.factories import make_followup, make_organization, make_person, make_project, make_user

TODAY = date(2025, 3, 12)
BASE_URL = "https://crm.example.org"


@pytest.fixture
def inbox(app, smtp_server):
    """The local SMTP server, with the sender and the address the links are built from."""
    app.config.update(MAIL_DEFAULT_SENDER="crm@fondation.ma", CRM_BASE_URL=BASE_URL)
    return smtp_server


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def team(db):
    """Two officers (Arabic, French) with follow-ups of every kind of date and status."""
    salma = make_user(Role.OFFICER, email="salma@fondation.ma", language="ar",
                      full_name="سلمى العلوي")
    youssef = make_user(Role.OFFICER, email="youssef@fondation.ma", language="fr",
                        full_name="Youssef Tazi")
    relaxed = make_user(Role.OFFICER, email="relaxed@fondation.ma", language="en")
    gone = make_user(Role.OFFICER, email="gone@fondation.ma")
    person = make_person(first_name="Nadia", last_name="Amrani")
    project = make_project(name="Argan digital")
    cooperative = make_organization(name="Coopérative Tifawin")
    f = {
        "salma_overdue": make_followup(salma, due_on=date(2025, 2, 27), title="Appeler Nadia",
                                       person=person),
        "salma_today": make_followup(salma, due_on=TODAY, title="Envoyer le dossier",
                                     kind="send-documents", project=project),
        "salma_in_3_days": make_followup(salma, due_on=TODAY + timedelta(days=3),
                                         title="Visiter la coopérative", kind="visit",
                                         organization=cooperative),
        "salma_in_4_days": make_followup(salma, due_on=TODAY + timedelta(days=4),
                                         title="Trop tard pour ce rappel", person=person),
        "salma_done": make_followup(salma, due_on=TODAY - timedelta(days=1), title="Déjà fait",
                                    person=person),
        "salma_cancelled": make_followup(salma, due_on=TODAY, title="Annulé", person=person),
        "youssef_overdue": make_followup(youssef, due_on=date(2025, 3, 10),
                                         title="Rencontre à Agadir", kind="meeting",
                                         person=person),
        "relaxed_later": make_followup(relaxed, due_on=TODAY + timedelta(days=20)),
        "gone_overdue": make_followup(gone, due_on=TODAY - timedelta(days=1)),
    }
    services.complete_followup(salma, f["salma_done"], "Appel passé")
    gone.active = False  # left the foundation with a follow-up still open
    db.session.commit()
    services.cancel_followup(salma, f["salma_cancelled"])
    return {"person": person, "project": project, "cooperative": cooperative, **f}


def test_each_user_gets_one_email_with_exactly_their_due_followups(app, inbox, team):
    assert send_reminders(today=TODAY) == 2
    received = inbox.by_recipient()
    assert set(received) == {"salma@fondation.ma", "youssef@fondation.ma"}
    for envelope in inbox.envelopes:
        assert envelope.mail_from == "crm@fondation.ma"

    salma = _body(received["salma@fondation.ma"])
    for title in ("Appeler Nadia", "Envoyer le dossier", "Visiter la coopérative"):
        assert salma.count(title) == 1, title
    for title in ("Trop tard pour ce rappel", "Déjà fait", "Annulé", "Rencontre à Agadir"):
        assert title not in salma, title
    assert salma.index("Appeler Nadia") < salma.index("Envoyer le dossier")
    assert f"{BASE_URL}/people/{team['person'].id}" in salma
    assert f"{BASE_URL}/projects/{team['project'].id}" in salma
    assert f"{BASE_URL}/organizations/{team['cooperative'].id}" in salma
    assert "Nadia Amrani" in salma and "Argan digital" in salma
    assert "Coopérative Tifawin" in salma and f"{BASE_URL}/followups" in salma

    youssef = _body(received["youssef@fondation.ma"])
    assert "Rencontre à Agadir" in youssef and "Appeler Nadia" not in youssef


def test_each_email_is_written_in_its_readers_language(app, inbox, team):
    send_reminders(today=TODAY)
    received = inbox.by_recipient()

    arabic = received["salma@fondation.ma"]
    assert arabic["Content-Language"] == "ar"
    assert arabic["To"].addresses[0].display_name == "سلمى العلوي"
    body = _body(arabic)
    # dates written by Babel in Arabic, kinds with their Arabic labels
    assert "الخميس، 27 فبراير 2025" in body and "مارس 2025" in body
    assert "مكالمة" in body and "Call" not in body
    with force_locale("ar"):
        assert arabic["Subject"] == ngettext("%(num)d follow-up needs you",
                                             "%(num)d follow-ups need you", 3)

    french = received["youssef@fondation.ma"]
    assert french["Content-Language"] == "fr"
    body = _body(french)
    assert "lundi 10 mars 2025" in body and "Réunion" in body
    with force_locale("fr"):
        assert french["Subject"] == ngettext("%(num)d follow-up needs you",
                                             "%(num)d follow-ups need you", 1)
    assert arabic.get_body(preferencelist=("plain",)).get_content_charset() == "utf-8"


def test_nothing_due_sends_nothing(app, inbox, db):
    officer = make_user(Role.OFFICER)
    make_followup(officer, due_on=TODAY + timedelta(days=10))
    assert send_reminders(today=TODAY) == 0
    assert inbox.envelopes == []


def test_the_command_sends_the_reminders_and_says_how_many(app, inbox, db):
    officer = make_user(Role.OFFICER, email="amina@fondation.ma", language="fr")
    make_followup(officer, due_on=date.today() - timedelta(days=1), title="Rappeler Amal")
    result = app.test_cli_runner().invoke(args=["crm", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 reminder email sent."
    assert [e.rcpt_tos for e in inbox.envelopes] == [["amina@fondation.ma"]]
    assert "Rappeler Amal" in _body(inbox.by_recipient()["amina@fondation.ma"])


def test_the_command_says_when_the_mail_server_cannot_be_reached(app, db):
    make_followup(make_user(Role.OFFICER), due_on=date.today())
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    result = app.test_cli_runner().invoke(args=["crm", "send-reminders"])
    assert result.exit_code == 1 and "mail server refused" in result.output
