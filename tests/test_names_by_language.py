"""Names in the reader's script, places, tags and units in the reader's language, lists with
the reader's comma: what an Arabic-speaking officer sees, against a French-speaking one."""

import re

import pytest

from crm.auth.models import Role
from crm.tags.models import Tag
from tests.factories import make_organization, make_person, make_project


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def _h1(page: str) -> str:
    return re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)).strip()


@pytest.mark.parametrize("language, first, second", [
    ("ar", "نادية العمراني", "Nadia El Amrani"), ("fr", "Nadia El Amrani", "نادية العمراني")])
def test_a_person_is_named_in_the_readers_script_first(client, login_as, language, first,
                                                       second):
    login_as(Role.OFFICER, language=language)
    person = make_person(first_name="Nadia", last_name="El Amrani",
                         name_arabic="نادية العمراني")
    page = client.get(f"/people/{person.id}").text
    assert _title(page).startswith(first)
    assert _h1(page).startswith(first)
    assert second in page  # the other name beside it, where both help
    assert page.index(first) < page.index(second)


@pytest.mark.parametrize("language, first", [("ar", "تعاونية الأطلس"), ("fr", "Coopérative Atlas")])
def test_organizations_and_projects_follow_the_same_rule(client, login_as, language, first):
    login_as(Role.OFFICER, language=language)
    organization = make_organization(name="Coopérative Atlas", name_arabic="تعاونية الأطلس")
    assert _h1(client.get(f"/organizations/{organization.id}").text) == first
    project = make_project(organization=organization, name="Ruche Atlas",
                           name_arabic="خلية الأطلس")
    expected = "خلية الأطلس" if language == "ar" else "Ruche Atlas"
    assert _h1(client.get(f"/projects/{project.id}").text).startswith(expected)
    listing = client.get("/organizations").text
    assert listing.index(first) < listing.index(
        "Coopérative Atlas" if language == "ar" else "تعاونية الأطلس")


def test_a_name_known_in_one_script_only_is_shown_in_it(client, login_as):
    login_as(Role.OFFICER, language="ar")
    person = make_person(first_name="Youssef", last_name="Tazi", name_arabic="")
    assert _h1(client.get(f"/people/{person.id}").text) == "Youssef Tazi"


def test_an_innovator_is_greeted_by_the_name_in_the_readers_script(client, db, login_as):
    from crm.people import services as people

    user = login_as(Role.INNOVATOR, language="ar")
    person = make_person(first_name="Nadia", last_name="El Amrani",
                         name_arabic="نادية العمراني")
    user.person_id = person.id
    db.session.commit()
    page = client.get("/").text
    assert "نادية العمراني" in _h1(page)
    assert "Nadia" not in _h1(page)
    assert people  # the person service is what the portal reads through


@pytest.mark.parametrize("query, first", [("نادية", "نادية العمراني"),
                                          ("Nadia", "Nadia El Amrani")])
def test_search_results_show_the_name_in_the_script_that_matched(client, login_as, query,
                                                                 first):
    login_as(Role.OFFICER, language="ar")
    make_person(first_name="Nadia", last_name="El Amrani", name_arabic="نادية العمراني")
    page = client.get("/search", query_string={"q": query}).text
    link = re.search(r'<a href="/people/\d+" dir="auto">(.*?)</a>', page).group(1)
    assert link == first


def test_tags_cities_and_units_are_shown_in_arabic_on_arabic_pages(client, login_as, db):
    login_as(Role.ADMIN, language="ar")
    organization = make_organization(name="Atlas", city="Fès", tag_names=["femmes"])
    tag = db.session.scalar(db.select(Tag).where(Tag.key == "femmes"))
    tag.name_ar, tag.name_fr, tag.name_en = "نساء", "femmes", "women"
    db.session.commit()
    page = client.get(f"/organizations/{organization.id}").text
    assert "نساء" in page and ">femmes<" not in page
    assert "فاس" in page and "Fès" not in page
    indicators = client.get("/impact/indicators").text
    assert "مناصب" in indicators or "شغل" in indicators
    assert "<bdi>people</bdi>" not in indicators and "<bdi>jobs</bdi>" not in indicators


def test_a_tag_typed_in_another_language_is_the_same_tag(client, login_as, db):
    from crm.tags.services import get_or_create_tags

    login_as(Role.OFFICER, language="ar")
    [tag] = get_or_create_tags(["femmes"])
    tag.name_ar, tag.name_en = "نساء", "women"
    db.session.commit()
    assert get_or_create_tags(["نساء", "Women", "FEMMES"]) == [tag]
    assert db.session.scalar(db.select(db.func.count()).select_from(Tag)) == 1


def test_arabic_lists_use_the_arabic_comma(client, login_as):
    from flask_babel import refresh

    from crm.i18n import join_list

    app = client.application
    for language, expected in (("ar", "أ، ب"), ("fr", "أ, ب")):
        with app.test_request_context(headers={"Accept-Language": language}):
            refresh()
            assert join_list(["أ", "ب"]) == expected


def test_the_language_is_named_not_coded_on_my_data(client, login_as, db):
    user = login_as(Role.INNOVATOR, language="fr")
    user.person_id = make_person(first_name="Nadia", last_name="El Amrani").id
    db.session.commit()
    page = client.get("/portal/my-data").text
    assert "Français" in page
    assert re.search(r'<dd class="col-sm-9">fr</dd>', page) is None


def test_an_email_names_the_person_in_the_recipients_script(app):
    from flask_babel import force_locale

    person = make_person(first_name="Nadia", last_name="El Amrani",
                         name_arabic="نادية العمراني")
    with force_locale("ar"):
        assert person.display_name == "نادية العمراني"
    with force_locale("fr"):
        assert person.display_name == "Nadia El Amrani"
