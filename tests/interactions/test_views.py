"""Logging interactions from a record's page."""

from datetime import date, timedelta

from crm.auth.models import Role
from crm.interactions.models import Interaction, InteractionKind
from tests.factories import make_person, make_project


def _count(db):
    return db.session.scalar(db.select(db.func.count()).select_from(Interaction))


def test_an_officer_logs_a_call_on_a_person(client, login_as, db):
    officer = login_as(Role.OFFICER)
    person = make_person()
    response = client.post("/interactions/new", data={
        "person_id": person.id, "kind": "call", "occurred_on": date.today().isoformat(),
        "summary": "Appel de suivi après le forum", "notes": "Intéressée par l'incubation"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{person.id}"
    interaction = db.session.scalar(db.select(Interaction))
    assert (interaction.kind, interaction.person_id, interaction.author_id) == (
        InteractionKind.CALL, person.id, officer.id)


def test_the_form_page_names_the_record(client, login_as):
    login_as(Role.OFFICER)
    project = make_project(name="Argan digital")
    page = client.get(f"/interactions/new?project_id={project.id}").get_data(as_text=True)
    assert "Argan digital" in page and 'name="summary"' in page


def test_a_future_date_or_an_empty_summary_is_refused_and_kept(client, login_as, db):
    login_as(Role.OFFICER)
    person = make_person()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post("/interactions/new", data={
        "person_id": person.id, "kind": "meeting", "occurred_on": tomorrow,
        "summary": "Réunion prévue"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "cannot be in the future" in page and 'value="Réunion prévue"' in page
    response = client.post("/interactions/new", data={
        "person_id": person.id, "kind": "meeting", "occurred_on": date.today().isoformat(),
        "summary": ""})
    assert "This field is required." in response.get_data(as_text=True)
    assert _count(db) == 0


def test_an_unknown_target_is_404(client, login_as):
    login_as(Role.OFFICER)
    assert client.get("/interactions/new?person_id=999").status_code == 404
    assert client.get("/interactions/new").status_code == 404


def test_managers_and_innovators_cannot_log_interactions(client, login_as, db):
    person = make_person()
    for role in (Role.MANAGER, Role.INNOVATOR):
        login_as(role)
        response = client.post("/interactions/new", data={
            "person_id": person.id, "kind": "call", "occurred_on": date.today().isoformat(),
            "summary": "x"})
        assert response.status_code == 404
        client.post("/logout")
    assert _count(db) == 0
