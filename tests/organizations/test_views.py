"""The organizations screens: list, export, record page, create, edit, archive, merge, members."""

import csv
import io
import re
from datetime import date, timedelta

import pytest

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.common.reference import Region, Theme
from crm.interactions import services as interaction_services
from crm.interactions.models import InteractionKind
from crm.organizations import services
from crm.organizations.models import Membership, Organization, OrganizationKind
from tests.factories import (
    PASSWORD,
    make_followup,
    make_membership,
    make_organization,
    make_person,
    make_project,
    make_user,
)
from tests.queries import count_queries
from tests.spreadsheets import column, csv_rows, sheet_as_csv, xlsx_sheet

VALID = {"name": "Association Nour", "name_arabic": "جمعية نور", "kind": "association",
         "legal_identifier": "RC-2020-77", "founding_year": "2015", "region": "souss-massa",
         "city": "Agadir", "address": "12 rue des Orangers", "website": "nour.ma",
         "description": "Alphabétisation des femmes", "themes": ["education", "women"],
         "sdgs": ["4", "5"], "tags": "Forum 2024, femmes"}


def _count(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Organization))


def _reload(db, organization) -> Organization:
    db.session.expire_all()
    return db.session.get(Organization, organization.id)


def _version(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def _edit_data(organization, **changes) -> dict:
    data = {"name": organization.name, "name_arabic": organization.name_arabic,
            "kind": organization.kind.value, "version": str(organization.version)}
    data.update(changes)
    return data


# --- list, search, filters, pagination, export ------------------------------------------------


def test_the_list_filters_by_kind_region_theme_tag_and_archived(client, login_as, db):
    login_as(Role.OFFICER)
    make_organization(name="Coop Argane", kind=OrganizationKind.COOPERATIVE,
                      region=Region.SOUSS_MASSA, themes={Theme.WOMEN}, tag_names=["Forum"])
    make_organization(name="Amicale Atlas", kind=OrganizationKind.AMICALE,
                      region=Region.ORIENTAL, themes={Theme.EDUCATION})
    gone = make_organization(name="Mutuelle Ancienne", kind=OrganizationKind.MUTUAL)
    services.archive_organization(None, gone)
    tag_id = db.session.scalar(db.select(Organization).where(
        Organization.name == "Coop Argane")).tags[0].id

    def names(query: str) -> set[str]:
        page = client.get("/organizations" + query).get_data(as_text=True)
        return {n for n in ("Coop Argane", "Amicale Atlas", "Mutuelle Ancienne") if n in page}

    assert names("") == {"Coop Argane", "Amicale Atlas"}
    assert names("?kind=cooperative") == {"Coop Argane"}
    assert names("?region=oriental") == {"Amicale Atlas"}
    assert names("?theme=women") == {"Coop Argane"}
    assert names(f"?tag={tag_id}") == {"Coop Argane"}
    assert names("?archived=1") == {"Mutuelle Ancienne"}
    assert names("?sort=-name") == {"Coop Argane", "Amicale Atlas"}


def test_search_ignores_accents_and_finds_arabic_names(client, login_as):
    login_as(Role.MANAGER)
    make_organization(name="Association Tilila", city="Fès")
    make_organization(name="Coopérative Aïcha", name_arabic="تعاونية الأمل")
    make_organization(name="Autre Association", city="Rabat")
    page = client.get("/organizations?q=fes").get_data(as_text=True)
    assert "Association Tilila" in page and "Autre Association" not in page
    page = client.get("/organizations?q=cooperative aicha").get_data(as_text=True)
    assert "Coopérative Aïcha" in page and "Association Tilila" not in page
    page = client.get("/organizations?q=الامل").get_data(as_text=True)
    assert "Coopérative Aïcha" in page and "Autre Association" not in page


def test_the_list_is_paginated(client, login_as):
    login_as(Role.OFFICER)
    for n in range(1, 27):
        make_organization(name=f"Organisation {n:02d}")
    first = client.get("/organizations").get_data(as_text=True)
    assert "Organisation 25" in first and "Organisation 26" not in first
    assert "1–25 of 26" in first
    second = client.get("/organizations?page=2").get_data(as_text=True)
    assert "Organisation 26" in second and "Organisation 01" not in second


def test_an_empty_list_says_so_and_managers_get_no_new_button(client, login_as):
    login_as(Role.MANAGER)
    page = client.get("/organizations").get_data(as_text=True)
    assert "No organization yet." in page
    assert "New organization" not in page and "Export to CSV" in page
    page = client.get("/organizations?q=nothing").get_data(as_text=True)
    assert "No organization matches this search or these filters." in page


def test_officers_get_the_new_button(client, login_as):
    login_as(Role.OFFICER)
    assert "New organization" in client.get("/organizations").get_data(as_text=True)


def test_the_export_is_the_filtered_list_with_formulas_neutralized(client, login_as):
    login_as(Role.MANAGER)
    make_organization(name="=HYPERLINK(\"http://evil\")", kind=OrganizationKind.COOPERATIVE,
                      city="Fès", tag_names=["Forum"])
    make_organization(name="Amicale Atlas", kind=OrganizationKind.AMICALE)
    response = client.get("/organizations/export?kind=cooperative&page=3")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["ID", "Name", "Name in Arabic", "Kind"]
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\")"
    assert rows[1][3] == "Cooperative" and rows[1][5] == "Fès" and rows[1][-1] == "Forum"


def test_the_excel_export_is_the_filtered_list_with_typed_cells(client, login_as):
    login_as(Role.MANAGER)
    make_organization(name="=1+1", name_arabic="تعاونية الأمل", founding_year=2015,
                      kind=OrganizationKind.COOPERATIVE, region=Region.SOUSS_MASSA)
    make_organization(name="Coopérative Argan", kind=OrganizationKind.COOPERATIVE)
    make_organization(name="Amicale Atlas", kind=OrganizationKind.AMICALE)
    page = client.get("/organizations?kind=cooperative&sort=-name").get_data(as_text=True)
    assert "Export to Excel" in page
    assert "/organizations/export?kind=cooperative&amp;sort=-name&amp;format=xlsx" in page
    sheet = xlsx_sheet(client.get("/organizations/export?kind=cooperative&format=xlsx"))
    assert sheet_as_csv(sheet) == csv_rows(client.get("/organizations/export?kind=cooperative"))
    assert sheet.max_row == 3 and not sheet.sheet_view.rightToLeft
    formula, arabic, year = sheet["B2"], sheet["C2"], column(sheet, "Founding year")[0]
    assert (formula.data_type, formula.value) == ("s", "=1+1")  # text, never a formula
    assert arabic.value == "تعاونية الأمل"
    assert (year.data_type, year.value) == ("n", 2015)
    assert column(sheet, "Founding year")[1].value is None
    assert all(cell.data_type == "n" for cell in column(sheet, "ID"))


def test_an_arabic_user_gets_the_excel_export_right_to_left(client, login_as):
    login_as(Role.OFFICER, language="ar")
    make_organization(name="Association Nour", name_arabic="جمعية النور")
    sheet = xlsx_sheet(client.get("/organizations/export?format=xlsx"))
    assert sheet.sheet_view.rightToLeft is True
    assert sheet["B1"].value == "الاسم" and sheet["C2"].value == "جمعية النور"


@pytest.mark.parametrize("path", ["/organizations", "/organizations/export",
                                  "/organizations/export?format=xlsx", "/organizations/{id}"])
def test_innovators_see_no_organization(client, login_as, path):
    login_as(Role.INNOVATOR)
    organization = make_organization()
    assert client.get(path.format(id=organization.id)).status_code == 404


# --- the record page ---------------------------------------------------------------------------


def test_the_record_page_shows_everything(client, login_as):
    officer = login_as(Role.OFFICER)
    organization = make_organization(
        name="Association Nour", name_arabic="جمعية نور", kind=OrganizationKind.FOUNDATION,
        region=Region.SOUSS_MASSA, city="Agadir", website="nour.ma", legal_identifier="RC-77",
        themes={Theme.WOMEN, Theme.EDUCATION}, sdgs={4, 5}, tag_names=["Forum 2024"])
    person = make_person(first_name="Salma", last_name="Idrissi", phone="0661234567",
                         email="salma@nour.ma")
    make_membership(organization, person, "founder")
    project = make_project(organization=organization, name="École numérique", officer=officer)
    page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    for expected in ("Association Nour", "جمعية نور", "Foundation", "Souss-Massa", "Agadir",
                     "https://nour.ma", "RC-77", "Women&#39;s empowerment", "Education",
                     "4. Quality education", "5. Gender equality", "Forum 2024",
                     "Salma Idrissi", "Founder", "<bdi>salma@nour.ma</bdi>",
                     "<bdi>06 61 23 45 67</bdi>", "École numérique",
                     f'href="/projects/{project.id}"',
                     f"/projects/new?organization_id={organization.id}",
                     f"/people?organization={organization.id}", "History", "Interactions",
                     f"/organizations/{organization.id}/edit", "Merge a duplicate"):
        assert expected in page, expected


def test_the_record_page_has_no_edit_buttons_for_managers(client, login_as):
    login_as(Role.MANAGER)
    organization = make_organization()
    make_membership(organization, make_person())
    page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert "/edit" not in page and "/archive" not in page and "/remove" not in page
    assert "Merge a duplicate" not in page and "Add a person" not in page


def test_an_unknown_organization_is_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/organizations/999").status_code == 404
    assert client.get("/organizations/999/edit").status_code == 404


# --- create ------------------------------------------------------------------------------------


def test_an_officer_creates_an_organization(client, login_as, db):
    login_as(Role.OFFICER)
    assert client.get("/organizations/new").status_code == 200
    response = client.post("/organizations/new", data=VALID)
    assert response.status_code == 302
    organization = db.session.scalar(db.select(Organization))
    assert response.headers["Location"] == f"/organizations/{organization.id}"
    assert organization.name_arabic == "جمعية نور"
    assert organization.kind == OrganizationKind.ASSOCIATION
    assert organization.region == Region.SOUSS_MASSA
    assert organization.founding_year == 2015
    assert organization.website == "https://nour.ma"
    assert organization.themes == {Theme.EDUCATION, Theme.WOMEN}
    assert organization.sdgs == {4, 5}
    assert {t.name for t in organization.tags} == {"femmes", "Forum 2024"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The organization Association Nour was created." in page


@pytest.mark.parametrize("changes, message", [
    ({"kind": ""}, "This field is required."),
    ({"founding_year": "1850"}, "The founding year must be between 1900 and 2100."),
    ({"name": "", "name_arabic": ""}, "Give the name in Latin or in Arabic script."),
])
def test_invalid_input_keeps_what_was_typed(client, login_as, db, changes, message):
    login_as(Role.OFFICER)
    response = client.post("/organizations/new", data={**VALID, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="Agadir"' in page and 'value="Forum 2024, femmes"' in page
    assert _count(db) == 0


def test_a_likely_duplicate_is_shown_before_creating_and_can_be_overridden(client, login_as, db):
    login_as(Role.OFFICER)
    existing = make_organization(name="Association Nour Agadir", legal_identifier="RC-2020-77")
    response = client.post("/organizations/new", data=VALID)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This looks like records that already exist." in page
    assert f'href="/organizations/{existing.id}"' in page and "same legal identifier" in page
    assert "Create anyway" in page
    assert 'name="confirm_new" type="hidden" value="1"' in page
    assert 'value="Agadir"' in page and "Alphabétisation des femmes" in page
    assert _count(db) == 1

    response = client.post("/organizations/new", data={**VALID, "confirm_new": "1"})
    assert response.status_code == 302
    assert _count(db) == 2


# --- edit and conflicts ------------------------------------------------------------------------


def test_an_officer_edits_an_organization_and_the_change_is_audited(client, login_as, db):
    login_as(Role.OFFICER)
    organization = make_organization(name="Association Nour", city="Agadir",
                                     tag_names=["Forum"])
    page = client.get(f"/organizations/{organization.id}/edit").get_data(as_text=True)
    assert 'value="Association Nour"' in page and 'value="Forum"' in page
    response = client.post(f"/organizations/{organization.id}/edit", data=_edit_data(
        organization, city="Tiznit", themes=["water"], tags="Forum, Eau"))
    assert response.status_code == 302
    saved = _reload(db, organization)
    assert saved.city == "Tiznit" and saved.themes == {Theme.WATER}
    assert {t.name for t in saved.tags} == {"Forum", "Eau"}
    page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert "Tiznit" in page and "updated" in page


def test_the_second_of_two_concurrent_saves_gets_a_conflict_notice(app, client, login_as, db):
    login_as(Role.OFFICER)
    other_user = make_user(Role.OFFICER)
    other = app.test_client()
    other.post("/login", data={"email": other_user.email, "password": PASSWORD})
    organization = make_organization(name="Association Nour", city="Agadir")
    url = f"/organizations/{organization.id}/edit"
    first_version = _version(client.get(url).get_data(as_text=True))
    second_version = _version(other.get(url).get_data(as_text=True))

    data = _edit_data(organization)
    assert client.post(url, data={**data, "city": "Tiznit",
                                  "version": first_version}).status_code == 302
    response = other.post(url, data={**data, "city": "Taroudant", "version": second_version})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this record while you were editing it." in page
    row = re.search(r"<th scope=\"row\">City</th>(.*?)</tr>", page, re.S).group(1)
    assert "Taroudant" in row and "Tiznit" in row
    assert _version(page) == str(int(first_version) + 1)
    assert _reload(db, organization).city == "Tiznit"


def test_an_officer_cannot_change_another_officers_organization(app, client, login_as, db):
    login_as(Role.OFFICER)
    theirs = make_organization(name="Theirs")
    make_project(organization=theirs, officer=make_user(Role.OFFICER))
    free = make_organization(name="Free")
    make_project(organization=free)  # unassigned
    assert client.get(f"/organizations/{theirs.id}/edit").status_code == 404
    response = client.post(f"/organizations/{theirs.id}/edit",
                           data=_edit_data(theirs, name="Changed"))
    assert response.status_code == 404
    assert client.post(f"/organizations/{theirs.id}/archive").status_code == 404
    assert _reload(db, theirs).name == "Theirs" and not _reload(db, theirs).is_archived
    assert "/edit" not in client.get(f"/organizations/{theirs.id}").get_data(as_text=True)

    assert client.get(f"/organizations/{free.id}/edit").status_code == 200
    response = client.post(f"/organizations/{free.id}/edit", data=_edit_data(free, name="Ours"))
    assert response.status_code == 302
    assert _reload(db, free).name == "Ours"


# --- archive, restore, merge -------------------------------------------------------------------


def test_archive_then_restore(client, login_as, db):
    login_as(Role.OFFICER)
    organization = make_organization(name="Association Nour")
    response = client.post(f"/organizations/{organization.id}/archive")
    assert response.status_code == 302
    assert _reload(db, organization).is_archived
    page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert "This organization is archived" in page and "Restore" in page
    assert "Association Nour" not in client.get("/organizations").get_data(as_text=True)

    assert client.post(f"/organizations/{organization.id}/restore").status_code == 302
    assert not _reload(db, organization).is_archived
    assert "Association Nour" in client.get("/organizations").get_data(as_text=True)


def test_merging_moves_the_members_and_archives_the_duplicate(client, login_as, db):
    login_as(Role.OFFICER)
    survivor = make_organization(name="Association Nour Agadir", city="Agadir")
    duplicate = make_organization(name="Association Nour Agadir", legal_identifier="RC-77")
    person = make_person(first_name="Salma", last_name="Idrissi")
    make_membership(duplicate, person, "director")

    page = client.get(f"/organizations/{survivor.id}/merge").get_data(as_text=True)
    assert f"duplicate={duplicate.id}" in page and "similar name" in page
    page = client.get(f"/organizations/{survivor.id}/merge?q=nour").get_data(as_text=True)
    assert f"duplicate={duplicate.id}" in page
    page = client.get(
        f"/organizations/{survivor.id}/merge?duplicate={duplicate.id}").get_data(as_text=True)
    assert "Compare the two records" in page and "RC-77" in page and "Salma Idrissi" in page

    response = client.post(f"/organizations/{survivor.id}/merge",
                           data={"duplicate_id": duplicate.id})
    assert response.status_code == 302
    db.session.expire_all()
    membership = db.session.scalar(db.select(Membership))
    assert membership.organization_id == survivor.id and membership.person_id == person.id
    assert _reload(db, survivor).legal_identifier == "RC-77"
    gone = _reload(db, duplicate)
    assert gone.is_archived and gone.merged_into_id == survivor.id
    page = client.get(f"/organizations/{duplicate.id}").get_data(as_text=True)
    assert "This record was merged into Association Nour Agadir." in page
    assert f'href="/organizations/{survivor.id}"' in page


def test_merging_needs_the_right_to_edit_both_records(client, login_as, db):
    login_as(Role.OFFICER)
    survivor = make_organization(name="Ours")
    duplicate = make_organization(name="Theirs")
    make_project(organization=duplicate, officer=make_user(Role.OFFICER))
    assert client.get(
        f"/organizations/{survivor.id}/merge?duplicate={duplicate.id}").status_code == 404
    response = client.post(f"/organizations/{survivor.id}/merge",
                           data={"duplicate_id": duplicate.id})
    assert response.status_code == 404
    assert _reload(db, duplicate).merged_into_id is None


# --- members -----------------------------------------------------------------------------------


def test_adding_and_removing_a_member(client, login_as, db):
    login_as(Role.OFFICER)
    organization = make_organization()
    person = make_person(first_name="Yassine", last_name="Berrada")
    page = client.get(f"/organizations/{organization.id}?person_q=berrada").get_data(
        as_text=True)
    assert f'name="person_id" id="person-choice-{person.id}" value="{person.id}"' in page

    response = client.post(f"/organizations/{organization.id}/members",
                           data={"person_id": person.id, "role": "director"})
    assert response.status_code == 302
    membership = db.session.scalar(db.select(Membership))
    assert (membership.person_id, membership.role.value) == (person.id, "director")
    response = client.post(f"/organizations/{organization.id}/members",
                           data={"person_id": person.id, "role": "member"},
                           follow_redirects=True)
    assert "already a member" in response.get_data(as_text=True)

    response = client.post(
        f"/organizations/{organization.id}/members/{membership.id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 0
    history = db.session.scalars(db.select(AuditEntry.changes).where(
        AuditEntry.entity_id == organization.id)).all()
    assert any("member_removed" in changes for changes in history)


def test_a_large_organization_shows_its_first_people_and_a_link_to_all(client, login_as):
    from crm.organizations.views import MEMBERS_SHOWN

    login_as(Role.MANAGER)
    organization = make_organization()
    people = [make_person(last_name=f"Nom{n:03d}") for n in range(MEMBERS_SHOWN + 1)]
    for person in people:
        make_membership(organization, person)

    page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    shown = re.findall(r'href="/people/(\d+)"', page)
    assert shown == [str(person.id) for person in people[:MEMBERS_SHOWN]]
    link = f"/organizations/{organization.id}?members=all#members-title"
    assert f'<a href="{link}">Show all {MEMBERS_SHOWN + 1} people</a>' in page

    page = client.get(link).get_data(as_text=True)
    assert re.findall(r'href="/people/(\d+)"', page) == [str(person.id) for person in people]
    assert "#members-title" not in page


def test_a_small_organization_shows_all_its_people_without_a_link(client, login_as):
    login_as(Role.MANAGER)
    organization = make_organization()
    make_membership(organization, make_person())
    page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert len(re.findall(r'href="/people/(\d+)"', page)) == 1
    assert "#members-title" not in page


def test_removing_a_membership_of_another_organization_is_404(client, login_as, db):
    login_as(Role.OFFICER)
    organization, other = make_organization(), make_organization()
    membership = make_membership(other, make_person())
    url = f"/organizations/{organization.id}/members/{membership.id}/remove"
    assert client.post(url).status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 1


# --- forbidden roles ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR])
def test_write_endpoints_are_404_for_managers_and_innovators(client, login_as, db, role):
    login_as(role)
    organization = make_organization(name="Untouched")
    archived = make_organization(name="Archived")
    services.archive_organization(None, archived)
    duplicate = make_organization(name="Duplicate")
    person = make_person()
    membership = make_membership(organization, person)
    newcomer = make_person()
    oid = organization.id

    assert client.get("/organizations/new").status_code == 404
    assert client.post("/organizations/new", data=VALID).status_code == 404
    assert client.get(f"/organizations/{oid}/edit").status_code == 404
    assert client.post(f"/organizations/{oid}/edit",
                       data=_edit_data(organization, name="Changed")).status_code == 404
    assert client.post(f"/organizations/{oid}/archive").status_code == 404
    assert client.post(f"/organizations/{archived.id}/restore").status_code == 404
    assert client.get(f"/organizations/{oid}/merge").status_code == 404
    assert client.post(f"/organizations/{oid}/merge",
                       data={"duplicate_id": duplicate.id}).status_code == 404
    assert client.post(f"/organizations/{oid}/members",
                       data={"person_id": newcomer.id, "role": "member"}).status_code == 404
    assert client.post(
        f"/organizations/{oid}/members/{membership.id}/remove").status_code == 404

    assert _count(db) == 3
    assert _reload(db, organization).name == "Untouched"
    assert not _reload(db, organization).is_archived
    assert _reload(db, archived).is_archived
    assert _reload(db, duplicate).merged_into_id is None
    assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 1


# --- queries -----------------------------------------------------------------------------------


def _organizations_with_members(db, officer, n: int) -> Organization:
    organization = make_organization(name=f"Big {n}", themes={Theme.WATER}, sdgs={6},
                                     tag_names=["Forum"])
    for i in range(n):
        make_membership(organization, make_person(email=f"p{n}-{i}@example.org"))
        make_project(organization=organization, officer=officer if i % 2 else None)
        interaction_services.log_interaction(officer, InteractionKind.CALL, date.today(),
                                             f"Call {i}", organization=organization)
    return organization


def test_list_and_record_pages_issue_a_fixed_number_of_queries(client, login_as, db):
    officer = login_as(Role.OFFICER)
    for i in range(10):
        make_organization(name=f"Small {i}", tag_names=[f"t{i}", "Forum"])
    small = _organizations_with_members(db, officer, 10)
    client.get("/organizations")  # warm-up: caches that are filled once per process

    def queries(path: str) -> int:
        with count_queries(db) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    list_small, page_small = queries("/organizations"), queries(f"/organizations/{small.id}")
    for i in range(50):
        make_organization(name=f"More {i:02d}", tag_names=[f"m{i}", "Forum"])
    big = _organizations_with_members(db, officer, 60)
    assert queries("/organizations") == list_small
    assert queries(f"/organizations/{big.id}") == page_small


def test_the_pages_have_no_inline_script_or_style_and_are_right_to_left_in_arabic(
        client, login_as):
    login_as(Role.OFFICER, language="ar")
    organization = make_organization(name_arabic="جمعية الأمل", sdgs={3})
    make_membership(organization, make_person())
    other = make_organization()
    for path in ("/organizations", f"/organizations/{organization.id}",
                 f"/organizations/{organization.id}?person_q=nom", "/organizations/new",
                 f"/organizations/{organization.id}/edit",
                 f"/organizations/{organization.id}/merge?duplicate={other.id}"):
        page = client.get(path).get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in page, path
        assert "<script>" not in page and "onclick=" not in page and "style=" not in page, path


def test_the_page_shows_the_soonest_follow_ups_and_links_to_all_of_them(client, login_as):
    officer = login_as(Role.OFFICER)
    organization = make_organization(officer, name="Coopérative Tifawin")
    for day in range(1, 18):
        make_followup(officer, title=f"Appel numéro {day:02d}",
                      due_on=date.today() + timedelta(days=day), organization=organization)
    page = client.get(f"/organizations/{organization.id}").text
    assert "Appel numéro 15" in page and "Appel numéro 16" not in page
    assert "Show every follow-up" in page
    everything = client.get(f"/organizations/{organization.id}?followups=all").text
    assert "Appel numéro 17" in everything and "Show every follow-up" not in everything
