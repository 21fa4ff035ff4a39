"""Two innovators of two organizations, each with a project, figures, notes and follow-ups."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from crm.auth.models import Role, User
from crm.impact import services as impact
from crm.impact.models import Visibility
from crm.organizations.models import Organization
from crm.people.models import Person
from crm.projects.models import Project
from tests.factories import (
    make_followup,
    make_innovator,
    make_membership,
    make_opportunity,
    make_organization,
    make_person,
    make_project,
    make_user,
)


@dataclass
class Side:
    """One innovator's world."""

    person: Person
    user: User
    organization: Organization
    project: Project


def _side(officer: User, n: int, name: str) -> Side:
    person = make_person(officer, first_name=f"Innov{n}", last_name=name,
                         email=f"innov{n}@example.org", phone=f"+21266100000{n}")
    organization = make_organization(officer, name=f"Coopérative {name}",
                                     legal_identifier=f"RC-{n}")
    make_membership(organization, person, "founder")
    project = make_project(officer, organization, stage="incubated", officer=officer,
                           name=f"Projet {name}", cohort="2024")
    user = make_innovator(person)
    jobs = impact.get_indicator("jobs")
    impact.record_measurement(officer, project, jobs, date(2024, 1, 1), date(2024, 6, 30),
                              Decimal(3 + n))
    impact.add_note(officer, f"Note interne {name}", date(2024, 7, 1), Visibility.INTERNAL,
                    project=project)
    impact.add_note(officer, f"Note partagée {name}", date(2024, 7, 2), Visibility.SHARED,
                    project=project)
    make_opportunity(project, actor=officer)
    make_followup(officer, due_on=date.today() + timedelta(days=5), title=f"Visite {name}",
                  kind="visit", actor=officer, project=project, shared=True)
    make_followup(officer, due_on=date.today() + timedelta(days=2),
                  title=f"Appel interne {name}", actor=officer, project=project)
    return Side(person, user, organization, project)


@dataclass
class World:
    officer: User
    a: Side
    b: Side


@pytest.fixture
def world(db) -> World:
    officer = make_user(Role.OFFICER)
    return World(officer, _side(officer, 1, "Atlas"), _side(officer, 2, "Rif"))
