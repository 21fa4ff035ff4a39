"""The people list's filters combined: several values of one filter, all or any of the
filters, the forum editions attended and the people left without an interaction."""

from datetime import date, timedelta

import pytest

from crm.auth.models import Role
from crm.common.reference import Region
from crm.interactions import services as interactions
from crm.interactions.models import InteractionKind
from tests.factories import make_forum, make_participation, make_person

NAMES = ("Amina", "Badr", "Chama", "Driss")


def _names(client, query) -> set[str]:
    page = client.get("/people", query_string=query).get_data(as_text=True)
    return {name for name in NAMES if name in page}


@pytest.fixture
def four_people(db):
    """Amina (Souss) attended the 2024 forum; Badr (Oriental) was listed at it but did not
    come; Chama (Fès) attended the 2023 forum; Driss (Souss) went to no forum."""
    people = {
        "Amina": make_person(first_name="Amina", region=Region.SOUSS_MASSA),
        "Badr": make_person(first_name="Badr", region=Region.ORIENTAL),
        "Chama": make_person(first_name="Chama", region=Region.FES_MEKNES),
        "Driss": make_person(first_name="Driss", region=Region.SOUSS_MASSA),
    }
    forum_2024 = make_forum(name="WeXchange 2024", held_on=date(2024, 10, 17))
    forum_2023 = make_forum(name="WeXchange 2023", held_on=date(2023, 10, 12))
    make_participation(forum_2024.sessions[1], people["Amina"])
    make_participation(forum_2024.sessions[0], people["Badr"], attended=False)
    make_participation(forum_2023.sessions[1], people["Chama"])
    return people, forum_2024, forum_2023


def test_a_repeated_region_shows_the_people_of_either(client, login_as, four_people):
    login_as(Role.MANAGER)
    assert _names(client, "region=souss-massa&region=oriental") == {"Amina", "Badr", "Driss"}
    assert _names(client, "region=oriental") == {"Badr"}


def test_the_forum_filter_shows_who_attended_an_edition(client, login_as, four_people):
    login_as(Role.MANAGER)
    _, forum_2024, forum_2023 = four_people
    assert _names(client, f"forum={forum_2024.id}") == {"Amina"}
    assert _names(client, f"forum={forum_2024.id}&forum={forum_2023.id}") == {"Amina",
                                                                              "Chama"}
    page = client.get("/people").get_data(as_text=True)
    assert f'<option value="{forum_2024.id}">WeXchange 2024</option>' in page


def test_no_interaction_for_n_days_includes_those_never_met(client, login_as, four_people):
    officer = login_as(Role.OFFICER)
    people, _, _ = four_people
    today = date.today()
    for name, days_ago in (("Amina", 10), ("Badr", 200), ("Chama", 400)):
        interactions.log_interaction(officer, InteractionKind.CALL,
                                     today - timedelta(days=days_ago), "Appel",
                                     person=people[name])
    interactions.log_interaction(officer, InteractionKind.CALL, today - timedelta(days=300),
                                 "Appel", person=people["Amina"])
    assert _names(client, "idle=180") == {"Badr", "Chama", "Driss"}
    assert _names(client, "idle=365") == {"Chama", "Driss"}
    assert _names(client, "idle=30") == {"Badr", "Chama", "Driss"}
    assert _names(client, "idle=7") == set(NAMES)  # not one of the choices: ignored


def test_match_any_combines_the_filters_with_or(client, login_as, four_people):
    login_as(Role.MANAGER)
    _, forum_2024, _ = four_people
    query = f"region=fes-meknes&forum={forum_2024.id}"
    assert _names(client, query) == set()
    assert _names(client, query + "&match=any") == {"Amina", "Chama"}
    assert _names(client, query + "&match=any&q=amina") == {"Amina"}


def test_garbage_values_are_ignored(client, login_as, four_people):
    login_as(Role.MANAGER)
    query = ("region=oriental&region=mars&forum=abc&gender=zz&consent=nope&tag=x&idle=abc"
             "&match=maybe&organization=-1")
    response = client.get(f"/people?{query}")
    assert response.status_code == 200
    assert _names(client, query) == {"Badr"}
