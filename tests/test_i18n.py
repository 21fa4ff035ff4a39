"""Three languages: locale choice, right-to-left Arabic, complete catalogs, Babel formatting."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from crm.auth.models import Role, User
from crm.cli import EXTRACT_ARGS

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ar", "fr", "en")


def _catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def test_accept_language_chooses_the_locale(client):
    page = client.get("/login", headers={"Accept-Language": "ar,fr;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert "تسجيل الدخول" in page


def test_the_cookie_wins_over_accept_language(client):
    client.set_cookie("lang", "fr")
    page = client.get("/login", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page and "Se connecter" in page


def test_the_user_preference_wins_over_the_cookie(client, login_as):
    login_as(Role.OFFICER, language="en")
    client.set_cookie("lang", "ar")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page


def test_the_switcher_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post("/language", data={"lang": "ar", "next": "/login?next=/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/"
    assert "lang=ar" in response.headers["Set-Cookie"]
    assert 'dir="rtl"' in client.get("/login").get_data(as_text=True)


def test_the_switcher_refuses_unknown_languages_and_foreign_targets(client):
    response = client.post("/language", data={"lang": "de", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]
    response = client.post("/language", data={"lang": "fr", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_the_switcher_saves_a_logged_in_users_preference(client, login_as, db):
    user = login_as(Role.OFFICER, language="fr")
    client.post("/language", data={"lang": "ar"})
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "ar"
    assert 'dir="rtl"' in client.get("/").get_data(as_text=True)


def test_the_switcher_is_on_the_login_page_and_on_every_page(client, login_as):
    assert 'action="/language"' in client.get("/login").get_data(as_text=True)
    login_as(Role.ADMIN)
    for path in ("/", "/admin/users", "/account/password", "/no-such-page"):
        assert 'action="/language"' in client.get(path).get_data(as_text=True), path


@pytest.mark.parametrize("role", list(Role))
def test_arabic_home_pages_are_right_to_left_and_translated(client, login_as, role):
    login_as(role, language="ar")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "تسجيل الخروج" in page  # "Log out"
    assert "Log out" not in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalog_is_complete_and_has_no_fuzzy_message(lang):
    catalog = _catalog(lang)
    incomplete = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            incomplete.append(message.id)
    assert incomplete == []


def test_every_message_of_the_code_is_in_the_catalogs(tmp_path):
    """Fails when a string was added to the code or templates without `make translations`."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *EXTRACT_ARGS,
                    "-o", str(pot), "."], check=True, cwd=ROOT)
    with open(pot, "rb") as f:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    for lang in LANGUAGES:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(lang) if m.id}
        assert extracted - known == set(), lang


def test_placeholders_are_kept_in_every_translation():
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]")
    for lang in ("ar", "fr"):
        for message in _catalog(lang):
            if not message.id or not isinstance(message.id, str):
                continue
            assert set(pattern.findall(message.id)) == set(pattern.findall(message.string)), (
                lang, message.id)


def test_catalogs_compile(tmp_path):
    for lang in LANGUAGES:
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "compile",
                        "-i", str(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"),
                        "-o", str(tmp_path / f"{lang}.mo"), "-l", lang], check=True)


def test_templates_translate_in_the_page_language_and_in_a_forced_one(app):
    """`_`, `gettext` and `ngettext` in templates follow the request's language, and an email
    written inside the request in its recipient's language (force_locale) takes that one."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = ('{{ _("Filters") }}|{{ gettext("Filters") }}|'
                '{{ ngettext("%(num)d attended", "%(num)d attended", 3) }}')
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert render_template_string(template) == "Filtres|Filtres|3 présent·e·s"
        with force_locale("ar"):
            assert render_template_string(template) == (
                "عوامل التصفية|عوامل التصفية|حضر 3 أشخاص")
        with force_locale("en"):
            assert render_template_string(template) == "Filters|Filters|3 attended"
        assert render_template_string(template).startswith("Filtres|")


@pytest.mark.parametrize("lang, expected_digits", [("fr", "1 234 567,50"), ("en", "1,234,567.50")])
def test_mad_amounts_follow_the_locale(app, lang, expected_digits):
    from flask_babel import force_locale

    from crm.i18n import format_mad

    with app.test_request_context(), force_locale(lang):
        formatted = format_mad(Decimal("1234567.50"))
    assert expected_digits in formatted.replace("\u202f", " ").replace("\xa0", " ")
    assert "MAD" in formatted


def test_mad_amounts_in_arabic_use_the_arabic_currency_name(app):
    from flask_babel import force_locale

    from crm.i18n import format_mad

    with app.test_request_context(), force_locale("ar"):
        formatted = format_mad(Decimal("1500"))
    assert "1" in formatted or "١" in formatted
    assert formatted != "1500"


def test_dates_are_the_reader_s_day_in_the_reader_s_language(app):
    """The `dateformat` filter remembers what it formatted: the cache keys on the language, and
    a late evening in UTC is already the next day in Casablanca."""
    from datetime import date, datetime

    from flask import render_template_string
    from flask_babel import force_locale

    evening = datetime(2026, 6, 1, 23, 30)  # stored in UTC; 00:30 on 2 June in Casablanca
    shown = {}
    with app.test_request_context():
        for lang in ("fr", "en", "fr", "ar"):
            with force_locale(lang):
                shown[lang] = render_template_string(
                    "{{ evening|dateformat('long') }} / {{ day|dateformat }}",
                    evening=evening, day=date(2026, 12, 5))
    assert shown["fr"] == "2 juin 2026 / 5 déc. 2026"
    assert shown["en"] == "June 2, 2026 / Dec 5, 2026"
    assert shown["ar"] == "2 يونيو 2026 / 05\u200f/12\u200f/2026"
