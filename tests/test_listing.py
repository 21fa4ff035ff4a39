"""Lists count their matches up to a cap, then say "more than", and still page through all."""

import re

import pytest

from crm.auth.models import Role
from tests.factories import make_person


def _range(page: str) -> str:
    found = re.search(r"(\d+–\d+ (?:of|sur|من)[^<]*?)\s*</p>", page)
    return " ".join(found.group(1).split()) if found else ""


@pytest.fixture
def five_bennanis(app, monkeypatch):
    monkeypatch.setattr("crm.common.listing.COUNT_CAP", 3)
    app.config["ITEMS_PER_PAGE"] = 2
    for first in ("Amine", "Badr", "Chama", "Driss", "Ehsane"):
        make_person(first_name=first, last_name="Bennani")


def test_a_search_past_the_cap_says_more_than_and_pages_to_the_end(client, login_as,
                                                                     five_bennanis):
    login_as(Role.MANAGER)
    first = client.get("/people?q=benn").get_data(as_text=True)
    assert _range(first) == "1–2 of more than 3"
    assert 'rel="next"' in first
    second = client.get("/people?q=benn&page=2").get_data(as_text=True)
    assert _range(second) == "3–4 of more than 3" and 'rel="next"' in second
    last = client.get("/people?q=benn&page=3").get_data(as_text=True)
    assert "Ehsane" in last and 'rel="next"' not in last


def test_under_the_cap_the_count_is_exact(client, login_as, five_bennanis):
    login_as(Role.MANAGER)
    page = client.get("/people?q=benn+amine").get_data(as_text=True)
    assert "Amine" in page and "Badr" not in page
    assert "of more than" not in page


def test_more_than_is_translated(client, login_as, five_bennanis):
    login_as(Role.MANAGER, language="fr")
    assert _range(client.get("/people?q=benn").get_data(as_text=True)) == "1–2 sur plus de 3"


def test_a_repeated_filter_is_read_once_each_capped_and_trimmed():
    from werkzeug.datastructures import MultiDict

    from crm.common.listing import MAX_VALUE_LENGTH, MAX_VALUES, ListParams

    args = MultiDict([("stage", " applied "), ("stage", ""), ("stage", "applied"),
                      ("stage", "x" * 500), *[("tag", str(n)) for n in range(50)],
                      ("match", "any"), ("other", "1")])
    params = ListParams.from_args(args, ("stage", "tag", "region"), "name")
    assert params.values("stage") == ["applied", "x" * MAX_VALUE_LENGTH]
    assert params.ids("tag") == list(range(MAX_VALUES))
    assert params.filters == {"stage": "applied", "tag": "0"}  # the first, for older callers
    assert params.values("region") == [] and params.match_any
    assert ListParams(filters={"archived": "1"}).values("archived") == ["1"]
