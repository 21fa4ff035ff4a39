"""The forum screens: editions, sessions, participants, what became of the people met, and
following up a whole session at once."""

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from crm.auth.models import Role
from crm.followups import services as followup_services
from crm.followups.models import FollowUp
from crm.forums import services
from crm.forums.models import Forum, ForumSession, Participation, SessionKind
from crm.interactions import services as interaction_services
from crm.interactions.models import InteractionKind
from crm.projects import services as project_services
from crm.projects.models import Project
from tests.factories import (
    make_followup,
    make_forum,
    make_membership,
    make_organization,
    make_participation,
    make_person,
    make_project,
    make_user,
)
from tests.queries import queries_on_page

HELD_ON = date(2024, 10, 17)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _sessions(forum: Forum) -> dict[str, ForumSession]:
    return {s.name_fr: s for s in forum.sessions}


def _session_path(session: ForumSession) -> str:
    return f"/forums/{session.forum_id}/sessions/{session.id}"


# --- the list and creating a forum -----------------------------------------------------------


def test_the_list_shows_forums_newest_first_with_their_counts(client, login_as):
    login_as(Role.MANAGER)
    old = make_forum(name="WeXchange 2023", held_on=date(2023, 10, 12), number=2,
                     city="Rabat", sessions=())
    new = make_forum(name="WeXchange 2024", held_on=HELD_ON, number=3, city="Casablanca",
                     sessions=("Financement innovant", "Veille stratégique"))
    plenary, finance, watch = new.sessions
    for n in range(3):
        person = make_person()
        make_participation(plenary, person)
        make_participation(finance if n else watch, person)
    page = _text(client.get("/forums"))
    assert page.index("WeXchange 2024") < page.index("WeXchange 2023")
    row = page[page.index("WeXchange 2024"):page.index("WeXchange 2023")]
    assert "October 17, 2024" in row and "Casablanca" in row
    assert re.findall(r'<td class="text-end">(\d+)</td>', row) == ["3", "3"]
    row = page[page.index("WeXchange 2023"):]
    assert re.findall(r'<td class="text-end">(\d+)</td>', row)[:2] == ["1", "0"]
    assert f'href="/forums/{old.id}"' in page and "New forum" not in page


def test_the_list_has_an_empty_state(client, login_as):
    login_as(Role.OFFICER)
    page = _text(client.get("/forums"))
    assert "No forum yet." in page and 'href="/forums/new"' in page


def test_an_officer_creates_a_forum(client, login_as, db):
    login_as(Role.OFFICER)
    response = client.post("/forums/new", data={
        "name": "WeXchange 2025", "number": "4", "held_on": "2025-10-16", "city": "Marrakech",
        "theme": "Le tiers secteur et la jeunesse"})
    forum = db.session.scalar(db.select(Forum))
    assert response.status_code == 302 and response.headers["Location"] == f"/forums/{forum.id}"
    assert (forum.name, forum.number, forum.held_on, forum.city, forum.theme) == (
        "WeXchange 2025", 4, date(2025, 10, 16), "Marrakech", "Le tiers secteur et la jeunesse")
    page = _text(client.get(f"/forums/{forum.id}"))
    assert "Thursday, October 16, 2025" in page and "Le tiers secteur et la jeunesse" in page


def test_an_invalid_forum_is_refused_and_what_was_typed_is_kept(client, login_as, db):
    login_as(Role.OFFICER)
    response = client.post("/forums/new", data={
        "name": "WeXchange 2025", "number": "zéro", "held_on": "", "city": "Tanger"})
    page = _text(response)
    assert response.status_code == 200
    assert "Give a valid date." in page and 'value="WeXchange 2025"' in page
    assert 'value="Tanger"' in page
    assert _count(db, Forum) == 0


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR])
def test_who_may_not_manage_forums_gets_404_and_changes_nothing(client, login_as, db, role):
    forum = make_forum(sessions=("Atelier",))
    plenary = forum.sessions[0]
    person = make_person()
    login_as(role)
    assert client.get("/forums/new").status_code == 404
    assert client.post("/forums/new", data={"name": "X", "held_on": "2025-01-01"}).status_code \
        == 404
    assert client.post(f"/forums/{forum.id}/sessions", data={
        "kind": "workshop", "name_fr": "Nouvel atelier"}).status_code == 404
    assert client.post(f"{_session_path(plenary)}/participations", data={
        "person_id": person.id, "role": "speaker", "attended": "y"}).status_code == 404
    assert (_count(db, Forum), _count(db, ForumSession), _count(db, Participation)) == (1, 2, 0)


