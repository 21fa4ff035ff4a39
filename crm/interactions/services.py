"""Logging interactions and reading them back."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _n
from sqlalchemy import union

from crm.audit import services as audit
from crm.common.listing import IDLE_DAYS
from crm.errors import ServiceError
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.organizations.models import Membership
from crm.projects import stale
from crm.projects.models import Project

# The "no interaction for N days" choices of the people and organizations lists.
IDLE_CHOICES = [(str(days), _n("No interaction for %(num)d day or more",
                               "No interaction for %(num)d days or more", days))
                for days in IDLE_DAYS]


def log_interaction(actor, kind: InteractionKind, occurred_on: date, summary: str,
                    notes: str = "", person=None, organization=None, project=None) -> Interaction:
    """Record what happened, on a person, an organization and/or a project."""
    if not (person or organization or project):
        raise ServiceError(_l("An interaction concerns a person, an organization or a project."))
    if not summary.strip():
        raise ServiceError(_l("Summarize what happened."), field="summary")
    if occurred_on > date.today():
        raise ServiceError(_l("An interaction cannot be in the future; plan a follow-up instead."),
                           field="occurred_on")
    interaction = Interaction(kind=kind, occurred_on=occurred_on, summary=summary.strip(),
                              notes=notes.strip(), person=person, organization=organization,
                              project=project, author_id=actor.id if actor else None)
    db.session.add(interaction)
    db.session.flush()
    stale.note_activity(interaction.project_id, occurred_on)
    audit.record(actor, "create", "interaction", interaction.id,
                 {"summary": [None, interaction.summary]})
    db.session.commit()
    return interaction


def about_organization(model, organization_id: int):
    """SQL: a record (interaction, follow-up) about the organization, one of its projects or
    one of its members. Its id is one of three index reads joined by UNION: written as an OR
    of the three, PostgreSQL read every record of the table (200,000 interactions: 106 ms
    for an organization's page, 11 ms this way; SQLite takes the same time either way)."""
    projects = db.select(Project.id).where(Project.organization_id == organization_id)
    members = db.select(Membership.person_id).where(
        Membership.organization_id == organization_id)
    return model.id.in_(union(
        db.select(model.id).where(model.organization_id == organization_id),
        db.select(model.id).where(model.project_id.in_(projects)),
        db.select(model.id).where(model.person_id.in_(members))))


def interactions_of(person_id=None, organization_id=None, project_id=None, limit: int = 50,
                    rolled_up: bool = False):
    """The interactions of one record, the latest first; `rolled_up`, for an organization:
    those of its projects and members too."""
    query = db.select(Interaction).options(db.joinedload(Interaction.author))
    if person_id:
        query = query.where(Interaction.person_id == person_id)
    if organization_id and rolled_up:
        query = query.where(about_organization(Interaction, organization_id)).options(
            db.joinedload(Interaction.person), db.joinedload(Interaction.project))
    elif organization_id:
        query = query.where(Interaction.organization_id == organization_id)
    if project_id:
        query = query.where(Interaction.project_id == project_id)
    query = query.order_by(Interaction.occurred_on.desc(), Interaction.id.desc()).limit(limit)
    return list(db.session.scalars(query))
