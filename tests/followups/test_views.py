"""The follow-up screens: my follow-ups, planning, closing, cancelling, rescheduling, the panel
on record pages, the officer's home and the private calendar feed."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from crm.auth.models import Role, User
from crm.followups.models import FollowUp, FollowUpKind, FollowUpStatus
from crm.interactions.models import Interaction, InteractionKind
from crm.people import services as people_services
from tests.factories import (
    make_followup,
    make_organization,
    make_person,
    make_project,
    make_user,
    sign_in,
)
from tests.queries import queries_on_page

TODAY = date.today()


def _text(response) -> str:
    return response.get_data(as_text=True)


def _reload(db, followup_id: int) -> FollowUp:
    db.session.expire_all()
    return db.session.get(FollowUp, followup_id)


def _count(db, model=FollowUp) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _client_of(app, user):
    other = app.test_client()
    assert sign_in(other, user).status_code == 302  # with the code, for an admin
    return other


def _section(page: str, heading: str) -> str:
    """The part of the page from a section heading to the next one."""
    start = page.index(f">{heading} <")
    end = page.find("<h2", start)
    return page[start:end if end > 0 else None]


# --- my follow-ups ---------------------------------------------------------------------------


def test_my_followups_are_split_into_overdue_this_week_and_later(client, login_as):
    officer = login_as(Role.OFFICER)
    person = make_person(first_name="Salma", last_name="Alaoui")
    project = make_project(name="Argan digital")
    organization = make_organization(name="Association Amal")
    make_followup(officer, due_on=TODAY - timedelta(days=3), title="Rappeler Salma",
                  person=person)
    make_followup(officer, due_on=TODAY + timedelta(days=2), title="Visite terrain",
                  kind="visit", project=project)
    make_followup(officer, due_on=TODAY + timedelta(days=20), title="Envoyer le dossier",
                  kind="send-documents", organization=organization)
    make_followup(make_user(Role.OFFICER), due_on=TODAY, title="Pas à moi")
    done = make_followup(officer, due_on=TODAY, title="Déjà fait")
    from crm.followups import services

    services.complete_followup(officer, done, "ok")

    page = _text(client.get("/followups"))
    overdue, week, later = (_section(page, h) for h in ("Overdue", "Due this week", "Later"))
    assert "Rappeler Salma" in overdue and f'href="/people/{person.id}"' in overdue
    assert "Visite terrain" in week and f'href="/projects/{project.id}"' in week
    assert "Visit" in week
    assert "Envoyer le dossier" in later and "Send documents" in later
    assert f'href="/organizations/{organization.id}"' in later
    due = TODAY + timedelta(days=20)
    assert f'<time datetime="{due.isoformat()}">{due.strftime("%b")} {due.day}, {due.year}' in later
    assert "Pas à moi" not in page and "Déjà fait" not in page


def test_my_followups_has_an_empty_state(client, login_as):
    login_as(Role.OFFICER)
    assert "No open follow-up." in _text(client.get("/followups"))


def test_managers_and_admins_may_look_at_another_officers_followups(client, login_as, app):
    officer = make_user(Role.OFFICER, full_name="Youssef Tazi")
    make_followup(officer, due_on=TODAY, title="Appeler la coopérative")
    login_as(Role.MANAGER)
    page = _text(client.get(f"/followups?assignee={officer.id}"))
    assert "Follow-ups of Youssef Tazi" in page and "Appeler la coopérative" in page
    assert "Done…" not in page  # a manager looks but does not close
    assert client.get("/followups?assignee=9999").status_code == 404
    admin_page = _text(_client_of(app, make_user(Role.ADMIN)).get(
        f"/followups?assignee={officer.id}"))
    assert "Appeler la coopérative" in admin_page and "Done…" in admin_page


def test_an_officer_cannot_look_at_another_officers_followups(client, login_as):
    login_as(Role.OFFICER)
    other = make_user(Role.OFFICER)
    make_followup(other, title="Secret")
    response = client.get(f"/followups?assignee={other.id}")
    assert response.status_code == 404 and "Secret" not in _text(response)


def test_innovators_see_no_followup_screen(client, login_as, db):
    officer = make_user(Role.OFFICER)
    followup = make_followup(officer)
    person = followup.person
    login_as(Role.INNOVATOR)
    for path in ("/followups", f"/followups/new?person_id={person.id}",
                 f"/followups/{followup.id}/complete", f"/followups/{followup.id}/reschedule"):
        assert client.get(path).status_code == 404, path
    for path, data in ((f"/followups/{followup.id}/complete", {"outcome": "x"}),
                       (f"/followups/{followup.id}/cancel", {}),
                       (f"/followups/{followup.id}/reschedule",
                        {"due_on": TODAY.isoformat(), "assignee_id": officer.id}),
                       ("/followups/new", {"person_id": person.id, "kind": "call",
                                           "title": "x", "due_on": TODAY.isoformat(),
                                           "assignee_id": officer.id}),
                       ("/followups/calendar/token", {})):
        assert client.post(path, data=data).status_code == 404, path
    saved = _reload(db, followup.id)
    assert saved.status == FollowUpStatus.OPEN and _count(db) == 1
    assert db.session.scalar(sa.select(User.calendar_token).where(
        User.role == Role.INNOVATOR)) is None


# --- planning one ----------------------------------------------------------------------------


def test_the_form_proposes_a_week_from_now_and_the_current_user(client, login_as):
    officer = login_as(Role.OFFICER, full_name="Salma Alaoui")
    make_user(Role.MANAGER, full_name="Karim Bennani")
    person = make_person(first_name="Nadia", last_name="Amrani")
    page = _text(client.get(f"/followups/new?person_id={person.id}"))
    assert "Nadia Amrani" in page
    assert f'value="{(TODAY + timedelta(days=7)).isoformat()}"' in page
    assert re.search(rf'<option selected value="{officer.id}">Salma Alaoui</option>', page)
    assert "Karim Bennani" not in page  # managers cannot close follow-ups: not proposed


@pytest.mark.parametrize("key, make, page", [
    ("person_id", make_person, "/people/{}"),
    ("organization_id", make_organization, "/organizations/{}"),
    ("project_id", make_project, "/projects/{}"),
])
def test_an_officer_plans_a_followup_for_a_record(client, login_as, db, key, make, page):
    officer = login_as(Role.OFFICER)
    colleague = make_user(Role.OFFICER)
    record = make()
    response = client.post("/followups/new", data={
        key: record.id, "kind": "meeting", "title": "Rencontre après le forum",
        "due_on": (TODAY + timedelta(days=4)).isoformat(), "assignee_id": colleague.id})
    assert response.status_code == 302 and response.headers["Location"] == page.format(record.id)
    followup = db.session.scalar(db.select(FollowUp))
    assert getattr(followup, key) == record.id
    assert (followup.kind, followup.title, followup.due_on, followup.assignee_id,
            followup.created_by_id, followup.status) == (
        FollowUpKind.MEETING, "Rencontre après le forum", TODAY + timedelta(days=4),
        colleague.id, officer.id, FollowUpStatus.OPEN)
    assert "Rencontre après le forum" in _text(client.get(page.format(record.id)))


def test_invalid_input_is_refused_and_kept(client, login_as, db):
    officer = login_as(Role.OFFICER)
    person = make_person()
    response = client.post("/followups/new", data={
        "person_id": person.id, "kind": "visit", "title": "", "due_on": "pas une date",
        "assignee_id": officer.id})
    page = _text(response)
    assert response.status_code == 200
    assert "This field is required." in page and "Give a valid date." in page
    assert '<option selected value="visit">' in page and 'value="pas une date"' in page
    response = client.post("/followups/new", data={
        "person_id": person.id, "kind": "call", "title": "Appeler",
        "due_on": TODAY.isoformat(), "assignee_id": make_user(Role.MANAGER).id})
    assert response.status_code == 200 and 'value="Appeler"' in _text(response)
    assert _count(db) == 0


def test_an_unknown_or_archived_target_is_404(client, login_as, db):
    login_as(Role.OFFICER)
    person = make_person()
    people_services.archive_person(None, person)
    assert client.get("/followups/new?person_id=999").status_code == 404
    assert client.get("/followups/new").status_code == 404
    assert client.get(f"/followups/new?person_id={person.id}").status_code == 404


def test_managers_cannot_plan_followups(client, login_as, db):
    officer = make_user(Role.OFFICER)
    person = make_person()
    login_as(Role.MANAGER)
    assert client.get(f"/followups/new?person_id={person.id}").status_code == 404
    response = client.post("/followups/new", data={
        "person_id": person.id, "kind": "call", "title": "x", "due_on": TODAY.isoformat(),
        "assignee_id": officer.id})
    assert response.status_code == 404 and _count(db) == 0


# --- closing, cancelling, rescheduling -------------------------------------------------------


def test_closing_a_followup_records_the_interaction(client, login_as, db):
    officer = login_as(Role.OFFICER)
    person = make_person()
    followup = make_followup(officer, title="Appeler après le forum", person=person)
    page = _text(client.get(f"/followups/{followup.id}/complete?next=/people/{person.id}"))
    assert "Appeler après le forum" in page and 'name="outcome"' in page
    response = client.post(f"/followups/{followup.id}/complete", data={
        "outcome": "Intéressée par l'incubation", "version": followup.version,
        "next": f"/people/{person.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}"
    saved = _reload(db, followup.id)
    assert saved.status == FollowUpStatus.DONE and saved.outcome == "Intéressée par l'incubation"
    interaction = db.session.get(Interaction, saved.interaction_id)
    assert (interaction.kind, interaction.person_id, interaction.notes, interaction.author_id) == (
        InteractionKind.CALL, person.id, "Intéressée par l'incubation", officer.id)
    person_page = _text(client.get(f"/people/{person.id}"))
    assert "Intéressée par l&#39;incubation" in person_page and "Done" in person_page
    # closed: the form is not offered again
    assert client.get(f"/followups/{followup.id}/complete").status_code == 302


def test_closing_needs_an_outcome(client, login_as, db):
    officer = login_as(Role.OFFICER)
    followup = make_followup(officer)
    response = client.post(f"/followups/{followup.id}/complete",
                           data={"outcome": "  ", "version": followup.version})
    assert response.status_code == 200 and "Say what came of it." in _text(response)
    assert _reload(db, followup.id).status == FollowUpStatus.OPEN
    assert _count(db, Interaction) == 0


def test_closing_a_followup_changed_meanwhile_is_a_conflict(client, login_as, db):
    officer = login_as(Role.OFFICER)
    followup = make_followup(officer)
    version = followup.version
    from crm.followups import services

    services.reschedule_followup(officer, followup, TODAY + timedelta(days=1), officer)
    response = client.post(f"/followups/{followup.id}/complete",
                           data={"outcome": "Appel passé", "version": version})
    page = _text(response)
    assert response.status_code == 200 and 'id="conflict"' in page
    assert "Appel passé" in page
    assert f'name="version" type="hidden" value="{version + 1}"' in page
    assert _reload(db, followup.id).status == FollowUpStatus.OPEN
    assert _count(db, Interaction) == 0


def test_an_officer_cannot_close_or_change_someone_elses_followup(client, login_as, db):
    login_as(Role.OFFICER)
    theirs = make_followup(make_user(Role.OFFICER), due_on=TODAY)
    assert client.get(f"/followups/{theirs.id}/complete").status_code == 404
    assert client.post(f"/followups/{theirs.id}/complete",
                       data={"outcome": "x"}).status_code == 404
    assert client.post(f"/followups/{theirs.id}/cancel").status_code == 404
    assert client.post(f"/followups/{theirs.id}/reschedule", data={
        "due_on": "2030-01-01", "assignee_id": theirs.assignee_id}).status_code == 404
    saved = _reload(db, theirs.id)
    assert saved.status == FollowUpStatus.OPEN and saved.due_on == TODAY
    assert client.get("/followups/999/complete").status_code == 404


def test_managers_cannot_close_followups(client, login_as, db):
    officer = make_user(Role.OFFICER)
    followup = make_followup(officer, due_on=TODAY)
    login_as(Role.MANAGER)
    assert client.post(f"/followups/{followup.id}/complete",
                       data={"outcome": "x"}).status_code == 404
    assert client.post(f"/followups/{followup.id}/cancel").status_code == 404
    assert client.post(f"/followups/{followup.id}/reschedule", data={
        "due_on": "2030-01-01", "assignee_id": officer.id}).status_code == 404
    assert _reload(db, followup.id).status == FollowUpStatus.OPEN
    assert _count(db, Interaction) == 0


def test_an_admin_closes_anyones_followup(client, login_as, db):
    login_as(Role.ADMIN)
    followup = make_followup(make_user(Role.OFFICER))
    response = client.post(f"/followups/{followup.id}/complete",
                           data={"outcome": "Fait par l'admin"})
    assert response.status_code == 302
    assert _reload(db, followup.id).status == FollowUpStatus.DONE


def test_cancelling_a_followup(client, login_as, db):
    officer = login_as(Role.OFFICER)
    person = make_person()
    followup = make_followup(officer, person=person)
    response = client.post(f"/followups/{followup.id}/cancel",
                           data={"next": f"/people/{person.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}"
    assert _reload(db, followup.id).status == FollowUpStatus.CANCELLED
    assert _count(db, Interaction) == 0
    response = client.post(f"/followups/{followup.id}/cancel", data={"next": "https://evil"})
    assert response.headers["Location"] == "/followups"


def test_rescheduling_changes_the_date_and_the_assignee(client, login_as, db):
    officer = login_as(Role.OFFICER)
    colleague = make_user(Role.OFFICER, full_name="Youssef Tazi")
    followup = make_followup(officer, due_on=TODAY)
    page = _text(client.get(f"/followups/{followup.id}/reschedule"))
    assert f'value="{TODAY.isoformat()}"' in page and "Youssef Tazi" in page
    later = TODAY + timedelta(days=10)
    response = client.post(f"/followups/{followup.id}/reschedule", data={
        "due_on": later.isoformat(), "assignee_id": colleague.id, "version": followup.version})
    assert response.status_code == 302
    saved = _reload(db, followup.id)
    assert (saved.due_on, saved.assignee_id) == (later, colleague.id)


def test_rescheduling_a_followup_changed_meanwhile_is_a_conflict(client, login_as, db):
    officer = login_as(Role.OFFICER)
    followup = make_followup(officer, due_on=TODAY)
    version = followup.version
    from crm.followups import services

    services.reschedule_followup(officer, followup, TODAY + timedelta(days=1), officer)
    response = client.post(f"/followups/{followup.id}/reschedule", data={
        "due_on": (TODAY + timedelta(days=5)).isoformat(), "assignee_id": officer.id,
        "version": version})
    page = _text(response)
    assert response.status_code == 200 and 'id="conflict"' in page and "Due date" in page
    assert _reload(db, followup.id).due_on == TODAY + timedelta(days=1)


# --- record pages and home -------------------------------------------------------------------


def test_record_pages_show_their_followups_open_first(client, login_as):
    officer = login_as(Role.OFFICER)
    person = make_person()
    from crm.followups import services

    closed = make_followup(officer, due_on=TODAY - timedelta(days=5), title="Premier appel",
                           person=person)
    services.complete_followup(officer, closed, "Rappeler en mars")
    make_followup(officer, due_on=TODAY - timedelta(days=1), title="Envoyer la brochure",
                  person=person)
    page = _text(client.get(f"/people/{person.id}"))
    panel = page[page.index('id="followups-title"'):]
    assert panel.index("Envoyer la brochure") < panel.index("Premier appel")
    assert "Overdue" in panel and "Rappeler en mars" in panel
    assert f'href="/followups/new?person_id={person.id}"' in panel
    assert f"/people/{person.id}" in panel  # the actions come back to the page


def test_the_panel_offers_no_action_to_managers(client, login_as):
    project = make_project()
    make_followup(make_user(Role.OFFICER), title="Visite", project=project)
    login_as(Role.MANAGER)
    page = _text(client.get(f"/projects/{project.id}"))
    assert "Visite" in page and "New follow-up" not in page and "Done…" not in page


def test_the_officer_home_shows_overdue_and_this_week_first(client, login_as):
    officer = login_as(Role.OFFICER)
    make_followup(officer, due_on=TODAY - timedelta(days=2), title="En retard")
    make_followup(officer, due_on=TODAY + timedelta(days=6), title="Cette semaine")
    make_followup(officer, due_on=TODAY + timedelta(days=30), title="Plus tard")
    page = _text(client.get("/"))
    assert "En retard" in page and "Cette semaine" in page and "Plus tard" not in page
    assert page.index("En retard") < page.index('id="portfolio-title"')
    assert 'href="/followups"' in page


# --- calendar feed ---------------------------------------------------------------------------


def _feed_path(page: str) -> str:
    match = re.search(r'value="http://crm\.example\.org(/calendar/[A-Za-z0-9_-]{43}\.ics)"',
                      page)
    assert match, "the feed address is shown on My follow-ups"
    return match.group(1)


@pytest.fixture
def app(app):
    app.config["CRM_BASE_URL"] = "http://crm.example.org"
    return app


def test_the_calendar_feed_lists_my_open_followups(app, client, login_as, db):
    officer = login_as(Role.OFFICER, language="en")
    person = make_person(first_name="Salma", last_name="Alaoui")
    mine = make_followup(officer, due_on=date(2030, 5, 6), title="Appeler", person=person)
    project = make_project(name="Argan digital")
    visit = make_followup(officer, due_on=date(2030, 5, 9), title="Visite", kind="visit",
                          project=project)
    from crm.followups import services

    services.cancel_followup(officer, make_followup(officer, title="Annulé"))
    make_followup(make_user(Role.OFFICER), title="Pas à moi")

    page = _text(client.get("/followups"))
    assert "Create my calendar address" in page and ".ics" not in page
    response = client.post("/followups/calendar/token")
    assert response.status_code == 302
    page = _text(client.get("/followups"))
    path = _feed_path(page)
    assert "breaks the old link" in page

    feed = app.test_client().get(path)  # a calendar application: no session
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "Set-Cookie" not in feed.headers
    events = {str(e["uid"]): e for e in Calendar.from_ical(feed.data).walk("VEVENT")}
    assert set(events) == {f"followup-{mine.id}@crm.example.org",
                           f"followup-{visit.id}@crm.example.org"}
    call = events[f"followup-{mine.id}@crm.example.org"]
    assert call.decoded("dtstart") == date(2030, 5, 6)
    assert call.decoded("dtend") == date(2030, 5, 7)
    assert str(call["summary"]) == "Appeler — Salma Alaoui"
    assert str(call["url"]) == f"http://crm.example.org/people/{person.id}"
    assert "DTSTART;VALUE=DATE:20300506" in feed.get_data(as_text=True)
    assert str(events[f"followup-{visit.id}@crm.example.org"]["url"]) == (
        f"http://crm.example.org/projects/{project.id}")


def test_a_regenerated_token_breaks_the_old_link(app, client, login_as, db):
    officer = login_as(Role.OFFICER)
    make_followup(officer)
    client.post("/followups/calendar/token")
    old = _feed_path(_text(client.get("/followups")))
    client.post("/followups/calendar/token")
    new = _feed_path(_text(client.get("/followups")))
    feed_client = app.test_client()
    assert old != new
    assert feed_client.get(old).status_code == 404
    assert feed_client.get(new).status_code == 200
    assert feed_client.get("/calendar/unknown.ics").status_code == 404
    assert feed_client.get("/calendar/.ics").status_code == 404


def test_a_deactivated_users_feed_is_gone(app, client, login_as, db):
    officer = login_as(Role.OFFICER)
    client.post("/followups/calendar/token")
    path = _feed_path(_text(client.get("/followups")))
    officer = db.session.get(User, officer.id)
    officer.active = False
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_managers_have_a_calendar_feed_too(client, login_as, db):
    manager = login_as(Role.MANAGER)
    assert client.post("/followups/calendar/token").status_code == 302
    assert db.session.get(User, manager.id).calendar_token


# --- no query per row ------------------------------------------------------------------------


def _add_followups(officer, count: int, person) -> None:
    targets = [{"person": make_person()}, {"project": make_project()},
               {"organization": make_organization()}]
    for n in range(count):
        make_followup(officer, due_on=TODAY + timedelta(days=n % 20 - 5), title=f"Suivi {n}",
                      **targets[n % 3])
        make_followup(officer, due_on=TODAY + timedelta(days=n % 9), title=f"Sur la personne {n}",
                      person=person)


def test_my_followups_home_and_record_pages_issue_a_constant_number_of_queries(
        client, login_as, db):
    officer = login_as(Role.OFFICER)
    person = make_person()
    pages = ["/followups", "/", f"/people/{person.id}", "/calendar/{token}.ics"]
    from crm.auth import services as auth_services

    token = auth_services.regenerate_calendar_token(db.session.get(User, officer.id))
    pages = [p.format(token=token) for p in pages]
    _add_followups(officer, 10, person)
    small = {path: queries_on_page(client, db, path) for path in pages}
    _add_followups(officer, 50, person)
    large = {path: queries_on_page(client, db, path) for path in pages}
    assert large == small, (small, large)