def test_innovators_see_no_forum_page(client, login_as):
    forum = make_forum()
    login_as(Role.INNOVATOR)
    for path in ("/forums", f"/forums/{forum.id}", _session_path(forum.sessions[1])):
        assert client.get(path).status_code == 404, path


def test_a_session_of_another_forum_is_404(client, login_as):
    login_as(Role.OFFICER)
    first, second = make_forum(), make_forum()
    assert client.get(f"/forums/{first.id}/sessions/{second.sessions[0].id}").status_code == 404
    assert client.get(f"/forums/{first.id}/sessions/999").status_code == 404
    assert client.get("/forums/999").status_code == 404


# --- sessions --------------------------------------------------------------------------------


def test_an_officer_adds_a_session_named_in_three_languages(client, login_as, db):
    login_as(Role.OFFICER)
    forum = make_forum(sessions=())
    response = client.post(f"/forums/{forum.id}/sessions", data={
        "kind": "workshop", "name_fr": "Financement innovant", "name_ar": "التمويل المبتكر",
        "name_en": "Innovative finance"})
    assert response.status_code == 302
    session = db.session.scalar(db.select(ForumSession).where(
        ForumSession.name_fr == "Financement innovant"))
    assert (session.kind, session.name_ar, session.name_en, session.position) == (
        SessionKind.WORKSHOP, "التمويل المبتكر", "Innovative finance", 2)
    page = _text(client.get(f"/forums/{forum.id}"))
    assert "Innovative finance" in page
    assert '<div class="small text-body-secondary" lang="ar" dir="rtl">التمويل المبتكر</div>' \
        in page
    assert re.search(r'<input[^>]*dir="rtl"[^>]*name="name_ar"|<input[^>]*name="name_ar"'
                     r'[^>]*dir="rtl"', page)


@pytest.mark.parametrize("language, refused", [
    ("fr", "N&#39;est pas un choix valide."), ("ar", "اختيار غير صحيح."),
    ("en", "Not a valid choice.")])
def test_the_messages_of_wtforms_itself_are_in_the_readers_language(client, login_as, db,
                                                                     language, refused):
    login_as(Role.OFFICER, language=language)
    forum = make_forum(sessions=())
    for _ in range(2):  # the second request reads the catalog kept from the first
        response = client.post(f"/forums/{forum.id}/sessions", data={
            "kind": "no-such-kind", "name_fr": "Ouverture", "name_ar": "الافتتاح"})
        assert response.status_code == 200 and refused in _text(response)


def test_a_session_without_its_french_name_is_refused_and_kept(client, login_as, db):
    login_as(Role.OFFICER)
    forum = make_forum(sessions=())
    response = client.post(f"/forums/{forum.id}/sessions", data={
        "kind": "closing", "name_fr": " ", "name_ar": "الجلسة الختامية"})
    page = _text(response)
    assert response.status_code == 200 and "This field is required." in page
    assert 'value="الجلسة الختامية"' in page and '<option selected value="closing">' in page
    assert _count(db, ForumSession) == 1


def test_the_forum_page_shows_each_session_in_order_with_who_led_it(client, login_as, db):
    officer = login_as(Role.OFFICER)
    forum = make_forum(name="WeXchange 2024", sessions=("Veille stratégique",
                                                      "Gouvernance et redevabilité"))
    plenary, watch, governance = forum.sessions
    speaker = make_person(first_name="Salma", last_name="Alaoui")
    moderator = make_person(first_name="Omar", last_name="Ziani")
    participant = make_person(first_name="Nadia", last_name="Amrani")
    make_participation(watch, speaker, "speaker", attended=True)
    make_participation(watch, moderator, "moderator", attended=False)
    make_participation(watch, participant, "participant")
    make_participation(plenary, participant, "participant")
    make_followup(officer, person=speaker)

    page = _text(client.get(f"/forums/{forum.id}"))
    sessions = page[page.index('id="sessions-title"'):]
    assert sessions.index("Plénière") < sessions.index("Veille stratégique") < sessions.index(
        "Gouvernance et redevabilité")
    card = sessions[sessions.index("Veille stratégique"):sessions.index(
        "Gouvernance et redevabilité")]
    assert "3 people" in card and "2 attended" in card and "1 followed up" in card
    assert f'href="/people/{speaker.id}"' in card and f'href="/people/{moderator.id}"' in card
    assert "Nadia Amrani" not in card  # participants are on the session page
    assert re.search(r"Salma Alaoui</bdi></a></td>\s*<td>Speaker</td>\s*<td>Yes</td>\s*"
                     r"<td>Yes</td>", card)
    assert re.search(r"Omar Ziani</bdi></a></td>\s*<td>Moderator</td>\s*<td>No</td>\s*"
                     r"<td>No</td>", card)
    assert f'href="{_session_path(watch)}"' in card


