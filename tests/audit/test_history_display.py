"""The history on a record's page reads in the reader's language: labels for fields and codes,
stage names, dates and amounts as the rest of the page writes them, and an arrow pointing the
way the page reads."""

import re
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale, format_date

from crm.audit import history as audit_history
from crm.audit import services as audit
from crm.auth.models import Role
from crm.common.reference import Region
from crm.funding import services as funding
from crm.i18n import format_mad
from crm.people import services as people
from crm.people.models import Gender
from crm.pipeline import services as pipeline
from tests.factories import (
    make_forum,
    make_opportunity,
    make_organization,
    make_person,
    make_project,
)

ARROWS = {"ar": "←", "fr": "→", "en": "→"}


def _history(page: str) -> str:
    """The history section of a page, its markup squeezed to single spaces."""
    section = page[page.index('aria-labelledby="history-title"'):]
    return re.sub(r"[ \t\r\n]+", " ", section[:section.index("</section>")])


def _page(client, login_as, lang: str, url: str) -> str:
    login_as(Role.OFFICER, language=lang)
    client.set_cookie("lang", lang)
    response = client.get(url)
    assert response.status_code == 200
    return _history(response.get_data(as_text=True))


def _change(old: str, new: str, lang: str) -> str:
    return f"<del><bdi>{old}</bdi></del> {ARROWS[lang]} <ins><bdi>{new}</bdi></ins>"


def _in(app, lang: str, formatter, value) -> str:
    with app.test_request_context(), force_locale(lang):
        return formatter(value)


@pytest.mark.parametrize("lang, old, new", [
    ("fr", "Évalué", "Incubé"),
    ("ar", "تم التقييم", "في الاحتضان"),
])
def test_a_stage_change_names_both_stages(client, login_as, lang, old, new):
    project = make_project(stage="assessed")
    pipeline.move_project(None, project, pipeline.get_stage("incubated"))

    history = _page(client, login_as, lang, f"/projects/{project.id}")

    assert _change(old, new, lang) in history
    assert "<bdi>assessed</bdi>" not in history and "<bdi>incubated</bdi>" not in history


@pytest.mark.parametrize("lang, region, gender", [
    ("fr", ("Casablanca-Settat", "Souss-Massa"), "Femme"),
    ("ar", ("الدار البيضاء سطات", "سوس ماسة"), "امرأة"),
])
def test_region_and_gender_show_their_labels(client, login_as, lang, region, gender):
    person = make_person(region=Region.CASABLANCA_SETTAT)
    people.update_person(None, person, None, first_name=person.first_name,
                         last_name=person.last_name, region=Region.SOUSS_MASSA,
                         gender=Gender.WOMAN)

    history = _page(client, login_as, lang, f"/people/{person.id}")

    assert _change(*region, lang) in history
    assert f"<ins><bdi>{gender}</bdi></ins>" in history
    for code in ("casablanca-settat", "souss-massa", "woman"):
        assert f"<bdi>{code}</bdi>" not in history


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_amounts_and_dates_read_as_on_the_rest_of_the_page(app, client, login_as, lang):
    opportunity = make_opportunity(requested="1000")
    funding.update_opportunity(None, opportunity, None, funder_id=opportunity.funder_id,
                               instrument=opportunity.instrument, status=opportunity.status,
                               amount_requested=Decimal("31200.50"),
                               applied_on=date(2026, 3, 1))

    history = _page(client, login_as, lang, f"/funding/{opportunity.id}")

    old, new = (_in(app, lang, format_mad, Decimal(v)) for v in ("1000", "31200.50"))
    assert _change(old, new, lang) in history
    assert _in(app, lang, lambda d: format_date(d, "medium"), date(2026, 3, 1)) in history
    assert "<bdi>31200.50</bdi>" not in history and "<bdi>2026-03-01</bdi>" not in history


@pytest.mark.parametrize("lang, label", [("fr", "Tenu le"), ("ar", "تاريخ الانعقاد")])
def test_a_field_missing_from_the_labels_before_is_named(app, client, login_as, lang, label):
    forum = make_forum(held_on=date(2025, 10, 16))

    history = _page(client, login_as, lang, f"/forums/{forum.id}")

    assert label in history and "held_on" not in history
    assert _in(app, lang, lambda d: format_date(d, "medium"), date(2025, 10, 16)) in history


def test_lists_use_the_arabic_comma_on_arabic_pages(client, login_as):
    organization = make_organization(themes={"education", "health"})

    history = _page(client, login_as, "ar", f"/organizations/{organization.id}")

    assert "<bdi>التعليم، الصحة</bdi>" in history or "<bdi>الصحة، التعليم</bdi>" in history


def test_old_entries_with_any_value_never_break_the_page(app, db, client, login_as):
    person = make_person()
    audit.record(None, "update", "person", person.id, {
        "region": ["nowhere", 12], "gender": [{"odd": 1}, None], "given_on": [3, "not a date"],
        "amount_requested": ["lots", True], "language": [None, "xx"],
        "member_added": [None, "Nadia (boss)"], "period": [None, "2026-01-01"],
        "stage": [None, "gone"], "role in 999999": ["member", "chief"], "shared": [False, True],
        "contacts": [[], [999999]], "unknown_field": [None, [1, "a"]]})
    db.session.commit()

    history = _page(client, login_as, "fr", f"/people/{person.id}")

    for shown in ("nowhere", "12", "not a date", "lots", "xx", "Nadia (boss)", "2026-01-01",
                  "gone", "chief", "999999", "unknown_field", "1, a"):
        assert shown in history


def test_values_are_formatted_by_field(app, db):
    person = make_person()
    audit.record(None, "update", "person", person.id, {"shared": [False, True]})
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        history = audit_history.history("person", person.id)
        assert history.shown("shared", True) == "Yes"
        assert history.shown("done_at", "2026-03-01T09:30:00") != "2026-03-01T09:30:00"
        assert history.shown("period", "2026-01-01/2026-03-31") == "Jan 1, 2026 – Mar 31, 2026"
        assert history.shown("language", "ar") == "العربية"
        assert history.shown("member_added", "Nadia (founder)") == "Nadia (Founder)"
        assert history.shown("member_role", "Nadia (staff)") == "Nadia (Staff)"
        assert history.label("member_role") == "Role"
        assert history.shown("tags", "mentor, Forum 2024") == "mentor, Forum 2024"
        assert history.shown("value", "1250.00") == "1,250"
        assert history.shown("year", 2026) == "2026"
        assert history.label("role in 999999") == "Role in 999999"
