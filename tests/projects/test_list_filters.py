"""The projects list's filters combined: several values of one filter (any of them), all or
any of the filters, an impact figure reached, all in the URL and kept by the exports."""

import re
from datetime import date
from html import unescape

import pytest

from crm.auth.models import Role
from crm.common.reference import Region
from crm.impact import services as impact
from crm.organizations.models import OrganizationKind
from crm.projects import services as project_services
from tests.factories import make_organization, make_project, make_user
from tests.spreadsheets import csv_rows

NAMES = ("Alpha", "Bravo", "Charlie", "Delta")


def _names(client, query) -> set[str]:
    page = client.get("/projects", query_string=query).get_data(as_text=True)
    return {name for name in NAMES if f"<bdi>{name}</bdi>" in page}


@pytest.fixture
def four_projects(db):
    """Alpha applied in Souss (a cooperative, tagged "rural"), Bravo assessed in Rabat,
    Charlie incubated in Souss with an officer, Delta archived, applied."""
    officer = make_user(Role.OFFICER, full_name="Salma Alaoui")
    souss = make_organization(kind=OrganizationKind.COOPERATIVE, region=Region.SOUSS_MASSA)
    rabat = make_organization(kind=OrganizationKind.ASSOCIATION,
                              region=Region.RABAT_SALE_KENITRA)
    projects = {
        "Alpha": make_project(name="Alpha", organization=souss, stage="applied",
                              cohort="2023", tag_names=["rural"]),
        "Bravo": make_project(name="Bravo", organization=rabat, stage="assessed",
                              cohort="2024", tag_names=["urbain"]),
        "Charlie": make_project(name="Charlie", organization=souss, stage="incubated",
                                cohort="2025", officer=officer),
        "Delta": make_project(name="Delta", organization=rabat, stage="applied"),
    }
    project_services.archive_project(None, projects["Delta"])
    return projects, officer


def test_a_repeated_filter_shows_the_projects_with_either_value(client, login_as,
                                                                four_projects):
    login_as(Role.MANAGER)
    projects, officer = four_projects
    rural, urbain = (projects[n].tags[0].id for n in ("Alpha", "Bravo"))
    assert _names(client, "stage=applied&stage=assessed") == {"Alpha", "Bravo"}
    assert _names(client, "stage=applied") == {"Alpha"}
    assert _names(client, f"tag={rural}&tag={urbain}") == {"Alpha", "Bravo"}
    assert _names(client, "cohort=2023&cohort=2025") == {"Alpha", "Charlie"}
    assert _names(client, f"officer=none&officer={officer.id}") == {"Alpha", "Bravo",
                                                                    "Charlie"}
    assert _names(client, f"officer={officer.id}") == {"Charlie"}
    assert _names(client, "kind=cooperative&kind=association") == {"Alpha", "Bravo",
                                                                   "Charlie"}


def test_match_any_shows_the_projects_that_meet_one_filter(client, login_as, four_projects):
    login_as(Role.MANAGER)
    both = "stage=assessed&region=souss-massa"
    assert _names(client, both) == set()
    assert _names(client, both + "&match=all") == set()
    assert _names(client, both + "&match=any") == {"Alpha", "Bravo", "Charlie"}
    assert _names(client, "stage=incubated&cohort=2023&match=any") == {"Alpha", "Charlie"}
    assert _names(client, "stage=incubated&cohort=2023") == set()


def test_with_match_any_the_search_and_the_archive_still_narrow(client, login_as,
                                                                four_projects):
    login_as(Role.MANAGER)
    assert _names(client, "stage=applied&region=souss-massa&match=any&q=charlie") == {
        "Charlie"}
    assert _names(client, "stage=applied&region=souss-massa&match=any&archived=1") == {
        "Delta"}
    assert _names(client, "match=any") == {"Alpha", "Bravo", "Charlie"}  # no filter: all