def test_the_forum_page_links_to_the_attendee_import_for_who_may_import(client, login_as, app):
    forum = make_forum()
    login_as(Role.OFFICER)
    assert f'href="/forums/{forum.id}/imports/new"' in _text(client.get(f"/forums/{forum.id}"))
    client.post("/logout")
    login_as(Role.MANAGER)
    page = _text(client.get(f"/forums/{forum.id}"))
    assert "imports/new" not in page and "Add a session" not in page


# --- what became of the forum ----------------------------------------------------------------


def _at(db, model, record_id: int, when: datetime) -> None:
    db.session.execute(sa.update(model).where(model.id == record_id).values(created_at=when))
    db.session.commit()


@pytest.fixture
def outcome(db):
    """A forum whose people were followed up (or not) and became projects (or not), with the
    figures known in advance; every edge of the rules is met once."""
    officer = make_user(Role.OFFICER)
    forum = make_forum(name="WeXchange 2024", held_on=HELD_ON, sessions=("Finance",
                                                                        "Gouvernance"))
    plenary, finance, governance = forum.sessions
    a, b, c, d, e, outsider = (make_person(first_name=n, last_name="Test") for n in "ABCDEG")
    for person, sessions in ((a, [plenary, finance]), (b, [plenary, finance]),
                             (c, [plenary, governance]), (d, [governance]), (e, [plenary])):
        for session in sessions:
            make_participation(session, person, "speaker" if person is a else "participant")
    # A: a follow-up created 3 days after the forum (since done); an organization whose
    # project was created a month after.
    followup = make_followup(officer, person=a)
    _at(db, FollowUp, followup.id, datetime(2024, 10, 20, 9))
    followup_services.complete_followup(officer, followup, "Appel passé")
    org_a = make_organization()
    make_membership(org_a, a)
    _at(db, Project, make_project(organization=org_a).id, datetime(2024, 11, 15, 10))
    # B: an interaction on the 30th day after the forum, the last one that counts.
    interaction_services.log_interaction(officer, InteractionKind.CALL, date(2024, 11, 16),
                                         "Appel", person=b)
    # C: an interaction on the 31st day (followed up, but late); a project older than the forum.
    interaction_services.log_interaction(officer, InteractionKind.CALL, date(2024, 11, 17),
                                         "Appel", person=c)
    org_c = make_organization()
    make_membership(org_c, c)
    _at(db, Project, make_project(organization=org_c).id, datetime(2024, 10, 1))
    # D: a cancelled follow-up and an interaction before the forum (neither counts); an
    # archived new project (does not count) and a project created on the forum's day (counts).
    cancelled = make_followup(officer, person=d)
    _at(db, FollowUp, cancelled.id, datetime(2024, 10, 18))
    followup_services.cancel_followup(officer, cancelled)
    interaction_services.log_interaction(officer, InteractionKind.MEETING, date(2024, 10, 10),
                                         "Avant", person=d)
    org_d, org_d2 = make_organization(), make_organization()
    make_membership(org_d, d)
    make_membership(org_d2, d)
    archived = make_project(organization=org_d)
    _at(db, Project, archived.id, datetime(2024, 12, 1))
    project_services.archive_project(None, db.session.get(Project, archived.id))
    _at(db, Project, make_project(organization=org_d2).id, datetime(2024, 10, 17))
    # E: nothing. G took no part, but was followed up and joined a project.
    _at(db, FollowUp, make_followup(officer, person=outsider).id, datetime(2024, 10, 20))
    org_g = make_organization()
    make_membership(org_g, outsider)
    _at(db, Project, make_project(organization=org_g).id, datetime(2024, 11, 1))
    return forum


def test_what_became_of_the_forum_per_session_and_edition(db, outcome):
    plenary, finance, governance = outcome.sessions
    figures = services.session_figures(outcome)
    as_tuples = {s.name_fr: (f.people, f.followed_up, f.followed_up_in_window, f.became_projects)
                 for s, f in ((s, figures[s.id]) for s in outcome.sessions)}
    assert as_tuples == {"Plénière": (4, 3, 2, 1), "Finance": (2, 2, 2, 1),
                         "Gouvernance": (2, 1, 0, 1)}
    totals = services.forum_figures(outcome)
    assert (totals.people, totals.followed_up, totals.followed_up_in_window,
            totals.became_projects) == (5, 3, 2, 2)


