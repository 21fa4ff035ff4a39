"""The innovator's portal: what they see, what they may change, and nothing of anyone else."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.impact.models import Measurement, MeasurementSource
from crm.organizations.models import Organization
from crm.people.models import Person
from crm.projects.models import Project
from tests.factories import make_user


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_home_shows_own_organization_project_and_shared_things_only(world, log_in):
    page = _text(log_in(world.a.user).get("/"))
    assert "Coopérative Atlas" in page and "Projet Atlas" in page
    assert "Incubated" in page  # the stage
    assert "Visit" in page  # next shared follow-up's kind
    assert "Rif" not in page  # nothing of the other organization
    project_page = _text(log_in(world.a.user).get(f"/portal/projects/{world.a.project.id}"))
    assert "Note partagée Atlas" in project_page and "Visite Atlas" in project_page
    assert "Note interne Atlas" not in project_page  # internal notes never reach the portal
    assert "Appel interne Atlas" not in project_page  # unshared follow-ups neither
    assert "Grant" in project_page  # the funding status


def test_an_innovator_edits_their_organizations_public_details(world, log_in, db):
    client = log_in(world.a.user)
    org = world.a.organization
    form = _text(client.get(f"/portal/organizations/{org.id}/edit"))
    assert 'name="legal_identifier"' not in form and 'name="kind"' not in form
    response = client.post(f"/portal/organizations/{org.id}/edit", data={
        "name": "Coopérative Atlas", "name_arabic": "تعاونية الأطلس", "address": "Douar Tizi",
        "city": "Taroudant", "website": "atlas.ma", "description": "Argan",
        "version": str(org.version),
        # mass assignment: fields the portal does not offer, added by hand
        "legal_identifier": "HACKED", "kind": "company", "notes": "x", "region": "oriental",
        "archived_at": "2020-01-01", "merged_into_id": str(world.b.organization.id)})
    assert response.status_code == 302
    saved = db.session.get(Organization, org.id)
    db.session.refresh(saved)
    assert saved.name_arabic == "تعاونية الأطلس" and saved.city == "Taroudant"
    assert saved.website == "https://atlas.ma"
    assert (saved.legal_identifier, saved.kind.value) == ("RC-1", "association")
    assert saved.region is None and saved.archived_at is None and saved.merged_into_id is None
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "organization", AuditEntry.entity_id == org.id)
        .order_by(AuditEntry.id.desc())).first()
    assert entry.actor_id == world.a.user.id and "name_arabic" in entry.changes


def test_an_innovator_cannot_change_stage_officer_or_cohort(world, log_in, db):
    client = log_in(world.a.user)
    project = world.a.project
    other_officer = make_user(Role.OFFICER)
    response = client.post(f"/portal/projects/{project.id}/edit", data={
        "name": "Projet Atlas 2", "name_arabic": "", "description": "Nouveau",
        "version": str(project.version), "stage_id": "1", "officer_id": str(other_officer.id),
        "cohort": "2030", "organization_id": str(world.b.organization.id)})
    assert response.status_code == 302
    saved = db.session.get(Project, project.id)
    db.session.refresh(saved)
    assert saved.name == "Projet Atlas 2" and saved.description == "Nouveau"
    assert saved.stage.code == "incubated" and saved.officer_id == world.officer.id
    assert saved.cohort == "2024" and saved.organization_id == world.a.organization.id


def test_the_profile_keeps_the_email_and_rejects_a_bad_phone(world, log_in, db):
    client = log_in(world.a.user)
    person = world.a.person
    data = {"first_name": "Amina", "last_name": "Atlas", "name_arabic": "أمينة",
            "phone": "12", "gender": "woman", "city": "Agadir", "region": "",
            "version": str(person.version), "email": "hijack@example.org", "notes": "x"}
    response = client.post("/portal/profile", data=data)
    assert response.status_code == 200
    assert "This phone number is not valid." in _text(response)
    assert 'value="أمينة"' in _text(response)  # what was typed is kept
    response = client.post("/portal/profile", data=data | {"phone": "0661 23 45 67"})
    assert response.status_code == 302
    saved = db.session.get(Person, person.id)
    db.session.refresh(saved)
    assert (saved.first_name, saved.phone, saved.email) == ("Amina", "+212661234567",
                                                            "innov1@example.org")
    assert saved.notes == ""


def test_an_innovator_reports_a_figure_that_the_officer_then_verifies(world, log_in, db):
    client = log_in(world.a.user)
    project = world.a.project
    jobs = db.session.scalar(db.select(Measurement).where(
        Measurement.project_id == project.id)).indicator
    url = f"/portal/projects/{project.id}/figures/new"
    bad = client.post(url, data={"indicator_id": str(jobs.id), "period_start": "2024-07-01",
                                 "period_end": "2024-12-31", "value": "-2"})
    assert bad.status_code == 200 and "A figure cannot be negative." in _text(bad)
    assert client.post(url, data={"indicator_id": str(jobs.id), "period_start": "2024-07-01",
                                  "period_end": "2024-12-31", "value": "7",
                                  "source": "verified"}).status_code == 302
    figure = db.session.scalar(db.select(Measurement).where(
        Measurement.project_id == project.id, Measurement.period_start == date(2024, 7, 1)))
    assert figure.value == Decimal("7") and figure.source == MeasurementSource.SELF_REPORTED
    assert figure.reported_by_id == world.a.user.id
    officer = log_in(world.officer)
    assert officer.post(f"/impact/measurements/{figure.id}/verify",
                        data={"version": str(figure.version)}).status_code == 302
    db.session.refresh(figure)
    assert figure.source == MeasurementSource.VERIFIED


def test_the_officer_home_lists_portal_changes_in_their_portfolio(world, log_in):
    client = log_in(world.a.user)
    org = world.a.organization
    client.post(f"/portal/organizations/{org.id}/edit", data={
        "name": org.name, "name_arabic": "تعاونية", "address": "", "city": "", "website": "",
        "description": "", "version": str(org.version)})
    page = _text(log_in(world.officer).get("/"))
    assert "Changed by innovators in their portal" in page
    assert "Innov1 Atlas" in page and "Name in Arabic" in page
    other_officer_page = _text(log_in(make_user(Role.OFFICER)).get("/"))
    assert "Innov1 Atlas" not in other_officer_page


@pytest.mark.parametrize("path", [
    "/portal/organizations/{b_org}/edit", "/portal/projects/{b_project}",
    "/portal/projects/{b_project}/edit", "/portal/projects/{b_project}/figures/new"])
def test_nothing_of_another_organization_is_reachable(world, log_in, path, db):
    url = path.format(b_org=world.b.organization.id, b_project=world.b.project.id)
    client = log_in(world.a.user)
    assert client.get(url).status_code == 404
    if not url.endswith(str(world.b.project.id)):  # the project page only answers GET
        assert client.post(url, data={"name": "x", "version": "1"}).status_code == 404
    assert db.session.get(Organization, world.b.organization.id).name == "Coopérative Rif"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.OFFICER])
def test_staff_have_no_portal(world, log_in, role):
    client = log_in(make_user(role))
    assert client.get("/portal/profile").status_code == 404
    assert client.get(f"/portal/projects/{world.a.project.id}").status_code == 404


def test_an_innovator_without_a_record_is_told_to_ask_for_an_invitation(log_in, db):
    user = make_user(Role.INNOVATOR)
    page = _text(log_in(user).get("/"))
    assert "Ask your program officer to send you an invitation." in page
    assert log_in(user).get("/portal/profile").status_code == 404


def test_an_archived_project_leaves_the_portal(world, log_in, db):
    world.a.project.archived_at = date(2024, 1, 1)
    db.session.commit()
    client = log_in(world.a.user)
    assert "Projet Atlas" not in _text(client.get("/"))
    assert client.get(f"/portal/projects/{world.a.project.id}").status_code == 404


def test_an_innovator_cannot_report_a_period_that_has_not_ended(world, log_in, db):
    client = log_in(world.a.user)
    project = world.a.project
    jobs = db.session.scalar(db.select(Measurement).where(
        Measurement.project_id == project.id)).indicator
    before = db.session.scalar(db.select(db.func.count(Measurement.id)))
    today = date.today()
    response = client.post(f"/portal/projects/{project.id}/figures/new", data={
        "indicator_id": str(jobs.id), "period_start": today.replace(day=1).isoformat(),
        "period_end": (today + timedelta(days=40)).isoformat(), "value": "3"})
    assert response.status_code == 200
    assert "This period has not ended yet" in _text(response)
    assert re.search(r'id="period_end-errors"[^>]*>\s*<div>This period has not ended yet',
                     _text(response))  # next to the field it is about
    assert db.session.scalar(db.select(db.func.count(Measurement.id))) == before


def test_extra_fields_sent_by_an_innovator_are_logged_as_a_security_event(world, log_in, db,
                                                                          caplog):
    client = log_in(world.a.user)
    project = world.a.project
    jobs = db.session.scalar(db.select(Measurement).where(
        Measurement.project_id == project.id)).indicator
    with caplog.at_level("WARNING", logger="crm.security"):
        client.post(f"/portal/projects/{project.id}/edit", data={
            "name": "Projet Atlas 2", "name_arabic": "", "description": "",
            "version": str(project.version), "stage_id": "1", "officer_id": "7"})
        client.post(f"/portal/projects/{project.id}/figures/new", data={
            "indicator_id": str(jobs.id), "period_start": "2024-07-01",
            "period_end": "2024-12-31", "value": "7", "source": "verified",
            "amount_committed": "900000"})
    events = [r.getMessage() for r in caplog.records if r.name == "crm.security"]
    assert len(events) == 2
    assert f"user {world.a.user.id}" in events[0] and "officer_id, stage_id" in events[0]
    assert "amount_committed, source" in events[1] and "900000" not in events[1]
    figure = db.session.scalar(db.select(Measurement).where(
        Measurement.project_id == project.id, Measurement.period_start == date(2024, 7, 1)))
    assert figure.source == MeasurementSource.SELF_REPORTED


def _portal_posts(world, db):
    """(url, the form a page offers, the fields it never offers) for every portal POST."""
    from tests.privacy.helpers import make_consent

    a, project = world.a, world.a.project
    jobs = db.session.scalar(db.select(Measurement).where(
        Measurement.project_id == project.id)).indicator
    consent = make_consent(a.person)
    return [
        ("/portal/profile", {"first_name": "Innov1", "last_name": "Atlas", "phone": "",
                             "version": str(a.person.version)},
         {"role": "admin", "person_id": str(world.b.person.id), "email": "x@evil.example",
          "notes": "pwned"}),
        (f"/portal/organizations/{a.organization.id}/edit",
         {"name": "Coopérative Atlas", "version": str(a.organization.version)},
         {"organization_id": str(world.b.organization.id), "legal_identifier": "RC-9",
          "kind": "company"}),
        (f"/portal/projects/{project.id}/edit",
         {"name": "Projet Atlas", "version": str(project.version)},
         {"stage_id": "1", "officer_id": str(world.b.user.id), "amount_committed": "900000",
          "organization_id": str(world.b.organization.id)}),
        (f"/portal/projects/{project.id}/figures/new",
         {"indicator_id": str(jobs.id), "period_start": "2023-01-01",
          "period_end": "2023-06-30", "value": "2"},
         {"source": "verified", "verified_by_id": str(world.officer.id),
          "project_id": str(world.b.project.id)}),
        (f"/portal/consents/{consent.id}/withdraw", {},
         {"person_id": str(world.b.person.id), "purpose": "media"}),
    ]


def _state(world, db) -> dict:
    """What an innovator must not be able to change through extra fields."""
    db.session.expire_all()
    a = world.a
    return {"role": db.session.get(type(a.user), a.user.id).role,
            "person_of_user": a.user.person_id, "email": a.person.email,
            "notes": a.person.notes, "legal": a.organization.legal_identifier,
            "kind": a.organization.kind, "stage": a.project.stage_id,
            "officer": a.project.officer_id, "organization": a.project.organization_id,
            "other": [p.version for p in (world.b.person, world.b.project)] + [
                world.b.organization.version],
            "verified": db.session.scalar(db.select(db.func.count(Measurement.id)).where(
                Measurement.source == MeasurementSource.VERIFIED))}


def test_every_portal_post_ignores_and_logs_fields_its_page_never_offered(world, log_in, db,
                                                                         caplog):
    client = log_in(world.a.user)
    posts = _portal_posts(world, db)
    before = _state(world, db)
    for url, offered, extra in posts:
        caplog.clear()
        with caplog.at_level("WARNING", logger="crm.security"):
            response = client.post(url, data=offered | extra)
        assert response.status_code == 302, url  # saved: only the extra fields were dropped
        [event] = [r.getMessage() for r in caplog.records if r.name == "crm.security"]
        assert f"user {world.a.user.id} on " in event and url.split("/")[2][:6] in event
        # the names, exactly, never the values
        assert event.rsplit(": ", 1)[1] == ", ".join(sorted(extra)), (url, event)
    assert _state(world, db) == before


def test_the_portal_tells_the_innovators_figures_from_the_foundations(world, log_in, db):
    client = log_in(world.a.user)
    project = world.a.project
    jobs = db.session.scalar(db.select(Measurement).where(
        Measurement.project_id == project.id)).indicator
    client.post(f"/portal/projects/{project.id}/figures/new", data={
        "indicator_id": str(jobs.id), "period_start": "2024-07-01",
        "period_end": "2024-12-31", "value": "4"})
    rows = re.findall(r"<tr>.*?</tr>", _text(client.get(f"/portal/projects/{project.id}")),
                      re.S)
    sources = [("Self-reported" in row, "Entered by the foundation" in row) for row in rows
               if "Jobs created" in row]
    assert sources == [(True, False), (False, True)]  # the innovator's, then the officer's
