"""The people screens: list, export, record page, create, edit, archive, merge, organizations."""

import csv
import io
import re
from datetime import date

import pytest

from crm.auth.models import Role
from crm.common.reference import Region
from crm.interactions import services as interaction_services
from crm.interactions.models import InteractionKind
from crm.organizations.models import Membership
from crm.people import services
from crm.people.models import Gender, Person
from tests.factories import (
    make_membership,
    make_organization,
    make_person,
    make_project,
    make_user,
    sign_in,
)
from tests.queries import count_queries
from tests.spreadsheets import csv_rows, sheet_as_csv, xlsx_sheet

VALID = {"first_name": "Salma", "last_name": "Idrissi", "name_arabic": "سلمى الإدريسي",
         "email": "Salma.Idrissi@Example.ma", "phone": "0661-234567", "gender": "woman",
         "city": "Agadir", "region": "souss-massa", "tags": "Forum 2024, mentor",
         "notes": "Rencontrée à l'atelier finance innovante"}


def _count(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Person))


def _memberships(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Membership))


def _reload(db, person) -> Person:
    db.session.expire_all()
    return db.session.get(Person, person.id)


def _version(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def _edit_data(person, **changes) -> dict:
    data = {"first_name": person.first_name, "last_name": person.last_name,
            "name_arabic": person.name_arabic, "email": person.email or "",
            "phone": person.phone or "", "version": str(person.version)}
    data.update(changes)
    return data


# --- list, search, filters, pagination, export ------------------------------------------------


def test_the_list_filters_by_region_gender_organization_tag_and_archived(client, login_as, db):
    login_as(Role.OFFICER)
    organization = make_organization(name="Association Nour")
    salma = make_person(first_name="Salma", last_name="Idrissi", gender=Gender.WOMAN,
                        region=Region.SOUSS_MASSA, tag_names=["Mentor"])
    make_membership(organization, salma)
    make_person(first_name="Karim", last_name="Tazi", gender=Gender.MAN, region=Region.ORIENTAL)
    gone = make_person(first_name="Omar", last_name="Ancien")
    services.archive_person(None, gone)
    tag_id = _reload(db, salma).tags[0].id

    def names(query: str) -> set[str]:
        page = client.get("/people" + query).get_data(as_text=True)
        return {n for n in ("Salma Idrissi", "Karim Tazi", "Omar Ancien") if n in page}

    assert names("") == {"Salma Idrissi", "Karim Tazi"}
    assert names("?region=oriental") == {"Karim Tazi"}
    assert names("?gender=woman") == {"Salma Idrissi"}
    assert names(f"?tag={tag_id}") == {"Salma Idrissi"}
    assert names("?archived=1") == {"Omar Ancien"}
    assert names(f"?organization={organization.id}") == {"Salma Idrissi"}
    page = client.get(f"/people?organization={organization.id}").get_data(as_text=True)
    assert "Organization: Association Nour" in page  # the active filter, by name
    assert f'name="organization" value="{organization.id}"' in page


def test_search_finds_arabic_names_without_diacritics_and_phones_in_any_format(
        client, login_as):
    login_as(Role.MANAGER)
    make_person(first_name="Mohamed", last_name="El Amrani", name_arabic="محمد العُمراني")
    make_person(first_name="Leila", last_name="Bennani", phone="+212 661-234567")
    make_person(first_name="Other", last_name="Person", phone="0522000000")
    page = client.get("/people?q=العمراني").get_data(as_text=True)
    assert "Mohamed El Amrani" in page and "Leila Bennani" not in page
    page = client.get("/people?q=0661234567").get_data(as_text=True)
    assert "Leila Bennani" in page and "Mohamed El Amrani" not in page
    assert "Other Person" not in page
    assert "<bdi>06 61 23 45 67</bdi>" in page


def test_the_list_is_paginated(client, login_as):
    login_as(Role.OFFICER)
    for n in range(1, 27):
        make_person(first_name="Person", last_name=f"Number{n:02d}")
    first = client.get("/people").get_data(as_text=True)
    assert "Number25" in first and "Number26" not in first
    second = client.get("/people?page=2").get_data(as_text=True)
    assert "Number26" in second and "Number01" not in second


def test_an_empty_list_says_so_and_managers_get_no_new_button(client, login_as):
    login_as(Role.MANAGER)
    page = client.get("/people").get_data(as_text=True)
    assert "No person yet." in page
    assert "New person" not in page and "Export to CSV" in page
    page = client.get("/people?q=nobody").get_data(as_text=True)
    assert "Nobody matches this search or these filters." in page


def test_the_export_is_the_filtered_list_with_formulas_neutralized(client, login_as):
    login_as(Role.MANAGER)
    organization = make_organization(name="Association Nour")
    person = make_person(first_name="=cmd|' /C calc'!A0", last_name="Idrissi",
                         email="salma@nour.ma", phone="0661234567", region=Region.SOUSS_MASSA)
    make_membership(organization, person)
    make_person(first_name="Karim", last_name="Tazi", region=Region.ORIENTAL)
    response = client.get("/people/export?region=souss-massa")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["ID", "First name", "Last name", "Name in Arabic", "Email", "Phone",
                       "Gender", "City", "Region", "Organizations"]
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|' /C calc'!A0"
    assert rows[1][4:6] == ["salma@nour.ma", "'+212661234567"]
    assert rows[1][-1] == "Association Nour"


def test_the_excel_export_is_the_filtered_list_in_the_users_direction(client, login_as):
    login_as(Role.MANAGER, language="ar")
    person = make_person(first_name="=cmd|' /C calc'!A0", last_name="Idrissi",
                         name_arabic="سلمى الإدريسي", phone="0661234567",
                         region=Region.SOUSS_MASSA)
    make_membership(make_organization(name="Association Nour"), person)
    make_membership(make_organization(name="Amal", name_arabic="جمعية الأمل"), person)
    make_person(first_name="Karim", last_name="Tazi", region=Region.ORIENTAL)
    page = client.get("/people?region=souss-massa").get_data(as_text=True)
    assert "/people/export?region=souss-massa&amp;format=xlsx" in page
    sheet = xlsx_sheet(client.get("/people/export?region=souss-massa&format=xlsx"))
    assert sheet_as_csv(sheet) == csv_rows(client.get("/people/export?region=souss-massa"))
    assert sheet.max_row == 2 and sheet.sheet_view.rightToLeft is True
    assert (sheet["A2"].data_type, sheet["A2"].value) == ("n", person.id)
    assert (sheet["B2"].data_type, sheet["B2"].value) == ("s", "=cmd|' /C calc'!A0")
    assert sheet["D2"].value == "سلمى الإدريسي"
    assert (sheet["F2"].data_type, sheet["F2"].value) == ("s", "+212661234567")
    assert sheet["J2"].value == "Association Nour; جمعية الأمل"  # in the reader's script


@pytest.mark.parametrize("path", ["/people", "/people/export", "/people/export?format=xlsx",
                                  "/people/{id}"])
def test_innovators_see_no_person(client, login_as, path):
    login_as(Role.INNOVATOR)
    person = make_person()
    assert client.get(path.format(id=person.id)).status_code == 404


# --- the record page ---------------------------------------------------------------------------


def test_the_record_page_shows_everything(client, login_as):
    login_as(Role.OFFICER)
    organization = make_organization(name="Association Nour")
    person = make_person(first_name="Salma", last_name="Idrissi", name_arabic="سلمى الإدريسي",
                         email="salma@nour.ma", phone="0661234567", gender=Gender.WOMAN,
                         city="Agadir", region=Region.SOUSS_MASSA, tag_names=["Mentor"],
                         notes="Rencontrée au forum")
    make_membership(organization, person, "founder")
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    for expected in ("Salma Idrissi", "سلمى الإدريسي", "<bdi>salma@nour.ma</bdi>",
                     "<bdi>06 61 23 45 67</bdi>", "Woman", "Agadir", "Souss-Massa", "Mentor",
                     "Rencontrée au forum", "Association Nour", "Founder",
                     f'href="/organizations/{organization.id}"', 'href="/people"',
                     "Add to an organization", "History", "Interactions",
                     f"/people/{person.id}/edit", "Merge a duplicate"):
        assert expected in page, expected


def test_searching_organizations_from_the_person_page_offers_choices(client, login_as, db):
    login_as(Role.OFFICER)
    person = make_person()
    nour = make_organization(name="Association Nour", city="Agadir")
    make_organization(name="Coopérative Argane")
    page = client.get(f"/people/{person.id}?org_q=nour").get_data(as_text=True)
    assert f'name="organization_id" id="organization-choice-{nour.id}"' in page
    assert "Coopérative Argane" not in page
    page = client.get(f"/people/{person.id}?org_q=zzz").get_data(as_text=True)
    assert "No organization found." in page

    response = client.post(f"/people/{person.id}/memberships",
                           data={"organization_id": nour.id, "role": "director"})
    assert response.status_code == 302
    membership = db.session.scalar(db.select(Membership))
    assert (membership.organization_id, membership.role.value) == (nour.id, "director")
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Director" in page
    assert f"/organizations/{nour.id}/members/{membership.id}/remove" in page

    response = client.post(f"/people/{person.id}/memberships", data={"role": "member"},
                           follow_redirects=True)
    assert "Choose an organization." in response.get_data(as_text=True)
    assert _memberships(db) == 1


def test_removing_a_membership_from_the_person_page_comes_back_to_it(client, login_as, db):
    login_as(Role.OFFICER)
    person, organization = make_person(), make_organization()
    membership = make_membership(organization, person)
    response = client.post(
        f"/organizations/{organization.id}/members/{membership.id}/remove",
        data={"next": f"/people/{person.id}"})
    assert response.headers["Location"] == f"/people/{person.id}"
    assert _memberships(db) == 0


# --- create ------------------------------------------------------------------------------------


def test_an_officer_adds_a_person(client, login_as, db):
    login_as(Role.OFFICER)
    assert client.get("/people/new").status_code == 200
    response = client.post("/people/new", data=VALID)
    assert response.status_code == 302
    person = db.session.scalar(db.select(Person))
    assert response.headers["Location"] == f"/people/{person.id}"
    assert (person.email, person.phone) == ("salma.idrissi@example.ma", "+212661234567")
    assert person.gender == Gender.WOMAN and person.region == Region.SOUSS_MASSA
    assert {t.name for t in person.tags} == {"Forum 2024", "mentor"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Salma Idrissi was added." in page


@pytest.mark.parametrize("changes, message", [
    ({"email": "salma@"}, "This is not a valid email address."),
    ({"phone": "12"}, "This phone number is not valid."),
    ({"phone": "0661 23"}, "This phone number is not valid."),
    ({"first_name": "", "last_name": "", "name_arabic": ""},
     "Give a name in Latin or in Arabic script."),
])
def test_invalid_input_keeps_what_was_typed(client, login_as, db, changes, message):
    login_as(Role.OFFICER)
    data = {**VALID, **changes}
    response = client.post("/people/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    for field in ("email", "phone", "city"):
        assert f'value="{data[field]}"' in page
    assert _count(db) == 0


def test_a_likely_duplicate_is_shown_before_creating_and_can_be_overridden(client, login_as, db):
    login_as(Role.OFFICER)
    existing = make_person(first_name="S.", last_name="Idrissi", email="salma.idrissi@example.ma")
    response = client.post("/people/new", data=VALID)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This looks like records that already exist." in page
    assert f'href="/people/{existing.id}"' in page and "same email" in page
    assert "Create anyway" in page and 'name="confirm_new" type="hidden" value="1"' in page
    assert 'value="Salma"' in page and 'value="0661-234567"' in page
    assert _count(db) == 1

    response = client.post("/people/new", data={**VALID, "confirm_new": "1"})
    assert response.status_code == 302
    assert _count(db) == 2


def test_an_arabic_spelling_of_a_known_name_is_flagged(client, login_as):
    login_as(Role.OFFICER)
    make_person(first_name="Mohamed", last_name="El Amrani")
    response = client.post("/people/new", data={"name_arabic": "محمد العمراني"})
    assert "similar name" in response.get_data(as_text=True)


# --- edit and conflicts ------------------------------------------------------------------------


def test_an_officer_edits_a_person(client, login_as, db):
    login_as(Role.OFFICER)
    person = make_person(first_name="Salma", last_name="Idrissi", phone="0661234567",
                         tag_names=["Mentor"])
    page = client.get(f"/people/{person.id}/edit").get_data(as_text=True)
    assert 'value="Salma"' in page and 'value="+212661234567"' in page
    assert 'value="Mentor"' in page
    response = client.post(f"/people/{person.id}/edit",
                           data=_edit_data(person, city="Tiznit", gender="woman",
                                           tags="Mentor, Jury"))
    assert response.status_code == 302
    saved = _reload(db, person)
    assert saved.city == "Tiznit" and saved.gender == Gender.WOMAN
    assert saved.phone == "+212661234567"
    assert {t.name for t in saved.tags} == {"Mentor", "Jury"}


def test_an_invalid_phone_on_edit_keeps_the_record(client, login_as, db):
    login_as(Role.OFFICER)
    person = make_person(phone="0661234567")
    response = client.post(f"/people/{person.id}/edit", data=_edit_data(person, phone="abc"))
    assert response.status_code == 200
    assert "This phone number is not valid." in response.get_data(as_text=True)
    assert _reload(db, person).phone == "+212661234567"


def test_the_second_of_two_concurrent_saves_gets_a_conflict_notice(app, client, login_as, db):
    login_as(Role.OFFICER)
    other_user = make_user(Role.ADMIN)
    other = app.test_client()
    sign_in(other, other_user)  # an admin: the password, then the code
    person = make_person(first_name="Salma", last_name="Idrissi")
    url = f"/people/{person.id}/edit"
    first_version = _version(client.get(url).get_data(as_text=True))
    second_version = _version(other.get(url).get_data(as_text=True))

    data = _edit_data(person)
    assert client.post(url, data={**data, "city": "Tiznit",
                                  "version": first_version}).status_code == 302
    response = other.post(url, data={**data, "city": "Taroudant", "version": second_version})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this record while you were editing it." in page
    row = re.search(r"<th scope=\"row\">City</th>(.*?)</tr>", page, re.S).group(1)
    assert "Taroudant" in row and "Tiznit" in row
    assert "First name</th>" not in page  # only the fields that differ
    assert _version(page) == str(int(first_version) + 1)
    assert _reload(db, person).city == "Tiznit"


def test_an_officer_cannot_change_a_person_of_another_officers_organization(
        client, login_as, db):
    login_as(Role.OFFICER)
    theirs = make_organization()
    make_project(organization=theirs, officer=make_user(Role.OFFICER))
    person = make_person(first_name="Salma", last_name="Idrissi")
    make_membership(theirs, person)
    free = make_person(first_name="Free", last_name="Person")
    make_membership(make_organization(), free)
    assert client.get(f"/people/{person.id}/edit").status_code == 404
    response = client.post(f"/people/{person.id}/edit", data=_edit_data(person, city="X"))
    assert response.status_code == 404
    assert client.post(f"/people/{person.id}/archive").status_code == 404
    assert _reload(db, person).city == "" and not _reload(db, person).is_archived

    response = client.post(f"/people/{free.id}/edit", data=_edit_data(free, city="Rabat"))
    assert response.status_code == 302
    assert _reload(db, free).city == "Rabat"


def test_adding_someone_to_another_officers_organization_is_404(client, login_as, db):
    login_as(Role.OFFICER)
    theirs = make_organization()
    make_project(organization=theirs, officer=make_user(Role.OFFICER))
    person = make_person()
    response = client.post(f"/people/{person.id}/memberships",
                           data={"organization_id": theirs.id, "role": "member"})
    assert response.status_code == 404
    assert _memberships(db) == 0


# --- archive, restore, merge -------------------------------------------------------------------


def test_archive_then_restore(client, login_as, db):
    login_as(Role.OFFICER)
    person = make_person(first_name="Salma", last_name="Idrissi")
    assert client.post(f"/people/{person.id}/archive").status_code == 302
    assert _reload(db, person).is_archived
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "This person is archived" in page and "Restore" in page
    assert "Salma Idrissi" not in client.get("/people").get_data(as_text=True)

    assert client.post(f"/people/{person.id}/restore").status_code == 302
    assert not _reload(db, person).is_archived
    assert "Salma Idrissi" in client.get("/people").get_data(as_text=True)


def test_merging_moves_the_memberships_and_archives_the_duplicate(client, login_as, db):
    login_as(Role.OFFICER)
    survivor = make_person(first_name="Mohamed", last_name="El Amrani")
    duplicate = make_person(first_name="Mohammed", last_name="Elamrani", email="m@amrani.ma",
                            phone="0661234567")
    organization = make_organization(name="Association Nour")
    make_membership(organization, duplicate, "founder")
    interaction_services.log_interaction(None, InteractionKind.CALL, date.today(), "Appel",
                                         person=duplicate)

    page = client.get(f"/people/{survivor.id}/merge").get_data(as_text=True)
    assert f"duplicate={duplicate.id}" in page and "similar name" in page
    page = client.get(f"/people/{survivor.id}/merge?q=m@amrani.ma").get_data(as_text=True)
    assert f"duplicate={duplicate.id}" in page
    page = client.get(
        f"/people/{survivor.id}/merge?duplicate={duplicate.id}").get_data(as_text=True)
    assert "Compare the two records" in page and "<bdi>m@amrani.ma</bdi>" in page
    assert "Association Nour" in page

    response = client.post(f"/people/{survivor.id}/merge", data={"duplicate_id": duplicate.id})
    assert response.status_code == 302
    db.session.expire_all()
    membership = db.session.scalar(db.select(Membership))
    assert membership.person_id == survivor.id and membership.organization_id == organization.id
    kept = _reload(db, survivor)
    assert (kept.email, kept.phone) == ("m@amrani.ma", "+212661234567")
    gone = _reload(db, duplicate)
    assert gone.is_archived and gone.merged_into_id == survivor.id
    page = client.get(f"/people/{survivor.id}").get_data(as_text=True)
    assert "Association Nour" in page and "Appel" in page
    page = client.get(f"/people/{duplicate.id}").get_data(as_text=True)
    assert "This record was merged into Mohamed El Amrani." in page
    assert f'href="/people/{survivor.id}"' in page


def test_a_person_cannot_be_merged_with_themselves(client, login_as, db):
    login_as(Role.OFFICER)
    person = make_person()
    response = client.post(f"/people/{person.id}/merge", data={"duplicate_id": person.id})
    assert response.status_code == 200
    assert "A person cannot be merged with themselves." in response.get_data(as_text=True)
    assert not _reload(db, person).is_archived


# --- forbidden roles ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR])
def test_write_endpoints_are_404_for_managers_and_innovators(client, login_as, db, role):
    login_as(role)
    person = make_person(first_name="Untouched", last_name="Person")
    archived = make_person()
    services.archive_person(None, archived)
    duplicate = make_person()
    organization = make_organization()
    pid = person.id

    assert client.get("/people/new").status_code == 404
    assert client.post("/people/new", data=VALID).status_code == 404
    assert client.get(f"/people/{pid}/edit").status_code == 404
    assert client.post(f"/people/{pid}/edit",
                       data=_edit_data(person, first_name="Changed")).status_code == 404
    assert client.post(f"/people/{pid}/archive").status_code == 404
    assert client.post(f"/people/{archived.id}/restore").status_code == 404
    assert client.get(f"/people/{pid}/merge").status_code == 404
    assert client.post(f"/people/{pid}/merge",
                       data={"duplicate_id": duplicate.id}).status_code == 404
    assert client.post(f"/people/{pid}/memberships",
                       data={"organization_id": organization.id,
                             "role": "member"}).status_code == 404

    assert _count(db) == 3
    assert _reload(db, person).first_name == "Untouched"
    assert not _reload(db, person).is_archived
    assert _reload(db, archived).is_archived
    assert _reload(db, duplicate).merged_into_id is None
    assert _memberships(db) == 0


# --- queries -----------------------------------------------------------------------------------


def _person_with_organizations(officer, n: int) -> Person:
    person = make_person(first_name="Big", last_name=f"Person{n}", tag_names=["Forum"])
    for i in range(n):
        organization = make_organization(name=f"Org {n}-{i}")
        make_project(organization=organization, officer=officer if i % 2 else None)
        make_membership(organization, person)
        interaction_services.log_interaction(officer, InteractionKind.CALL, date.today(),
                                             f"Call {i}", person=person)
    return person


def test_list_and_record_pages_issue_a_fixed_number_of_queries(client, login_as, db):
    officer = login_as(Role.OFFICER)
    small = _person_with_organizations(officer, 10)
    for i in range(9):
        make_membership(make_organization(), make_person(tag_names=[f"t{i}"]))
    client.get("/people")  # warm-up: caches that are filled once per process

    def queries(path: str) -> int:
        with count_queries(db) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    list_small, page_small = queries("/people"), queries(f"/people/{small.id}")
    big = _person_with_organizations(officer, 60)
    for i in range(50):
        make_membership(make_organization(), make_person(tag_names=[f"m{i}"]))
    assert queries("/people") == list_small
    assert queries(f"/people/{big.id}") == page_small


def test_the_pages_have_no_inline_script_or_style_and_are_right_to_left_in_arabic(
        client, login_as):
    login_as(Role.OFFICER, language="ar")
    organization = make_organization(name_arabic="جمعية الأمل")
    person = make_person(name_arabic="سلمى", phone="0661234567")
    make_membership(organization, person)
    other = make_person()
    for path in ("/people", f"/people?organization={organization.id}", f"/people/{person.id}",
                 f"/people/{person.id}?org_q=جمعية", "/people/new", f"/people/{person.id}/edit",
                 f"/people/{person.id}/merge?duplicate={other.id}"):
        page = client.get(path).get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in page, path
        assert "<script>" not in page and "onclick=" not in page and "style=" not in page, path
