"""The organizations list's filters combined: several values of one filter, all or any of
the filters, a live project at a stage and the organizations left without an interaction."""

from datetime import date, timedelta

import pytest

from crm.auth.models import Role
from crm.common.reference import Region
from crm.interactions import services as interactions
from crm.interactions.models import InteractionKind
from crm.organizations.models import OrganizationKind
from crm.projects import services as project_services
from tests.factories import make_membership, make_organization, make_person, make_project

NAMES = ("Atlas", "Baraka", "Chourouk", "Dounia")


def _names(client, query) -> set[str]:
    page = client.get("/organizations", query_string=query).get_data(as_text=True)
    return {name for name in NAMES if f"Coop {name}<" in page}


@pytest.fixture
def four_organizations(db):
    """Atlas (Souss, cooperative) carries an incubated project; Baraka (Oriental,
    association) an applied one; Chourouk (Souss, association) only an archived incubated
    one; Dounia (Fès, foundation) none."""
    kinds = {"Atlas": OrganizationKind.COOPERATIVE, "Baraka": OrganizationKind.ASSOCIATION,
             "Chourouk": OrganizationKind.ASSOCIATION, "Dounia": OrganizationKind.FOUNDATION}
    regions = {"Atlas": Region.SOUSS_MASSA, "Baraka": Region.ORIENTAL,
               "Chourouk": Region.SOUSS_MASSA, "Dounia": Region.FES_MEKNES}
    orgs = {name: make_organization(name=f"Coop {name}", kind=kinds[name],
                                    region=regions[name]) for name in NAMES}
    make_project(organization=orgs["Atlas"], stage="incubated")
    make_project(organization=orgs["Baraka"], stage="applied")
    archived = make_project(organization=orgs["Chourouk"], stage="incubated")
    project_services.archive_project(None, archived)
    return orgs


def test_a_repeated_kind_shows_the_organizations_of_either(client, login_as,
                                                           four_organizations):
    login_as(Role.MANAGER)
    assert _names(client, "kind=cooperative&kind=foundation") == {"Atlas", "Dounia"}
    assert _names(client, "kind=foundation") == {"Dounia"}


def test_the_stage_filter_shows_the_carriers_of_a_live_project_there(client, login_as,
                                                                      four_organizations):
    login_as(Role.MANAGER)
    assert _names(client, "stage=incubated") == {"Atlas"}
    assert _names(client, "stage=incubated&stage=applied") == {"Atlas", "Baraka"}
    assert _names(client, "stage=alumni") == set()
    assert '<option value="incubated">Incubated</option>' in client.get(
        "/organizations").get_data(as_text=True)


def test_no_interaction_for_n_days_counts_the_organizations_own(client, login_as,
                                                                 four_organizations):
    officer = login_as(Role.OFFICER)
    orgs, today = four_organizations, date.today()
    for name, days_ago in (("Atlas", 10), ("Baraka", 200)):
        interactions.log_interaction(officer, InteractionKind.MEETING,
                                     today - timedelta(days=days_ago), "Réunion",
                                     organization=orgs[name])
    member = make_person()
    make_membership(orgs["Chourouk"], member)
    interactions.log_interaction(officer, InteractionKind.CALL, today, "Appel", person=member)
    assert _names(client, "idle=90") == {"Baraka", "Chourouk", "Dounia"}
    assert _names(client, "idle=365") == {"Chourouk", "Dounia"}


def test_match_any_combines_the_filters_with_or(client, login_as, four_organizations):
    login_as(Role.MANAGER)
    query = "stage=applied&region=fes-meknes"
    assert _names(client, query) == set()
    assert _names(client, query + "&match=any") == {"Baraka", "Dounia"}
    assert _names(client, query + "&match=any&archived=1") == set()


def test_garbage_values_are_ignored(client, login_as, four_organizations):
    login_as(Role.MANAGER)
    query = "kind=foundation&kind=spaceship&region=&theme=nope&tag=abc&idle=12&match=maybe"
    response = client.get(f"/organizations?{query}")
    assert response.status_code == 200
    assert _names(client, query) == {"Dounia"}
