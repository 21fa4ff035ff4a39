"""The ticked rows of a list exported in the list's own CSV or Excel file: exactly those rows,
for whoever may export the list, with no job (nothing changes)."""

from crm.auth.models import Role
from crm.bulk.models import BulkJob
from crm.extensions import db
from crm.projects.services import EXPORT_HEADER
from tests.factories import make_organization, make_person, make_project
from tests.spreadsheets import csv_rows, xlsx_sheet


def _ids_of(rows) -> list[int]:
    return [int(row[0]) for row in rows[1:]]


def test_the_ticked_people_are_exported_and_no_one_else(client, login_as):
    login_as(Role.MANAGER)  # managers export, though they change no one
    people = [make_person(last_name=f"Alaoui{n}") for n in range(4)]
    ticked = [people[0], people[2]]
    response = client.post("/bulk/people/export", data={
        "scope": "selected", "person_id": [str(p.id) for p in ticked]})
    rows = csv_rows(response)
    assert rows[0][:3] == ["ID", "First name", "Last name"]
    assert sorted(_ids_of(rows)) == sorted(p.id for p in ticked)
    assert {row[2] for row in rows[1:]} == {"Alaoui0", "Alaoui2"}
    assert db.session.scalar(db.select(BulkJob.id)) is None


def test_the_ticked_organizations_and_projects_in_excel(client, login_as):
    login_as(Role.OFFICER)
    organizations = [make_organization() for _ in range(3)]
    sheet = xlsx_sheet(client.post("/bulk/organizations/export?format=xlsx", data={
        "scope": "selected", "organization_id": [str(organizations[1].id)]}))
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        organizations[1].id]
    projects = [make_project(cohort="2033") for _ in range(3)]
    rows = csv_rows(client.post("/bulk/projects/export", data={
        "scope": "selected", "query": "cohort=2033",
        "project_id": [str(projects[0].id), str(projects[2].id)]}))
    assert rows[0] == [str(h) for h in EXPORT_HEADER]
    assert sorted(_ids_of(rows)) == sorted([projects[0].id, projects[2].id])


def test_the_whole_list_or_nothing_ticked(client, login_as):
    login_as(Role.OFFICER)
    kept = [make_project(cohort="2034") for _ in range(2)]
    make_project(cohort="2035")
    rows = csv_rows(client.post("/bulk/projects/export", data={
        "scope": "all", "query": "cohort=2034"}))
    assert sorted(_ids_of(rows)) == sorted(p.id for p in kept)
    nothing = client.post("/bulk/projects/export", data={"scope": "selected",
                                                         "query": "cohort=2034"},
                          follow_redirects=True)
    assert nothing.mimetype == "text/html"
    assert "Tick the projects to act on" in nothing.text
    assert (nothing.request.path, nothing.request.args["cohort"]) == ("/projects", "2034")


def test_the_list_offers_the_export_of_its_ticked_rows(client, login_as):
    login_as(Role.OFFICER)
    make_organization()
    page = client.get("/organizations")
    assert 'formaction="/bulk/organizations/export?format=xlsx"' in page.text
    assert 'formaction="/bulk/organizations/export"' in page.text
