"""What an innovator's portal reads: their organizations and projects, and what officers shared
with them. Writes go through the other domains' services, with the portal's own field lists."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from crm.audit.models import AuditEntry
from crm.auth.models import Role, User
from crm.calls import services as calls
from crm.common.time import utcnow
from crm.extensions import db
from crm.followups.models import FollowUp, FollowUpStatus
from crm.funding import services as funding
from crm.impact import services as impact
from crm.impact.models import Measurement
from crm.organizations import services as organizations
from crm.organizations.models import Membership, Organization
from crm.people import services as people
from crm.projects import services as projects
from crm.projects.models import Project

# What the portal may change; nothing else reaches the services from a portal form.
PROFILE_FIELDS = ["first_name", "last_name", "name_arabic", "phone", "gender", "city", "region"]
ORGANIZATION_FIELDS = ["name", "name_arabic", "address", "city", "website", "description"]
PROJECT_FIELDS = ["name", "name_arabic", "description"]
PORTAL_CHANGES_DAYS = 30


def my_organizations(user: User) -> list[Organization]:
    """The live organizations the innovator belongs to, by name."""
    if user.person_id is None:
        return []
    query = (db.select(Organization).join(Membership)
             .where(Membership.person_id == user.person_id, Organization.archived_at.is_(None),
                    Organization.merged_into_id.is_(None))
             .order_by(Organization.name, Organization.id))
    return list(db.session.scalars(query))


def my_projects(organization_ids: list[int]) -> list[Project]:
    query = (db.select(Project)
             .where(Project.organization_id.in_(organization_ids), Project.archived_at.is_(None))
             .options(db.joinedload(Project.stage)).order_by(Project.name, Project.id))
    return list(db.session.scalars(query))


def next_shared_followups(person_id: int, organization_ids: list[int],
                          project_ids: list[int]) -> dict:
    """The next open follow-up shared with the innovator, per project (key: project id), per
    organization (key: ("organization", id)) and for the person (key: "person")."""
    query = (db.select(FollowUp)
             .where(FollowUp.shared.is_(True), FollowUp.status == FollowUpStatus.OPEN,
                    db.or_(FollowUp.project_id.in_(project_ids),
                           FollowUp.organization_id.in_(organization_ids),
                           FollowUp.person_id == person_id))
             .options(db.joinedload(FollowUp.assignee))
             .order_by(FollowUp.due_on, FollowUp.id))
    nearest: dict = {}
    for followup in db.session.scalars(query):
        key = (followup.project_id or ("organization", followup.organization_id)
               if (followup.project_id or followup.organization_id) else "person")
        nearest.setdefault(key, followup)
    return nearest


def home_context(user: User) -> dict:
    """The innovator's home: their profile, organizations, projects and what is shared."""
    person = people.get_person(user.person_id) if user.person_id else None
    if person is None:
        return {"person": None}
    orgs = my_organizations(user)
    projects_ = my_projects([o.id for o in orgs])
    by_org = defaultdict(list)
    for project in projects_:
        by_org[project.organization_id].append(project)
    project_ids = [p.id for p in projects_]
    return {
        "person": person,
        "organizations": orgs,
        "projects_by_org": by_org,
        "next_followups": next_shared_followups(person.id, [o.id for o in orgs], project_ids),
        "funding": _funding_by_project(project_ids),
        "applications": calls.applications_of_person(person),
    }


def _funding_by_project(project_ids: list[int]) -> dict:
    rows = defaultdict(list)
    for opportunity in funding.opportunities_of_projects(project_ids):
        rows[opportunity.project_id].append(opportunity)
    return rows


def project_context(project: Project) -> dict:
    """A project as its innovators see it: never internal notes, officers' follow-ups or
    anything not shared."""
    return {
        "project": project,
        "opportunities": funding.opportunities(project_id=project.id),
        "notes": impact.notes_of(project_id=project.id, shared_only=True),
        "periods": impact.measurements_by_period(project.id),
        "followups": shared_followups_of(project),
    }


def shared_followups_of(project: Project) -> list[FollowUp]:
    query = (db.select(FollowUp)
             .where(FollowUp.shared.is_(True), FollowUp.status == FollowUpStatus.OPEN,
                    db.or_(FollowUp.project_id == project.id,
                           FollowUp.organization_id == project.organization_id))
             .order_by(FollowUp.due_on, FollowUp.id))
    return list(db.session.scalars(query))


def update_profile(user: User, person, expected_version, data: dict) -> dict:
    """The innovator's own record; the email (their login) stays as it is."""
    values = {field: data[field] for field in PROFILE_FIELDS}
    return people.update_person(user, person, expected_version, email=person.email, **values)


def update_organization(user: User, organization, expected_version, data: dict) -> dict:
    values = {field: data[field] for field in ORGANIZATION_FIELDS}
    return organizations.update_organization(user, organization, expected_version, **values)


def update_project(user: User, project, expected_version, data: dict) -> dict:
    values = {field: data[field] for field in PROJECT_FIELDS}
    return projects.update_project(user, project, expected_version, **values)


# -- what officers see ----------------------------------------------------------------------

def _portfolio_entities(officer: User):
    """(entity type, ids) pairs of an officer's portfolio, as subqueries."""
    project_ids = db.select(Project.id).where(Project.officer_id == officer.id,
                                              Project.archived_at.is_(None))
    organization_ids = db.select(Project.organization_id).where(
        Project.officer_id == officer.id, Project.archived_at.is_(None))
    person_ids = db.select(Membership.person_id).where(
        Membership.organization_id.in_(organization_ids))
    measurement_ids = db.select(Measurement.id).where(Measurement.project_id.in_(project_ids))
    return [("project", project_ids), ("organization", organization_ids),
            ("person", person_ids), ("measurement", measurement_ids)]


def portal_changes(officer: User, limit: int = 15) -> list[AuditEntry]:
    """What innovators changed lately in the officer's portfolio, newest first."""
    since = utcnow() - timedelta(days=PORTAL_CHANGES_DAYS)
    in_portfolio = db.or_(*[db.and_(AuditEntry.entity_type == kind, AuditEntry.entity_id.in_(ids))
                            for kind, ids in _portfolio_entities(officer)])
    query = (db.select(AuditEntry).join(AuditEntry.actor)
             .where(User.role == Role.INNOVATOR, AuditEntry.at >= since, in_portfolio)
             .options(db.contains_eager(AuditEntry.actor))
             .order_by(AuditEntry.id.desc()).limit(limit))
    return list(db.session.scalars(query))


def _names(model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {record.id: record for record in db.session.scalars(
        db.select(model).where(model.id.in_(ids)))}


def describe_changes(entries: list[AuditEntry]) -> list[dict]:
    """Each entry with the record it is about and the page to open (one query per kind)."""
    from crm.people.models import Person

    ids = defaultdict(set)
    for entry in entries:
        ids[entry.entity_type].add(entry.entity_id)
    measurements = _names(Measurement, ids["measurement"])
    ids["project"] |= {m.project_id for m in measurements.values()}
    records = {"project": _names(Project, ids["project"]),
               "organization": _names(Organization, ids["organization"]),
               "person": _names(Person, ids["person"])}
    rows = []
    for entry in entries:
        kind, record_id = entry.entity_type, entry.entity_id
        if kind == "measurement" and record_id in measurements:
            kind, record_id = "project", measurements[record_id].project_id
        record = records.get(kind, {}).get(record_id)
        if record is not None:
            rows.append({"entry": entry, "kind": kind, "record": record})
    return rows
