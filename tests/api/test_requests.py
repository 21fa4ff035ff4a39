"""What any client may send: lists paged by cursor and trimmed to the fields asked for,
errors as structured JSON in the requester's language, and never a 500 on bad input."""

import pytest
from openapi_spec_validator import validate

from crm.api.core import openapi_document
from crm.auth.models import Role
from tests.api.conftest import bearer
from tests.factories import make_organization, make_person, make_project, make_user


@pytest.fixture
def officer_headers(db):
    return bearer(make_user(Role.OFFICER))


def _all_pages(api, headers, url: str) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        response = api("GET", url + (f"&after={cursor}" if cursor else ""), headers)
        assert response.status_code == 200, response.json
        pages.append([item["id"] for item in response.json["items"]])
        cursor = response.json["next"]
        if cursor is None:
            return pages


@pytest.mark.parametrize("sort", ["name", "-name", "id", "-created"])
def test_pages_follow_each_other_without_repeating_or_skipping(api, db, officer_headers, sort):
    for n in range(7):
        make_organization(name=f"Association {n % 3}")  # equal names: the id breaks ties
    pages = _all_pages(api, officer_headers, f"/api/v1/organizations?limit=3&sort={sort}")
    ids = [i for page in pages for i in page]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert len(set(ids)) == 7


def test_a_record_added_between_two_pages_moves_nothing(api, db, officer_headers):
    for n in range(4):
        make_organization(name=f"B {n}")
    first = api("GET", "/api/v1/organizations?limit=2&sort=name", officer_headers).json
    make_organization(name="A avant tout")  # sorts before the first page
    second = api("GET", f"/api/v1/organizations?limit=2&sort=name&after={first['next']}",
                 officer_headers).json
    assert [o["name"] for o in first["items"] + second["items"]] == ["B 0", "B 1", "B 2", "B 3"]


def test_list_filters_are_the_list_pages(api, db, officer_headers):
    officer = make_user(Role.OFFICER)
    applied = make_project(officer, stage="applied")
    make_project(officer, stage="identified")
    listed = api("GET", "/api/v1/projects?stage=applied", officer_headers).json["items"]
    assert [p["id"] for p in listed] == [applied.id]


def test_sparse_fields(api, db, officer_headers):
    make_person(first_name="Salma", last_name="Bennani")
    items = api("GET", "/api/v1/people?fields=id,last_name", officer_headers).json["items"]
    assert items and set(items[0]) == {"id", "last_name"}
    bad = api("GET", "/api/v1/people?fields=id,password", officer_headers)
    assert bad.status_code == 422 and "fields" in bad.json["error"]["fields"]


def test_validation_errors_in_french(api, db, officer_headers):
    french = officer_headers | {"Accept-Language": "fr-MA,fr;q=0.9,en;q=0.5"}
    response = api("POST", "/api/v1/organizations", french,
                   {"name": "A", "kind": "bank", "founding_year": "1990", "colour": "red"})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation"
    assert set(error["fields"]) == {"kind", "founding_year", "colour"}
    assert error["fields"]["founding_year"] == ["Indiquez un nombre entier."]
    broken = api("POST", "/api/v1/organizations", french, {"name": " ", "kind": "other"})
    assert broken.json["error"]["fields"] == {
        "name": ["Indiquez le nom en caractères latins ou arabes."]}


def test_a_broken_rule_is_a_422_on_its_field(api, db, officer_headers):
    response = api("POST", "/api/v1/organizations", officer_headers,
                   {"name": "", "name_arabic": "", "kind": "other"})
    assert response.status_code == 422
    assert "name" in response.json["error"]["fields"]


@pytest.mark.parametrize("body", [
    {"name": "A\x00B", "kind": "other"},
    {"name": "A", "kind": "other", "founding_year": 10**30},
    {"name": "A", "kind": "other", "founding_year": "1990"},
    {"name": ["A"], "kind": "other"},
    {"name": "A" * 201, "kind": "other"},
    {"name": "A", "kind": "other", "sdgs": [99]},
    {"name": "A", "kind": "other", "tags": "one"},
    ["A"],
    "A",
    None,
])
def test_bad_input_is_refused_never_a_500(api, db, officer_headers, body):
    response = api("POST", "/api/v1/organizations", officer_headers, body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["error"]["code"] == "validation"


@pytest.mark.parametrize("url", [
    "/api/v1/projects/99999999999999999999",
    "/api/v1/projects?limit=1000",
    "/api/v1/projects?limit=abc",
    "/api/v1/projects?after=not-a-cursor",
    "/api/v1/projects?sort=password",
    "/api/v1/projects?q=%00",
    "/api/v1/nothing-here",
])
def test_bad_urls_are_refused_in_json(api, db, officer_headers, url):
    response = api("GET", url, officer_headers)
    assert response.status_code in (400, 404, 422), response.status_code
    assert response.is_json and response.json["error"]["code"]


def test_a_body_that_is_not_json_is_refused(api, db, officer_headers):
    response = api("POST", "/api/v1/organizations", officer_headers | {
        "Content-Type": "application/json"}, data=b"{not json")
    assert response.status_code in (400, 422) and response.is_json


def test_the_openapi_document_validates_and_lists_every_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    validate(document)
    assert document["openapi"] == "3.1.0"
    documented = {(method.upper(), path) for path, ops in document["paths"].items()
                  for method in ops if method != "parameters"}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "token_authenticated", False):
            continue
        path = rule.rule.replace("<int:", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in documented, (method, path)
    assert document == openapi_document(app)


def test_the_docs_page_is_readable_without_scripts(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "/api/v1/projects/{project_id}/move" in body and "<script>" not in body
