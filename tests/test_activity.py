"""Activity rolls up: an organization's page shows what happened with its projects and
people; the team's feed shows what changed today, record by record."""

from datetime import date, timedelta

import sqlalchemy as sa

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.common.time import utcnow
from crm.interactions import services as interactions
from crm.interactions.models import InteractionKind
from tests.factories import (
    make_followup,
    make_membership,
    make_organization,
    make_person,
    make_project,
)


def test_the_organization_page_rolls_up_its_projects_and_members(client, login_as):
    officer = login_as(Role.OFFICER)
    organization = make_organization(officer, name="Coopérative Tiwizi")
    project = make_project(officer, organization=organization, name="Moulin solaire")
    member = make_person(officer, first_name="Hanane", last_name="Ouali")
    make_membership(organization, member, actor=officer)
    stranger = make_person(officer, first_name="Karim", last_name="Ailleurs")
    interactions.log_interaction(officer, InteractionKind.MEETING, date.today(),
                                 "Visite du moulin", project=project)
    interactions.log_interaction(officer, InteractionKind.CALL, date.today(),
                                 "Appel à Hanane", person=member)
    interactions.log_interaction(officer, InteractionKind.CALL, date.today(),
                                 "Appel sans rapport", person=stranger)
    interactions.log_interaction(officer, InteractionKind.MEETING, date.today(),
                                 "Assemblée de la coopérative", organization=organization)
    make_followup(officer, title="Envoyer le devis", project=project)
    make_followup(officer, title="Relancer Hanane", person=member)
    page = client.get(f"/organizations/{organization.id}").text
    for text in ("Visite du moulin", "Appel à Hanane", "Assemblée de la coopérative",
                 "Envoyer le devis", "Relancer Hanane",
                 "Moulin solaire</bdi>", "Hanane Ouali</bdi>"):
        assert text in page, text
    assert "Appel sans rapport" not in page


def test_the_team_sees_what_changed_today(client, login_as, db):
    officer = login_as(Role.OFFICER)
    organization = make_organization(officer, name="Association Nour")
    project = make_project(officer, organization=organization, name="Cantine Nour")
    old = AuditEntry(action="create", entity_type="organization", entity_id=organization.id,
                     at=utcnow() - timedelta(days=2), changes={})
    db.session.add(old)
    db.session.commit()
    page = client.get("/activity")
    assert page.status_code == 200
    assert f'href="/organizations/{organization.id}"' in page.text
    assert f'href="/projects/{project.id}"' in page.text and "Cantine Nour" in page.text
    entries = page.text.count("<li class=\"border-bottom py-2\">")
    today = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                              .where(AuditEntry.at >= utcnow() - timedelta(hours=20)))
    assert entries == today  # yesterday's entry is not in the feed
    assert "What changed today" in client.get("/").text


def test_innovators_do_not_see_the_team_s_activity(client, login_as):
    login_as(Role.INNOVATOR)
    assert client.get("/activity").status_code == 404