def _measure(project, code, *values):
    """One figure a half-year for the project, the last one ending in 2024."""
    indicator = impact.get_indicator(code)
    halves = [(date(2023, 1, 1), date(2023, 6, 30)), (date(2023, 7, 1), date(2023, 12, 31)),
              (date(2024, 1, 1), date(2024, 6, 30))][-len(values):]
    for (start, end), value in zip(halves, values, strict=True):
        impact.record_measurement(None, project, indicator, start, end, value)
    return indicator.id


def test_an_impact_figure_reached_sums_the_periods_or_takes_the_latest_headcount(
        client, login_as, four_projects):
    login_as(Role.MANAGER)
    projects, _ = four_projects
    jobs = _measure(projects["Alpha"], "jobs", 6, 5)  # 11 jobs created in all
    _measure(projects["Bravo"], "jobs", 8)
    volunteers = _measure(projects["Alpha"], "volunteers", 20, 5)  # 5 volunteers now
    _measure(projects["Bravo"], "volunteers", 12)
    assert _names(client, f"indicator={jobs}&at_least=10") == {"Alpha"}
    assert _names(client, f"indicator={jobs}&at_least=8") == {"Alpha", "Bravo"}
    assert _names(client, f"indicator={jobs}&at_least=11.5") == set()
    assert _names(client, f"indicator={jobs}") == {"Alpha", "Bravo"}  # any figure
    assert _names(client, f"indicator={volunteers}&at_least=10") == {"Bravo"}
    assert _names(client, f"indicator={jobs}&at_least=10&stage=incubated&match=any") == {
        "Alpha", "Charlie"}
    assert _names(client, f"indicator={jobs}&at_least=abc") == {"Alpha", "Bravo"}


@pytest.mark.parametrize("query", [
    "stage=applied&stage=x%27%3B--&tag=abc&officer=zz&sdg=99&sdg=0&theme=nope",
    "stage=applied&idle=7&funding=x&region=mars&kind=&indicator=abc&at_least=1e400",
    "stage=applied&match=maybe&at_least=-5&region=" + "x" * 5000,
    "stage=applied&" + "&".join(f"stage=s{n}" for n in range(40)),
])
def test_unknown_values_are_ignored(client, login_as, four_projects, query):
    login_as(Role.MANAGER)
    response = client.get(f"/projects?{query}")
    assert response.status_code == 200
    assert _names(client, query) == {"Alpha"}


def test_each_chosen_value_is_a_link_to_the_list_without_it(client, login_as, four_projects):
    login_as(Role.MANAGER)
    page = client.get("/projects?stage=applied&stage=assessed&page=1&match=any").get_data(
        as_text=True)
    kept = re.findall(r'<input type="hidden" name="stage" value="([^"]+)">', page)
    assert kept == ["applied", "assessed"]
    links = {unescape(href): text for href, text in re.findall(
        r'<a class="badge[^"]*" href="([^"]+)"><span class="visually-hidden">([^<]+)</span>',
        page)}
    assert links == {"/projects?stage=assessed&match=any": "Remove Applied",
                     "/projects?stage=applied&match=any": "Remove Assessed"}
    select = page[page.index('id="filter-stage"'):]
    select = select[:select.index("</select>")]
    assert "Add another" in select and 'value="applied"' not in select
    assert '<option value="any" selected>' in page


def test_sorting_paging_and_exporting_keep_every_value(app, client, login_as, four_projects):
    app.config["ITEMS_PER_PAGE"] = 1
    login_as(Role.MANAGER)
    page = unescape(client.get("/projects?stage=applied&stage=assessed").get_data(
        as_text=True))
    assert "/projects?stage=applied&stage=assessed&page=2" in page
    assert "/projects?stage=applied&stage=assessed&sort=name" in page
    assert "/projects/export?stage=applied&stage=assessed" in page
    rows = csv_rows(client.get("/projects/export?stage=applied&region=rabat-sale-kenitra"
                               "&match=any"))
    name = rows[0].index("Name")
    assert {row[name] for row in rows[1:]} == {"Alpha", "Bravo"}
