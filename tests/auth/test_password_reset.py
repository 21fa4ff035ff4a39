"""Password reset by email, sent to a real SMTP server on 127.0.0.1: the same answer for
every address, a link that works once and for a few hours, and the sessions it ends."""

import re
import time

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import TimestampSigner
from werkzeug.security import check_password_hash

from crm.auth.models import Role, User
from crm.extensions import db as _db
from tests.factories import PASSWORD, make_user

CSRF_TOKEN = re.compile(r'(?<="X-CSRFToken": ")[^"]+|(?<=name="csrf_token" value=")[^"]+')

BASE_URL = "https://crm.example.org"
NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def mail(app, smtp_server):
    app.config.update(CRM_BASE_URL=BASE_URL, MAIL_DEFAULT_SENDER="crm@fondation.ma")
    return smtp_server


@pytest.fixture
def amal(db):
    return make_user(Role.OFFICER, email="amal@fondation.ma", language="fr",
                     full_name="Amal Berrada")


def _forgot(client, email):
    return client.post("/password/forgot", data={"email": email})


def _link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(re.escape(BASE_URL) + r"(/password/reset/\S+)", body)
    assert match, body
    return match.group(1)


def _reset(client, link, password=NEW_PASSWORD, confirm=None):
    return client.post(link, data={"password": password, "confirm": confirm or password})


def _reloaded(user) -> User:
    _db.session.expire_all()
    return _db.session.get(User, user.id)


def test_the_login_page_offers_a_way_out(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Forgot your password?" in page and 'href="/password/forgot"' in page
    assert client.get("/password/forgot").status_code == 200


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, mail, amal):
    make_user(Role.OFFICER, email="gone@fondation.ma", active=False)
    known = _forgot(client, "Amal@Fondation.ma")
    unknown = _forgot(client, "nobody@fondation.ma")
    inactive = _forgot(client, "gone@fondation.ma")
    assert known.status_code == unknown.status_code == inactive.status_code == 200
    # The CSRF tokens are signed with the second they were made: not part of the answer.
    pages = [CSRF_TOKEN.sub("csrf", r.get_data(as_text=True))
             for r in (known, unknown, inactive)]
    assert "If an account uses the address" in pages[0]
    assert (pages[0].replace("Amal@Fondation.ma", "@")
            == pages[1].replace("nobody@fondation.ma", "@")
            == pages[2].replace("gone@fondation.ma", "@"))
    assert [e.rcpt_tos for e in mail.envelopes] == [["amal@fondation.ma"]]


def test_the_email_is_written_in_the_users_language_and_holds_a_link(client, mail, amal):
    _forgot(client, "amal@fondation.ma")
    [message] = mail.messages
    assert message["Content-Language"] == "fr"
    assert message["To"].addresses[0].display_name == "Amal Berrada"
    assert _link(message).startswith("/password/reset/")


def test_the_link_sets_a_new_password_once_and_ends_other_sessions(app, client, mail, amal):
    elsewhere = app.test_client()  # amal is logged in on another device
    elsewhere.post("/login", data={"email": amal.email, "password": PASSWORD})
    assert elsewhere.get("/").status_code == 200
    _forgot(client, amal.email)
    link = _link(mail.messages[0])

    form = client.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    response = _reset(client, link)
    assert response.status_code == 302 and response.location.endswith("/")
    home = client.get("/")
    assert home.status_code == 200  # logged in
    with force_locale("fr"):  # amal reads the CRM in French
        assert _("Your password has been changed. Your other sessions were closed.") in (
            home.get_data(as_text=True).replace("&#39;", "'"))
    user = _reloaded(amal)
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    assert elsewhere.get("/").status_code == 302  # the other session ended

    again = app.test_client()
    page = again.get(link)
    assert page.status_code == 410 and "already used" in page.get_data(as_text=True)
    assert 'href="/password/forgot"' in page.get_data(as_text=True)
    assert _reset(again, link, password="yet-another-passphrase").status_code == 410
    assert check_password_hash(_reloaded(amal).password_hash, NEW_PASSWORD)
    login = again.post("/login", data={"email": amal.email, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_an_expired_or_altered_link_is_refused(app, client, mail, amal, monkeypatch):
    _forgot(client, amal.email)
    link = _link(mail.messages[0])
    altered = client.get(link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB"))
    assert altered.status_code == 410 and "not valid" in altered.get_data(as_text=True)
    assert client.get("/password/reset/nonsense").status_code == 410

    three_hours_later = int(time.time()) + 3 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: three_hours_later)
    expired = client.get(link)
    assert expired.status_code == 410 and "has expired" in expired.get_data(as_text=True)
    assert _reset(client, link).status_code == 410
    assert check_password_hash(_reloaded(amal).password_hash, PASSWORD)


def test_a_deactivated_account_cannot_use_a_link_sent_before(app, client, mail, amal):
    _forgot(client, amal.email)
    link = _link(mail.messages[0])
    user = _reloaded(amal)
    user.active = False
    _db.session.commit()
    assert client.get(link).status_code == 410
    assert check_password_hash(_reloaded(amal).password_hash, PASSWORD)


def test_a_too_short_password_keeps_the_link_usable(client, mail, amal):
    _forgot(client, amal.email)
    link = _link(mail.messages[0])
    short = _reset(client, link, password="short")
    assert short.status_code == 200 and "at least 12 characters" in short.get_data(as_text=True)
    different = _reset(client, link, confirm="something-else-entirely")
    assert "The two passwords are not the same." in different.get_data(as_text=True)
    assert check_password_hash(_reloaded(amal).password_hash, PASSWORD)
    assert _reset(client, link).status_code == 302


def test_asking_for_links_is_rate_limited_per_address(client, mail, amal):
    statuses = [_forgot(client, amal.email).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert len(mail.messages) == 5
    assert _forgot(client, "someone-else@fondation.ma").status_code == 200


def test_the_reset_forms_need_their_csrf_token(app, client, mail, amal):
    app.config["WTF_CSRF_ENABLED"] = True
    assert _forgot(client, amal.email).status_code == 400
    assert mail.envelopes == []
    page = client.get("/password/forgot").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/password/forgot", data={"email": amal.email, "csrf_token": token})
    assert response.status_code == 200 and len(mail.messages) == 1

    link = _link(mail.messages[0])
    assert _reset(client, link).status_code == 400
    assert check_password_hash(_reloaded(amal).password_hash, PASSWORD)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get(link).get_data(as_text=True)).group(1)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                       "csrf_token": token})
    assert response.status_code == 302
    assert check_password_hash(_reloaded(amal).password_hash, NEW_PASSWORD)