def test_the_forum_page_shows_what_became_of_it(client, login_as, outcome):
    login_as(Role.MANAGER)
    page = _text(client.get(f"/forums/{outcome.id}"))
    table = page[page.index('id="outcome-title"'):page.index('id="sessions-title"')]

    def row(label: str) -> list[str]:
        start = table.index(label)
        return re.findall(r'<td class="text-end">(\d+)</td>', table[start:start + 600])[:3]

    assert row("Plénière") == ["4", "2", "1"]
    assert row("Finance") == ["2", "2", "1"]
    assert row("Gouvernance") == ["2", "0", "1"]
    assert row("Whole edition") == ["5", "2", "2"]


# --- the session page ------------------------------------------------------------------------


def test_the_session_page_lists_everyone_page_by_page(app, client, login_as):
    officer = login_as(Role.OFFICER)
    forum = make_forum(sessions=("Leadership territorial",))
    workshop = forum.sessions[1]
    per_page = app.config["ITEMS_PER_PAGE"]
    people = [make_person(first_name="P", last_name=f"Nom{n:03d}") for n in range(per_page + 2)]
    for person in people:
        make_participation(workshop, person, attended=False)
    speaker = make_person(first_name="Zineb", last_name="Zouiten")
    make_participation(workshop, speaker, "speaker")
    make_followup(officer, person=people[0])

    first = _text(client.get(_session_path(workshop)))
    assert first.index("Zineb Zouiten") < first.index("P Nom000")  # speakers first
    assert "P Nom000" in first and f"P Nom{per_page:03d}" not in first
    assert f'href="{_session_path(workshop)}?page=2"' in first
    assert re.search(r"P Nom000</bdi></a>\s*</td>\s*<td>Participant</td>\s*<td>No</td>\s*"
                     r"<td>Yes</td>", first)
    second = _text(client.get(f"{_session_path(workshop)}?page=2"))
    assert f"P Nom{per_page + 1:03d}" in second and "P Nom000" not in second
    assert f"{per_page + 3} people" in second


def test_the_session_page_has_an_empty_state(client, login_as):
    login_as(Role.MANAGER)
    forum = make_forum()
    page = _text(client.get(_session_path(forum.sessions[1])))
    assert "Nobody is listed in this session yet." in page
    assert "Follow up this session" not in page and "Add a person" not in page


