"""The funding screens: funders, opportunities, crowdfunding campaigns, the funding panel,
who may do what, exact totals and a fixed number of queries."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from flask import render_template
from flask_login import login_user

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.funding import services
from crm.funding.forms import normalise_amount
from crm.funding.models import (
    CampaignUpdate,
    CrowdfundingCampaign,
    Funder,
    FunderKind,
    FundingOpportunity,
    OpportunityStatus,
)
from crm.projects import services as project_services
from tests.factories import (
    make_funder,
    make_opportunity,
    make_organization,
    make_person,
    make_project,
    make_user,
    sign_in,
)
from tests.queries import queries_on_page
from tests.spreadsheets import column, csv_rows, sheet_as_csv, xlsx_sheet

D = Decimal
# 0.10 + 0.20 is not 0.30 in floating point: the pages must show the exact sum.
AMOUNTS = ("0.10", "0.20", "1234567.89")
EXACT_SUM = D("1234568.19")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _mad(amount, locale: str = "en") -> str:
    return format_currency(D(amount), "MAD", locale=locale)


def _field_errors(page: str, field: str) -> str:
    """The error block tied to a field (empty when the field has none)."""
    match = re.search(rf'<div id="{field}-errors" class="invalid-feedback d-block">(.*?)</div>\s*'
                      rf'</div>', page, re.S)
    return match.group(1) if match else ""


def _version(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def _logged_in_client(app, user):
    other = app.test_client()
    assert sign_in(other, user).status_code == 302  # with the code, for an admin
    return other


def _opportunity_form(funder, **changes) -> dict:
    data = {"funder_id": str(funder.id), "instrument": "grant", "status": "prospect",
            "amount_requested": "1 234,50", "amount_committed": "", "amount_disbursed": "",
            "applied_on": "", "committed_on": "", "disbursed_on": "", "declined_on": "",
            "decline_reason": "", "officer_id": "", "notes": ""}
    return data | changes


def _only_opportunity(db) -> FundingOpportunity:
    db.session.expire_all()
    return db.session.scalars(db.select(FundingOpportunity)).one()


# --- funders: list and export -----------------------------------------------------------------

def test_the_funders_list_shows_filters_searches_and_sorts(client, login_as):
    login_as(Role.MANAGER)
    organization = make_organization(name="Atlas Impact SARL")
    make_funder(name="Fonds Innov Invest", kind="fund", organization_id=organization.id)
    make_funder(name="Bank Al-Amal", name_arabic="بنك الأمل", kind="bank")
    archived = make_funder(name="Ancien Programme", kind="public-program")
    services.archive_funder(None, archived)

    def names(**args) -> list[str]:
        page = _text(client.get("/funders", query_string=args))
        return re.findall(r'<a href="/funders/\d+"><bdi>([^<]+)</bdi>', page)

    page = _text(client.get("/funders"))
    assert "Atlas Impact SARL" in page and f'href="/organizations/{organization.id}"' in page
    assert "Fund" in page and "Bank" in page and "بنك الأمل" in page
    assert names() == ["Bank Al-Amal", "Fonds Innov Invest"]
    assert names(sort="-name") == ["Fonds Innov Invest", "Bank Al-Amal"]
    assert names(kind="bank") == ["Bank Al-Amal"]
    assert names(q="innov") == ["Fonds Innov Invest"]
    assert names(q="الأمل") == ["Bank Al-Amal"]
    assert names(archived="1") == ["Ancien Programme"]
    assert "No funder matches this search or these filters." in _text(
        client.get("/funders?q=nothing"))


def test_the_funders_list_paginates_and_has_an_empty_state(app, client, login_as):
    login_as(Role.OFFICER)
    assert "No funder yet." in _text(client.get("/funders"))
    for n in range(app.config["ITEMS_PER_PAGE"] + 2):
        make_funder(name=f"Fonds {n:03d}")
    first = _text(client.get("/funders"))
    assert "Fonds 000" in first and 'rel="next"' in first
    assert f"Fonds {app.config['ITEMS_PER_PAGE'] + 1:03d}" in _text(client.get("/funders?page=2"))


def test_the_csv_export_follows_the_filters_with_translated_headers(client, login_as):
    login_as(Role.MANAGER, language="fr")
    bank = make_funder(name="=Bank Al-Amal", kind="bank", website="alamal.ma")
    make_funder(name="Programme INDH", kind="public-program")
    services.add_funder_contact(None, bank, make_person(first_name="Omar", last_name="Tazi"))
    response = client.get("/funders/export?kind=bank")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(_text(response).lstrip("\ufeff"))))
    assert rows[0][:2] == ["ID", "Nom"]  # in the user's language
    assert len(rows) == 2
    assert rows[1][1] == "'=Bank Al-Amal"  # no formula injection
    assert rows[1][5:7] == ["alamal.ma", "Omar Tazi"]


def test_the_excel_export_of_archived_funders_has_real_dates(client, login_as):
    login_as(Role.MANAGER)
    old = make_funder(name="Ancien Fonds", name_arabic="الصندوق القديم")
    services.archive_funder(None, old)
    make_funder(name="Programme INDH", kind="public-program")
    page = client.get("/funders?archived=1").get_data(as_text=True)
    assert "/funders/export?archived=1&amp;format=xlsx" in page and "Export to Excel" in page
    sheet = xlsx_sheet(client.get("/funders/export?archived=1&format=xlsx"))
    assert sheet_as_csv(sheet) == csv_rows(client.get("/funders/export?archived=1"))
    assert sheet.max_row == 2 and sheet["C2"].value == "الصندوق القديم"
    archived = column(sheet, "Archived on")[0]
    assert archived.is_date and archived.number_format == "yyyy-mm-dd"
    assert archived.value.date() == old.archived_at.date()


def test_innovators_get_404_on_both_funder_exports(client, login_as):
    login_as(Role.INNOVATOR)
    make_funder(name="Bank Al-Amal")
    assert client.get("/funders/export").status_code == 404
    assert client.get("/funders/export?format=xlsx").status_code == 404


# --- funders: create, edit, archive, contacts -------------------------------------------------

def test_an_officer_creates_a_funder_linked_to_an_organization(client, login_as, db):
    login_as(Role.OFFICER)
    organization = make_organization(name="Fondation Attijariwafa")
    form = {"name": "Fondation Attijariwafa bank", "name_arabic": "مؤسسة التجاري وفا بنك",
            "kind": "donor", "organization_id": "", "organization_q": "attijari",
            "website": "https://fondationattijariwafa.ma", "notes": "Appel à projets annuel"}
    # searching the organizations saves nothing and keeps what was typed
    response = client.post("/funders/new", data={**form, "find_organization": "1"})
    page = _text(response)
    assert response.status_code == 200 and _count(db, Funder) == 0
    assert f'value="{organization.id}"' in page and "Fondation Attijariwafa" in page
    assert 'value="Fondation Attijariwafa bank"' in page and "Appel à projets annuel" in page
    assert "Please correct the errors below." not in page

    response = client.post("/funders/new", data={**form, "organization_id": str(organization.id)})
    assert response.status_code == 302
    funder = db.session.scalars(db.select(Funder)).one()
    assert response.headers["Location"] == f"/funders/{funder.id}"
    assert (funder.organization_id, funder.kind) == (organization.id, FunderKind.DONOR)
    page = _text(client.get(f"/funders/{funder.id}"))
    assert f'href="/organizations/{organization.id}"' in page
    assert "https://fondationattijariwafa.ma" in page and "Donor" in page


def test_creating_a_funder_without_a_name_or_kind_keeps_what_was_typed(client, login_as, db):
    login_as(Role.ADMIN)
    response = client.post("/funders/new", data={"name": "", "name_arabic": "", "kind": "bank",
                                                 "organization_id": "", "website": "x.ma"})
    page = _text(response)
    assert response.status_code == 200 and _count(db, Funder) == 0
    assert "Give the name in Latin or in Arabic script." in _field_errors(page, "name")
    assert 'value="x.ma"' in page
    response = client.post("/funders/new", data={"name": "Fonds", "kind": "",
                                                 "organization_id": ""})
    assert "This field is required." in _field_errors(_text(response), "kind")
    assert _count(db, Funder) == 0


def test_a_funder_is_edited_and_unlinked_from_its_organization(client, login_as, db):
    login_as(Role.OFFICER)
    organization = make_organization(name="Atlas Impact SARL")
    funder = make_funder(name="Atlas Impact", kind="impact-investor",
                         organization_id=organization.id)
    page = _text(client.get(f"/funders/{funder.id}/edit"))
    assert re.search(rf'<input checked [^>]*name="organization_id" type="radio" '
                     rf'value="{organization.id}"', page)
    response = client.post(f"/funders/{funder.id}/edit", data={
        "name": "Atlas Impact Fund", "kind": "fund", "organization_id": "",
        "version": _version(page)})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Funder, funder.id)
    assert (saved.name, saved.kind, saved.organization_id) == ("Atlas Impact Fund",
                                                              FunderKind.FUND, None)


def test_the_second_of_two_concurrent_funder_saves_gets_a_conflict_notice(app, client,
                                                                         login_as, db):
    officer = login_as(Role.OFFICER)
    other = _logged_in_client(app, make_user(Role.ADMIN))
    funder = make_funder(name="Bank Al-Amal", kind="bank")
    url = f"/funders/{funder.id}/edit"
    first_version = _version(_text(client.get(url)))
    second_version = _version(_text(other.get(url)))
    data = {"name": "Bank Al-Amal", "kind": "bank", "organization_id": ""}
    assert client.post(url, data={**data, "website": "alamal.ma",
                                  "version": first_version}).status_code == 302
    response = other.post(url, data={**data, "website": "amal-bank.ma",
                                     "version": second_version})
    page = _text(response)
    assert response.status_code == 200 and 'id="conflict"' in page
    assert "amal-bank.ma" in page and "alamal.ma" in page
    assert _version(page) == str(int(first_version) + 1)
    db.session.expire_all()
    assert db.session.get(Funder, funder.id).website == "alamal.ma"
    assert officer.id


def test_a_funder_is_archived_and_restored(client, login_as, db):
    login_as(Role.ADMIN)
    funder = make_funder(name="Programme INDH", kind="public-program")
    assert client.post(f"/funders/{funder.id}/archive").status_code == 302
    db.session.expire_all()
    assert db.session.get(Funder, funder.id).is_archived
    assert f'href="/funders/{funder.id}"' not in _text(client.get("/funders"))
    assert "This funder is archived" in _text(client.get(f"/funders/{funder.id}"))
    assert client.post(f"/funders/{funder.id}/restore").status_code == 302
    db.session.expire_all()
    assert not db.session.get(Funder, funder.id).is_archived


def test_contact_people_are_searched_added_and_removed(client, login_as, db):
    login_as(Role.OFFICER)
    funder = make_funder(name="Smart Crowdfunding Maroc", kind="crowdfunding-platform")
    person = make_person(first_name="Amal", last_name="Bennis", email="amal@smart.ma")
    page = _text(client.get(f"/funders/{funder.id}?person_q=benn"))
    assert f'value="{person.id}"' in page and "amal@smart.ma" in page
    response = client.post(f"/funders/{funder.id}/contacts", data={"person_id": person.id})
    assert response.status_code == 302
    page = _text(client.get(f"/funders/{funder.id}"))
    assert f'href="/people/{person.id}"' in page and "Amal Bennis" in page
    assert f"/funders/{funder.id}/contacts/{person.id}/remove" in page
    # already a contact: not offered again
    assert f'id="person-choice-{person.id}"' not in _text(
        client.get(f"/funders/{funder.id}?person_q=benn"))
    response = client.post(f"/funders/{funder.id}/contacts/{person.id}/remove")
    assert response.status_code == 302
    assert services.get_funder(funder.id).contacts == []
    assert client.post(f"/funders/{funder.id}/contacts/{person.id}/remove").status_code == 404


# --- the funder page: everything it is involved in --------------------------------------------

def test_the_funder_page_shows_its_opportunities_across_projects_with_exact_totals(
        client, login_as):
    login_as(Role.MANAGER)
    funder = make_funder(name="Fonds Innov Invest", kind="fund")
    first = make_project(name="Argan digital",
                         organization=make_organization(name="Coopérative Al Baraka"))
    second = make_project(name="Miel bio")
    make_opportunity(first, funder, instrument="equity", requested=AMOUNTS[0])
    make_opportunity(second, funder, instrument="debt", requested=AMOUNTS[1],
                     status="committed", committed=AMOUNTS[1])
    make_opportunity(second, funder, instrument="equity", requested=AMOUNTS[2],
                     status="declined", decline_reason="Trop tôt")
    make_opportunity(make_project(name="Autre projet"), make_funder(), requested="999")
    page = _text(client.get(f"/funders/{funder.id}"))
    assert "Argan digital" in page and "Miel bio" in page and "Autre projet" not in page
    assert "Coopérative Al Baraka" in page
    assert "Impact investment: equity" in page and "Impact investment: debt" in page
    assert f'data-total="requested">{_mad(EXACT_SUM)}<' in page
    assert f'data-total="committed">{_mad(AMOUNTS[1])}<' in page
    assert page.count(f'data-total="requested">{_mad(EXACT_SUM)}<') == 2  # status, instrument
    status_table = page[page.index('id="funding-totals-status"'):]
    assert _mad(AMOUNTS[2]) in status_table[:status_table.index("</table>")]


def test_the_funder_page_formats_money_in_the_users_language(client, login_as):
    login_as(Role.OFFICER, language="fr")
    funder = make_funder()
    for amount in AMOUNTS:
        make_opportunity(funder=funder, requested=amount)
    page = _text(client.get(f"/funders/{funder.id}"))
    assert f'data-total="requested">{_mad(EXACT_SUM, "fr")}<' in page
    assert "1\u202f234\u202f568,19" in page


# --- opportunities: create --------------------------------------------------------------------

def test_an_officer_adds_an_opportunity_typed_with_spaces_and_a_decimal_comma(
        client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer, name="Argan digital")
    funder = make_funder(name="Fondation Attijariwafa", kind="donor")
    page = _text(client.get(f"/projects/{project.id}/funding/new"))
    assert "Fondation Attijariwafa" in page and "Crowdfunding: donation" in page
    assert f'<option selected value="{officer.id}">' in page  # the project's officer
    response = client.post(f"/projects/{project.id}/funding/new", data=_opportunity_form(
        funder, status="applied", amount_requested="1 234,50", officer_id=str(officer.id),
        notes="Dossier déposé"))
    assert response.status_code == 302
    opportunity = _only_opportunity(db)
    assert response.headers["Location"] == f"/funding/{opportunity.id}"
    assert opportunity.amount_requested == D("1234.50")
    assert (opportunity.status, opportunity.applied_on) == (OpportunityStatus.APPLIED,
                                                            date.today())
    assert (opportunity.project_id, opportunity.officer_id) == (project.id, officer.id)
    page = _text(client.get(f"/funding/{opportunity.id}"))
    assert _mad("1234.50") in page and "Dossier déposé" in page and "Applied" in page


@pytest.mark.parametrize("typed, amount", [
    ("1 234,50", "1234.50"), ("1234.50", "1234.50"), ("1\u00a0234,50", "1234.50"),
    ("1\u202f234,50", "1234.50"), ("1,234.50", "1234.50"), ("1.234,5", "1234.50"),
    ("١٢٣٤٫٥", "1234.50"), ("2 000 000", "2000000.00"),
])
def test_amounts_are_accepted_as_people_type_them(client, login_as, db, typed, amount):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    response = client.post(f"/projects/{project.id}/funding/new",
                           data=_opportunity_form(make_funder(), amount_requested=typed))
    assert response.status_code == 302, _field_errors(_text(response), "amount_requested")
    assert _only_opportunity(db).amount_requested == D(amount)


def test_normalising_amounts():
    assert normalise_amount(" 1 234,50 ") == "1234.50"
    assert normalise_amount("−12,5") == "-12.5"
    assert normalise_amount("1.234.567") == "1234567"
    assert normalise_amount("1,234,5.6") == "1,234,5.6"  # unreadable: left for the field


@pytest.mark.parametrize("typed, message", [
    ("12abc", "Give an amount in dirhams"), ("1,234,5.6", "Give an amount in dirhams"),
    ("10.555", "At most two decimals"), ("NaN", "Give an amount in dirhams"),
])
def test_unreadable_amounts_are_refused_and_kept(client, login_as, db, typed, message):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    response = client.post(f"/projects/{project.id}/funding/new",
                           data=_opportunity_form(make_funder(), amount_requested=typed))
    page = _text(response)
    assert response.status_code == 200 and _count(db, FundingOpportunity) == 0
    assert message in _field_errors(page, "amount_requested")
    assert f'value="{typed}"' in page


# Each money rule, through the form: the message next to its field, nothing saved, what was
# typed kept.
RULES = [
    ({"amount_requested": "-1 000,00"}, "amount_requested", "An amount cannot be negative."),
    ({"amount_committed": "-0,01"}, "amount_committed", "An amount cannot be negative."),
    ({"amount_requested": "1 000", "amount_committed": "1 000", "amount_disbursed": "-5"},
     "amount_disbursed", "An amount cannot be negative."),
    ({"status": "committed", "amount_requested": "1 000,00", "amount_committed": "1 500,00"},
     "amount_committed", "The committed amount is above the amount requested."),
    ({"status": "disbursed", "amount_requested": "1 000", "amount_committed": "800",
      "amount_disbursed": "800,01"},
     "amount_disbursed", "The disbursed amount cannot be above the committed amount."),
    ({"status": "declined", "decline_reason": "  "}, "decline_reason",
     "Give the reason it was declined."),
    ({"status": "committed", "amount_committed": ""}, "amount_committed",
     "A committed opportunity needs the committed amount."),
    ({"status": "disbursed", "amount_requested": "1 000", "amount_committed": "1 000",
      "amount_disbursed": "0"}, "amount_disbursed",
     "A disbursed opportunity needs the disbursed amount."),
]


@pytest.mark.parametrize("changes, field, message", RULES)
def test_each_money_rule_is_shown_next_to_its_field_and_nothing_is_saved(
        client, login_as, db, changes, field, message):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    form = _opportunity_form(make_funder(), notes="Notes gardées", **changes)
    response = client.post(f"/projects/{project.id}/funding/new", data=form)
    page = _text(response)
    assert response.status_code == 200
    assert message in _field_errors(page, field)
    assert "Please correct the errors below." in page
    assert _count(db, FundingOpportunity) == 0
    assert "Notes gardées" in page
    for name in ("amount_requested", "amount_committed", "amount_disbursed"):
        assert f'name="{name}" required' not in page
        assert f'value="{form[name]}"' in page, name


def test_the_confirmation_appears_when_committed_is_above_requested_and_then_saves(
        client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    funder = make_funder()
    page = _text(client.get(f"/projects/{project.id}/funding/new"))
    assert 'name="confirm_over_request"' not in page
    assert "you will be asked to confirm it" in page
    form = _opportunity_form(funder, status="committed", amount_requested="1 000,00",
                             amount_committed="1 200,00")
    page = _text(client.post(f"/projects/{project.id}/funding/new", data=form))
    assert 'name="confirm_over_request"' in page and 'id="confirm-over-request"' in page
    assert _count(db, FundingOpportunity) == 0
    response = client.post(f"/projects/{project.id}/funding/new",
                           data={**form, "confirm_over_request": "y"})
    assert response.status_code == 302
    opportunity = _only_opportunity(db)
    assert opportunity.amount_committed == D("1200.00")
    assert opportunity.committed_on == date.today()
    # editing it later shows the confirmation already ticked, so saving again works
    page = _text(client.get(f"/funding/{opportunity.id}/edit"))
    assert re.search(r'checked[^>]*name="confirm_over_request"|name="confirm_over_request"'
                     r'[^>]*checked', page)


def test_a_funder_must_be_chosen_among_the_active_ones(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    archived = make_funder(name="Ancien Fonds")
    services.archive_funder(None, archived)
    assert "Ancien Fonds" not in _text(client.get(f"/projects/{project.id}/funding/new"))
    page = _text(client.post(f"/projects/{project.id}/funding/new",
                             data=_opportunity_form(archived)))
    assert _field_errors(page, "funder_id") and _count(db, FundingOpportunity) == 0
    page = _text(client.post(f"/projects/{project.id}/funding/new",
                             data=_opportunity_form(archived, funder_id="")))
    assert "Choose a funder." in _field_errors(page, "funder_id")


def test_no_opportunity_for_a_missing_or_archived_project(client, login_as, db):
    login_as(Role.ADMIN)
    project = make_project()
    project_services.archive_project(None, project)
    funder = make_funder()
    for project_id in (project.id, project.id + 100):
        assert client.get(f"/projects/{project_id}/funding/new").status_code == 404
        assert client.post(f"/projects/{project_id}/funding/new",
                           data=_opportunity_form(funder)).status_code == 404
    assert _count(db, FundingOpportunity) == 0


def test_an_officer_cannot_add_an_opportunity_to_another_officers_project(client, login_as,
                                                                          db):
    login_as(Role.OFFICER)
    theirs = make_project(officer=make_user(Role.OFFICER))
    unassigned = make_project()
    funder = make_funder()
    assert client.get(f"/projects/{theirs.id}/funding/new").status_code == 404
    assert client.post(f"/projects/{theirs.id}/funding/new",
                       data=_opportunity_form(funder)).status_code == 404
    assert _count(db, FundingOpportunity) == 0
    assert client.post(f"/projects/{unassigned.id}/funding/new",
                       data=_opportunity_form(funder)).status_code == 302


# --- opportunities: page and edit -------------------------------------------------------------

def test_the_opportunity_page_shows_every_field_and_its_history(client, login_as):
    officer = login_as(Role.OFFICER, full_name="Salma Alaoui")
    project = make_project(officer=officer, name="Argan digital")
    funder = make_funder(name="Bank Al-Amal", kind="bank")
    opportunity = make_opportunity(project, funder, instrument="loan", status="disbursed",
                                   requested="50000", committed="45000", disbursed="20000.05",
                                   committed_on=date(2024, 5, 2), officer_id=officer.id,
                                   notes="Prêt d'honneur", actor=officer)
    page = _text(client.get(f"/funding/{opportunity.id}"))
    assert "Argan digital" in page and "Bank Al-Amal" in page and "Loan" in page
    assert "Disbursed" in page and "Salma Alaoui" in page
    assert f'id="amount-requested">{_mad("50000")}<' in page
    assert f'id="amount-committed">{_mad("45000")}<' in page
    assert f'id="amount-disbursed">{_mad("20000.05")}<' in page
    assert 'datetime="2024-05-02"' in page and "Prêt d&#39;honneur" in page
    assert 'id="history-title"' in page and "created" in page
    assert f'href="/funding/{opportunity.id}/edit"' in page


def test_an_opportunity_is_edited_with_the_rules_and_conflicts(app, client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    funder = make_funder()
    opportunity = make_opportunity(project, funder, status="applied", requested="1000")
    url = f"/funding/{opportunity.id}/edit"
    page = _text(client.get(url))
    assert 'value="1000.00"' in page and _version(page) == "1"
    form = _opportunity_form(funder, status="disbursed", amount_requested="1 000",
                             amount_committed="900", amount_disbursed="950", version="1")
    page = _text(client.post(url, data=form))
    assert "cannot be above the committed amount" in _field_errors(page, "amount_disbursed")
    assert 'value="950"' in page
    assert _only_opportunity(db).status is OpportunityStatus.APPLIED

    other = _logged_in_client(app, make_user(Role.ADMIN))
    stale = _version(_text(other.get(url)))
    assert client.post(url, data={**form, "amount_disbursed": "900"}).status_code == 302
    saved = _only_opportunity(db)
    assert (saved.status, saved.amount_disbursed) == (OpportunityStatus.DISBURSED, D("900.00"))
    response = other.post(url, data={**form, "amount_disbursed": "100", "notes": "Autre",
                                     "version": stale})
    page = _text(response)
    assert response.status_code == 200 and 'id="conflict"' in page
    assert _version(page) == "2"
    assert _only_opportunity(db).amount_disbursed == D("900.00")


def test_an_archived_funder_stays_choosable_on_its_own_opportunity(client, login_as, db):
    officer = login_as(Role.OFFICER)
    funder = make_funder(name="Ancien Fonds")
    opportunity = make_opportunity(make_project(officer=officer), funder, requested="10")
    services.archive_funder(None, funder)
    page = _text(client.get(f"/funding/{opportunity.id}/edit"))
    assert "Ancien Fonds" in page
    response = client.post(f"/funding/{opportunity.id}/edit", data=_opportunity_form(
        funder, amount_requested="20", version=_version(page)))
    assert response.status_code == 302
    assert _only_opportunity(db).amount_requested == D("20.00")


def test_an_officer_cannot_edit_another_officers_opportunity(client, login_as, db):
    login_as(Role.OFFICER)
    opportunity = make_opportunity(make_project(officer=make_user(Role.OFFICER)),
                                   requested="10")
    page = _text(client.get(f"/funding/{opportunity.id}"))
    assert f'href="/funding/{opportunity.id}/edit"' not in page
    assert client.get(f"/funding/{opportunity.id}/edit").status_code == 404
    response = client.post(f"/funding/{opportunity.id}/edit", data=_opportunity_form(
        opportunity.funder, amount_requested="99", version="1"))
    assert response.status_code == 404
    assert _only_opportunity(db).amount_requested == D("10.00")


# --- crowdfunding campaigns -------------------------------------------------------------------

def _crowd_opportunity(officer=None) -> FundingOpportunity:
    return make_opportunity(make_project(officer=officer),
                            make_funder(name="Smart Crowdfunding Maroc",
                                        kind="crowdfunding-platform"),
                            instrument="crowd-reward", status="applied", requested="60000")


def _campaign(opportunity, starts: int, ends: int, goal="10000") -> CrowdfundingCampaign:
    today = date.today()
    return services.create_campaign(None, opportunity, goal, today + timedelta(days=starts),
                                    today + timedelta(days=ends), "smartcrowdfunding.ma/argan")


def test_a_campaign_is_recorded_on_a_crowdfunding_opportunity(client, login_as, db):
    officer = login_as(Role.OFFICER)
    opportunity = _crowd_opportunity(officer)
    page = _text(client.get(f"/funding/{opportunity.id}"))
    assert f'href="/funding/{opportunity.id}/campaign/new"' in page
    url = f"/funding/{opportunity.id}/campaign/new"
    form = {"goal": "50 000,00", "starts_on": "2024-10-17", "ends_on": "2024-10-01",
            "url": "https://smartcrowdfunding.ma/argan"}
    page = _text(client.post(url, data=form))
    assert "cannot end before it starts" in _field_errors(page, "ends_on")
    assert 'value="50 000,00"' in page and _count(db, CrowdfundingCampaign) == 0
    page = _text(client.post(url, data={**form, "goal": "0", "ends_on": "2024-12-31"}))
    assert "The goal must be above zero." in _field_errors(page, "goal")
    response = client.post(url, data={**form, "ends_on": "2024-12-31"})
    assert response.status_code == 302
    campaign = db.session.scalars(db.select(CrowdfundingCampaign)).one()
    assert campaign.goal == D("50000.00") and campaign.opportunity_id == opportunity.id
    assert response.headers["Location"] == f"/funding/campaigns/{campaign.id}"
    # a second campaign is not offered: the page of the first one is
    assert client.get(url).headers["Location"] == f"/funding/campaigns/{campaign.id}"
    assert _count(db, CrowdfundingCampaign) == 1


def test_no_campaign_on_an_opportunity_that_is_not_crowdfunding(client, login_as, db):
    officer = login_as(Role.OFFICER)
    grant = make_opportunity(make_project(officer=officer), instrument="grant")
    assert "/campaign/new" not in _text(client.get(f"/funding/{grant.id}"))
    assert client.get(f"/funding/{grant.id}/campaign/new").status_code == 404
    assert client.post(f"/funding/{grant.id}/campaign/new", data={
        "goal": "100", "starts_on": "2024-01-01", "ends_on": "2024-02-01"}).status_code == 404
    assert _count(db, CrowdfundingCampaign) == 0


def test_the_campaign_page_shows_progress_days_left_updates_and_a_chart(client, login_as):
    officer = login_as(Role.OFFICER)
    campaign = _campaign(_crowd_opportunity(officer), starts=-20, ends=12)
    today = date.today()
    services.record_campaign_update(None, campaign, today - timedelta(days=15), "1000", 9)
    services.record_campaign_update(None, campaign, today - timedelta(days=1), "2500.50", 31)
    response = client.get(f"/funding/campaigns/{campaign.id}")
    page = _text(response)
    assert response.status_code == 200
    assert "Smart Crowdfunding Maroc" in page
    assert f"{_mad('2500.50')} raised of {_mad('10000')}" in page
    assert '<progress id="campaign-progress" class="w-100" max="100" value="25">' in page
    assert "25% of the goal" in page and "12 days left" in page
    assert "smartcrowdfunding.ma/argan" in page
    # the chart, its data and the table giving the same numbers
    assert 'data-chart="line"' in page and 'role="img"' in page
    assert '"values": ["1000.00", "2500.50"]' in page
    assert 'data-rtl="false"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page and "js/charts.js" in page
    table = page[page.index('id="campaign-updates"'):]
    assert "<caption" in table and _mad("1000") in table and _mad("2500.50") in table
    assert ">31<" in table
    assert "<script>" not in page and "style=" not in page


@pytest.mark.parametrize("starts, ends, raised, expected", [
    (-10, 1, "100", "1 day left"),
    (-10, 0, "100", "Last day"),
    (3, 30, "0", "Not started yet"),
    (-40, -10, "12000", "The goal was reached."),
    (-40, -10, "9999.99", "The goal was not reached."),
])
def test_the_campaign_page_tells_the_time_left_and_the_outcome(client, login_as, starts, ends,
                                                               raised, expected):
    login_as(Role.MANAGER)
    campaign = _campaign(_crowd_opportunity(), starts=starts, ends=ends)
    if raised != "0":
        services.record_campaign_update(None, campaign, campaign.starts_on, raised, 5)
    page = _text(client.get(f"/funding/campaigns/{campaign.id}"))
    assert expected in page
    assert ("Finished" in page) is (ends < 0)
    assert ("chart.umd.min.js" in page) is (raised != "0")


def test_an_update_is_recorded_from_the_campaign_page(client, login_as, db):
    officer = login_as(Role.OFFICER)
    campaign = _campaign(_crowd_opportunity(officer), starts=-20, ends=10)
    url = f"/funding/campaigns/{campaign.id}/updates"
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(url, data={"on": yesterday, "raised": "4 200,75", "backers": "52"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(CrowdfundingCampaign, campaign.id)
    assert (saved.raised, saved.backers) == (D("4200.75"), 52)
    assert "42% of the goal" in _text(client.get(f"/funding/campaigns/{campaign.id}"))


@pytest.mark.parametrize("changes, field, message", [
    ({"raised": "-10"}, "raised", "An amount cannot be negative."),
    ({"backers": "-3"}, "backers", "The number of backers cannot be negative."),
    ({"on": (date.today() + timedelta(days=2)).isoformat()}, "on",
     "between the start of the campaign and today"),
    ({"on": (date.today() - timedelta(days=30)).isoformat()}, "on",
     "between the start of the campaign and today"),
    ({"raised": ""}, "raised", "This field is required."),
])
def test_a_wrong_update_is_shown_next_to_its_field_and_not_saved(client, login_as, db,
                                                                 changes, field, message):
    officer = login_as(Role.OFFICER)
    campaign = _campaign(_crowd_opportunity(officer), starts=-20, ends=10)
    form = {"on": date.today().isoformat(), "raised": "1 500,00", "backers": "7"} | changes
    response = client.post(f"/funding/campaigns/{campaign.id}/updates", data=form)
    page = _text(response)
    assert response.status_code == 200
    assert message in _field_errors(page, field)
    assert f'value="{form["raised"]}"' in page
    assert _count(db, CampaignUpdate) == 0


# --- the funding panel of the project and organization pages ----------------------------------

def _render_panel(app, user, **context) -> str:
    with app.test_request_context("/"):
        login_user(user)
        return render_template("funding/_panel.html", **context)


def test_the_panel_shows_exact_totals_for_a_project_and_an_organization(app, db):
    officer = make_user(Role.OFFICER)
    organization = make_organization()
    project = make_project(officer=officer, organization=organization, name="Argan digital")
    sibling = make_project(organization=organization, name="Miel bio")
    funder = make_funder(name="Fonds Innov Invest")
    for amount, instrument in zip(AMOUNTS, ("grant", "crowd-equity", "quasi-equity"),
                                  strict=True):
        make_opportunity(project, funder, instrument=instrument, requested=amount,
                         status="committed", committed=amount)
    make_opportunity(sibling, funder, requested="0.01")
    make_opportunity(make_project(), funder, requested="5000")

    html = _render_panel(app, officer, project=project,
                         funding=services.funding_panel(project_id=project.id))
    assert f'data-total="requested">{_mad(EXACT_SUM)}<' in html
    assert f'data-total="committed">{_mad(EXACT_SUM)}<' in html
    assert "Crowdfunding: equity" in html and "Impact investment: quasi-equity" in html
    assert f'href="/projects/{project.id}/funding/new"' in html
    assert "Miel bio" not in html  # the project column is not repeated on its own page

    html = _render_panel(app, officer,
                         funding=services.funding_panel(organization_id=organization.id))
    assert f'data-total="requested">{_mad(EXACT_SUM + D("0.01"))}<' in html
    assert "Argan digital" in html and "Miel bio" in html
    assert "/funding/new" not in html


def test_the_panel_offers_no_button_to_those_who_may_not_add_and_shows_an_empty_state(app,
                                                                                      db):
    project = make_project(officer=make_user(Role.OFFICER))
    funding = services.funding_panel(project_id=project.id)
    for role in (Role.MANAGER, Role.OFFICER):
        html = _render_panel(app, make_user(role), project=project, funding=funding)
        assert "No funding opportunity yet." in html and "/funding/new" not in html
    html = _render_panel(app, make_user(Role.INNOVATOR), project=project, funding=funding)
    assert html.strip() == ""


# --- who may do what --------------------------------------------------------------------------

def _everything(officer=None) -> dict:
    funder = make_funder(name="Fonds Innov Invest")
    opportunity = _crowd_opportunity(officer)
    campaign = _campaign(opportunity, starts=-5, ends=5)
    return {"funder": funder, "opportunity": opportunity, "campaign": campaign,
            "person": make_person()}


def _snapshot(db) -> tuple:
    db.session.expire_all()
    return (_count(db, Funder), _count(db, FundingOpportunity), _count(db, CrowdfundingCampaign),
            _count(db, CampaignUpdate), _count(db, AuditEntry),
            [(f.name, f.archived_at, len(f.contacts)) for f in db.session.scalars(
                db.select(Funder).order_by(Funder.id))],
            [(o.amount_requested, o.version) for o in db.session.scalars(
                db.select(FundingOpportunity).order_by(FundingOpportunity.id))])


def _changes(records: dict) -> list[tuple[str, dict]]:
    funder, opportunity, campaign = (records["funder"], records["opportunity"],
                                     records["campaign"])
    project_id = opportunity.project_id
    return [
        ("/funders/new", {"name": "Nouveau", "kind": "bank", "organization_id": ""}),
        (f"/funders/{funder.id}/edit", {"name": "Changé", "kind": "bank",
                                        "organization_id": "", "version": "1"}),
        (f"/funders/{funder.id}/archive", {}),
        (f"/funders/{funder.id}/contacts", {"person_id": records["person"].id}),
        (f"/projects/{project_id}/funding/new", _opportunity_form(funder)),
        (f"/funding/{opportunity.id}/edit", _opportunity_form(
            funder, instrument="crowd-reward", amount_requested="1", version="1")),
        (f"/funding/campaigns/{campaign.id}/updates", {"on": date.today().isoformat(),
                                                       "raised": "10", "backers": "1"}),
    ]


def test_innovators_see_no_funding_screen_and_change_nothing(client, login_as, db):
    login_as(Role.INNOVATOR)
    records = _everything()
    funder, opportunity, campaign = (records["funder"], records["opportunity"],
                                     records["campaign"])
    for path in ("/funders", "/funders/export", "/funders/new", f"/funders/{funder.id}",
                 f"/funders/{funder.id}/edit", f"/projects/{opportunity.project_id}/funding/new",
                 f"/funding/{opportunity.id}", f"/funding/{opportunity.id}/edit",
                 f"/funding/{opportunity.id}/campaign/new", f"/funding/campaigns/{campaign.id}"):
        assert client.get(path).status_code == 404, path
    before = _snapshot(db)
    for path, data in _changes(records) + [(f"/funders/{funder.id}/restore", {})]:
        assert client.post(path, data=data).status_code == 404, path
    assert _snapshot(db) == before


def test_managers_read_funding_but_cannot_create_or_edit(client, login_as, db):
    login_as(Role.MANAGER)
    records = _everything()
    funder, opportunity, campaign = (records["funder"], records["opportunity"],
                                     records["campaign"])
    for path in ("/funders", "/funders/export", f"/funders/{funder.id}",
                 f"/funding/{opportunity.id}", f"/funding/campaigns/{campaign.id}"):
        assert client.get(path).status_code == 200, path
    for path in ("/funders/new", f"/funders/{funder.id}/edit",
                 f"/projects/{opportunity.project_id}/funding/new",
                 f"/funding/{opportunity.id}/edit"):
        assert client.get(path).status_code == 404, path
    page = _text(client.get(f"/funders/{funder.id}"))
    assert f"/funders/{funder.id}/edit" not in page and "Add a contact person" not in page
    page = _text(client.get(f"/funding/campaigns/{campaign.id}"))
    assert "/updates" not in page
    before = _snapshot(db)
    for path, data in _changes(records):
        assert client.post(path, data=data).status_code == 404, path
    assert _snapshot(db) == before


def test_an_officer_cannot_update_another_officers_campaign(client, login_as, db):
    login_as(Role.OFFICER)
    campaign = _campaign(_crowd_opportunity(make_user(Role.OFFICER)), starts=-5, ends=5)
    assert "/updates" not in _text(client.get(f"/funding/campaigns/{campaign.id}"))
    response = client.post(f"/funding/campaigns/{campaign.id}/updates", data={
        "on": date.today().isoformat(), "raised": "10", "backers": "1"})
    assert response.status_code == 404 and _count(db, CampaignUpdate) == 0


def test_missing_records_answer_404(client, login_as):
    login_as(Role.ADMIN)
    for path in ("/funders/999", "/funders/999/edit", "/funding/999", "/funding/999/edit",
                 "/funding/999/campaign/new", "/funding/campaigns/999"):
        assert client.get(path).status_code == 404, path


# --- Arabic, CSP --------------------------------------------------------------------------

def test_the_pages_are_right_to_left_in_arabic_without_inline_script_or_style(client,
                                                                              login_as):
    officer = login_as(Role.OFFICER, language="ar")
    records = _everything(officer)
    services.record_campaign_update(None, records["campaign"], date.today(), "1500", 3)
    funder, opportunity, campaign = (records["funder"], records["opportunity"],
                                     records["campaign"])
    paths = ["/funders", "/funders/new", f"/funders/{funder.id}",
             f"/funders/{funder.id}?person_q=nom", f"/funders/{funder.id}/edit",
             f"/projects/{opportunity.project_id}/funding/new", f"/funding/{opportunity.id}",
             f"/funding/{opportunity.id}/edit", f"/funding/campaigns/{campaign.id}"]
    for path in paths:
        page = _text(client.get(path))
        assert '<html lang="ar" dir="rtl">' in page, path
        assert "<script>" not in page and "onclick=" not in page and "style=" not in page, path
    page = _text(client.get(f"/funding/campaigns/{campaign.id}"))
    assert 'data-rtl="true"' in page
    assert "chart.umd.min.js" not in _text(client.get("/funders"))


# --- no query per row -------------------------------------------------------------------------


def _grow(count: int, funder, officers, organizations) -> None:
    statuses = ["prospect", "applied", "committed", "disbursed", "declined"]
    for n in range(count):
        organization = organizations[n % len(organizations)]
        make_funder(name=f"Fonds {n}", organization_id=organization.id)
        project = make_project(organization=organization, officer=officers[n % len(officers)])
        status = statuses[n % len(statuses)]
        opportunity = make_opportunity(
            project, funder, instrument="crowd-donation" if n % 4 == 0 else "grant",
            status=status, requested="1000.10", committed="900" if n % 5 in (2, 3) else "0",
            disbursed="100" if n % 5 == 3 else "0", decline_reason="Non",
            officer_id=officers[n % len(officers)].id)
        if n % 4 == 0:
            _campaign(opportunity, starts=-3, ends=20)
        services.add_funder_contact(None, funder, make_person())


def test_the_funders_list_and_funder_page_issue_a_constant_number_of_queries(client, login_as,
                                                                             db):
    admin = login_as(Role.ADMIN)
    officers = [admin, make_user(Role.OFFICER)]
    organizations = [make_organization() for _ in range(3)]
    funder = make_funder(name="Aaa Fonds mesuré")
    pages = ["/funders", f"/funders/{funder.id}", "/funders?kind=fund&sort=-name"]
    _grow(10, funder, officers, organizations)
    small = {path: queries_on_page(client, db, path) for path in pages}
    _grow(50, funder, officers, organizations)
    large = {path: queries_on_page(client, db, path) for path in pages}
    assert large == small, (small, large)
    assert _count(db, FundingOpportunity) == 60


def test_a_campaign_raised_amount_shows_on_the_project_and_organization_pages(client,
                                                                             login_as):
    from crm.funding import services as funding_services

    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    opportunity = make_opportunity(project=project, actor=officer, instrument="crowd-donation")
    start = date.today() - timedelta(days=30)
    campaign = funding_services.create_campaign(officer, opportunity, goal=Decimal("20000"),
                                                starts_on=start, ends_on=date.today())
    funding_services.record_campaign_update(officer, campaign, date.today(),
                                            Decimal("12345"), backers=40)
    for url in (f"/projects/{project.id}", f"/organizations/{project.organization_id}"):
        page = client.get(url).get_data(as_text=True)
        assert 'data-total="raised">MAD12,345.00' in page, url


def _raise(actor, opportunity, amount: str):
    """A campaign for `opportunity` that raised `amount` from its backers by today."""
    start = date.today() - timedelta(days=30)
    campaign = services.create_campaign(actor, opportunity, goal=Decimal("20000"),
                                        starts_on=start, ends_on=date.today())
    services.record_campaign_update(actor, campaign, date.today(), Decimal(amount), backers=9)


def test_what_a_campaign_raised_counts_once_in_the_secured_totals(client, login_as):
    """Secured = the disbursed amount, or what the campaign raised when that is more: a grant
    paid 5,000; a campaign raised 12,345 (nothing paid out yet); another raised 10,000 of which
    the platform paid out 8,000 (counted 10,000, not 18,000); a declined one raised 700 that
    never came (not counted)."""
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    make_opportunity(project=project, actor=officer, status="disbursed", requested="5000",
                     committed="5000", disbursed="5000")
    donation = make_opportunity(project=project, actor=officer, instrument="crowd-donation")
    _raise(officer, donation, "12345")
    _raise(officer, make_opportunity(project=project, actor=officer, instrument="crowd-reward",
                                     status="disbursed", requested="10000", committed="10000",
                                     disbursed="8000"), "10000")
    _raise(officer, make_opportunity(project=project, actor=officer, instrument="crowd-equity",
                                     status="declined", decline_reason="Objectif manqué"),
           "700")
    for url in (f"/projects/{project.id}", f"/organizations/{project.organization_id}"):
        page = client.get(url).get_data(as_text=True)
        assert 'data-total="secured">MAD27,345.00' in page, url
        assert 'data-secured="crowd-donation">MAD12,345.00' in page, url  # the funding mix
        assert 'data-secured="crowd-reward">MAD10,000.00' in page, url
        assert 'data-secured="crowd-equity">MAD0.00' in page, url
        assert "what its campaign raised from the backers when that is more" in page, url
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    secured = re.findall(r'data-opportunity-secured="[^"]*">([^<]+)<', page)
    assert sorted(secured) == sorted(["MAD5,000.00", "MAD12,345.00", "MAD10,000.00",
                                      "MAD0.00"])
    page = client.get(f"/funding/{donation.id}").get_data(as_text=True)
    assert re.search(r'id="amount-secured">MAD12,345.00', page)


def test_a_campaign_address_is_kept_whole_and_left_to_right_on_an_arabic_page(client, login_as):
    officer = login_as(Role.OFFICER, language="ar")
    campaign = _campaign(_crowd_opportunity(officer), starts=-20, ends=12)
    page = client.get(f"/funding/campaigns/{campaign.id}").text
    address = re.search(r'<dd class="([^"]*)">[^<]*<a href="https://[^"]*"[^>]*><bdi dir="ltr">'
                        r'[^<]*smartcrowdfunding\.ma/argan</bdi>', page)
    assert address is not None
    assert "text-truncate" not in address.group(1)  # wrapped, never cut from its start