def test_an_officer_adds_a_person_found_by_name(client, login_as, db):
    login_as(Role.OFFICER)
    forum = make_forum()
    workshop = forum.sessions[1]
    person = make_person(first_name="Mohamed", last_name="El Amrani", name_arabic="محمد العمراني")
    page = _text(client.get(f"{_session_path(workshop)}?person_q=Amrani"))
    assert f'value="{person.id}"' in page and "Mohamed El Amrani" in page
    page = _text(client.get(_session_path(workshop), query_string={"person_q": "العمراني"}))
    assert f'value="{person.id}"' in page
    response = client.post(f"{_session_path(workshop)}/participations", data={
        "person_id": person.id, "role": "moderator", "attended": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{_session_path(workshop)}#participants"
    participation = db.session.scalar(db.select(Participation))
    assert (participation.person_id, participation.role.value, participation.attended) == (
        person.id, "moderator", True)
    client.post(f"{_session_path(workshop)}/participations", data={
        "person_id": person.id, "role": "speaker"})
    page = _text(client.get(_session_path(workshop)))
    assert "already listed in this session" in page and _count(db, Participation) == 1
    assert "Nobody found" in _text(client.get(f"{_session_path(workshop)}?person_q=Inconnu"))


# --- following up a session at once ----------------------------------------------------------


@pytest.fixture
def workshop(db):
    forum = make_forum(name="WeXchange 2024", sessions=("Financement innovant",))
    workshop = forum.sessions[1]
    for role in ("speaker", "speaker", "moderator", "participant", "participant", "organizer"):
        make_participation(workshop, make_person(), role)
    return workshop


def _bulk(client, session, **data):
    values = {"people": "leads", "kind": "call", "title": "Follow-up after WeXchange 2024",
              "due_on": (date.today() + timedelta(days=7)).isoformat()}
    values.update(data)
    return client.post(f"{_session_path(session)}/followups", data=values)


def test_the_bulk_form_is_prefilled(client, login_as, workshop):
    officer = login_as(Role.OFFICER, full_name="Salma Alaoui")
    page = _text(client.get(_session_path(workshop)))
    assert 'value="Follow-up after WeXchange 2024"' in page
    assert f'value="{(date.today() + timedelta(days=7)).isoformat()}"' in page
    assert re.search(rf'<option selected value="{officer.id}">Salma Alaoui</option>', page)


def test_following_up_every_speaker_of_a_workshop_creates_one_each_and_never_twice(
        client, login_as, db, workshop):
    officer = login_as(Role.OFFICER)
    colleague = make_user(Role.OFFICER)
    response = _bulk(client, workshop, assignee_id=colleague.id)
    assert response.status_code == 302
    leads = {p.person_id: p.id for p in workshop.participations
             if p.role.value in ("speaker", "moderator")}
    followups = list(db.session.scalars(db.select(FollowUp)))
    assert {f.person_id: f.participation_id for f in followups} == leads
    assert {(f.assignee_id, f.created_by_id, f.title) for f in followups} == {
        (colleague.id, officer.id, "Follow-up after WeXchange 2024")}
    assert "3 follow-ups were planned." in _text(client.get(_session_path(workshop)))

    assert _bulk(client, workshop, assignee_id=colleague.id).status_code == 302
    page = _text(client.get(_session_path(workshop)))
    assert "0 follow-ups were planned." in page
    assert "3 people already had this follow-up open." in page
    assert _count(db, FollowUp) == 3


def test_following_up_every_participant(client, login_as, db, workshop):
    officer = login_as(Role.OFFICER)
    _bulk(client, workshop, assignee_id=officer.id)
    _bulk(client, workshop, people="all", assignee_id=officer.id)
    assert _count(db, FollowUp) == 6
    page = _text(client.get(f"/forums/{workshop.forum_id}"))
    assert "6 followed up" in page


def test_an_invalid_bulk_follow_up_is_refused_and_kept(client, login_as, db, workshop):
    officer = login_as(Role.OFFICER)
    response = _bulk(client, workshop, people="all", kind="visit", title="",
                     assignee_id=officer.id)
    page = _text(response)
    assert response.status_code == 200 and "This field is required." in page
    assert '<option selected value="visit">' in page
    assert re.search(r'<input checked[^>]*value="all"', page)
    response = _bulk(client, workshop, assignee_id=make_user(Role.MANAGER).id)
    assert response.status_code == 200 and "Not a valid choice" in _text(response)
    assert _count(db, FollowUp) == 0


def test_a_session_without_speakers_has_nobody_to_follow_up(client, login_as, db):
    officer = login_as(Role.OFFICER)
    plenary = make_forum().sessions[0]
    make_participation(plenary, make_person())
    response = _bulk(client, plenary, assignee_id=officer.id)
    assert response.status_code == 302
    assert "Nobody to follow up" in _text(client.get(_session_path(plenary)))
    assert _count(db, FollowUp) == 0


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR])
def test_who_may_not_plan_follow_ups_cannot_follow_up_a_session(client, login_as, db, workshop,
                                                                role):
    officer = make_user(Role.OFFICER)
    login_as(role)
    assert _bulk(client, workshop, assignee_id=officer.id).status_code == 404
    assert _count(db, FollowUp) == 0


# --- languages and markup --------------------------------------------------------------------


def test_the_forum_pages_are_right_to_left_in_arabic_without_inline_code(client, login_as,
                                                                         workshop):
    login_as(Role.OFFICER, language="ar")
    for path in ("/forums", f"/forums/{workshop.forum_id}", _session_path(workshop),
                 "/forums/new", f"{_session_path(workshop)}?person_q=x"):
        page = _text(client.get(path))
        assert '<html lang="ar" dir="rtl">' in page, path
        assert "<script>" not in page and " style=" not in page and "onclick" not in page, path


# --- no query per row ------------------------------------------------------------------------


def _add_people(forum: Forum, count: int, officer) -> None:
    roles = ["speaker", "moderator", "participant", "participant", "organizer"]
    plenary, *workshops = forum.sessions
    for n in range(count):
        person = make_person()
        make_participation(plenary, person)
        make_participation(workshops[n % len(workshops)], person, roles[n % len(roles)],
                           attended=bool(n % 2))
        if n % 3 == 0:
            make_followup(officer, person=person)
        if n % 4 == 0:
            organization = make_organization()
            make_membership(organization, person)
            make_project(organization=organization)


def test_the_forum_pages_issue_a_constant_number_of_queries(client, login_as, db):
    officer = login_as(Role.OFFICER)
    forum = make_forum(sessions=("Atelier A", "Atelier B", "Atelier C"))
    make_forum()
    pages = ["/forums", f"/forums/{forum.id}", _session_path(forum.sessions[0]),
             _session_path(forum.sessions[1])]
    _add_people(forum, 10, officer)
    small = {path: queries_on_page(client, db, path) for path in pages}
    _add_people(forum, 50, officer)
    large = {path: queries_on_page(client, db, path) for path in pages}
    assert large == small, (small, large)
