"""The right of access: everything the CRM holds about one person, as plain JSON values, and
the same as rows for a spreadsheet."""

import json
from datetime import date, datetime
from enum import Enum

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.common.time import utcnow
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.forums.models import ForumSession, Participation
from crm.interactions.models import Interaction
from crm.invitations.models import Invitation
from crm.organizations.models import Membership, Organization
from crm.people.models import Person
from crm.privacy.models import Consent
from crm.projects.models import Project

PERSON_ENTITY = "person"


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _person(person: Person) -> dict:
    """The record as the innovator may see it: officers' internal notes stay out (DESIGN.md),
    the page says how to ask for them."""
    fields = ("id", "first_name", "last_name", "name_arabic", "email", "phone", "gender",
              "city", "region", "created_at", "updated_at", "archived_at",
              "anonymized_at")
    return {f: _plain(getattr(person, f)) for f in fields} | {
        "tags": [tag.name for tag in person.tags]}


def _account(person: Person) -> dict | None:
    user = db.session.scalar(db.select(User).where(User.person_id == person.id))
    if user is None:
        return None
    # Never the password hash, the session epoch or the calendar token.
    return {"email": user.email, "full_name": user.full_name, "role": user.role.value,
            "language": user.language, "active": user.active,
            "created_at": _plain(user.created_at), "last_login_at": _plain(user.last_login_at)}


def _memberships(person: Person) -> list[dict]:
    query = (db.select(Membership).where(Membership.person_id == person.id)
             .options(db.joinedload(Membership.organization)).order_by(Membership.id))
    return [{"organization": m.organization.name, "organization_arabic":
             m.organization.name_arabic, "kind": m.organization.kind.value,
             "role": m.role.value} for m in db.session.scalars(query)]


def _participations(person: Person) -> list[dict]:
    query = (db.select(Participation).where(Participation.person_id == person.id)
             .options(db.joinedload(Participation.session).joinedload(ForumSession.forum))
             .order_by(Participation.id))
    return [{"forum": p.session.forum.name, "held_on": _plain(p.session.forum.held_on),
             "session": p.session.name, "role": p.role.value, "attended": p.attended}
            for p in db.session.scalars(query)]


def _followups(person: Person) -> list[dict]:
    query = (db.select(FollowUp).where(FollowUp.person_id == person.id)
             .order_by(FollowUp.due_on, FollowUp.id))
    return [{"kind": f.kind.value, "title": f.title, "due_on": _plain(f.due_on),
             "status": f.status.value} for f in db.session.scalars(query)]


def _interactions(person: Person) -> list[dict]:
    query = (db.select(Interaction).where(Interaction.person_id == person.id)
             .order_by(Interaction.occurred_on, Interaction.id))
    return [{"occurred_on": _plain(i.occurred_on), "kind": i.kind.value, "summary": i.summary}
            for i in db.session.scalars(query)]


def _consents(person: Person) -> list[dict]:
    query = (db.select(Consent).where(Consent.person_id == person.id)
             .order_by(Consent.given_on, Consent.id))
    return [{"purpose": c.purpose.value, "source": c.source.value,
             "source_detail": c.source_detail, "given_on": _plain(c.given_on),
             "withdrawn_on": _plain(c.withdrawn_on)} for c in db.session.scalars(query)]


def _invitations(person: Person) -> list[dict]:
    query = (db.select(Invitation).where(Invitation.person_id == person.id)
             .order_by(Invitation.sent_at, Invitation.id))
    return [{"email": i.email, "sent_at": _plain(i.sent_at), "expires_at": _plain(i.expires_at),
             "used_at": _plain(i.used_at), "revoked_at": _plain(i.revoked_at)}
            for i in db.session.scalars(query)]


def _history(person: Person) -> list[dict]:
    # Who made each change is left out: other users' names and emails are theirs, not the
    # person's.
    query = (db.select(AuditEntry).where(AuditEntry.entity_type == PERSON_ENTITY,
                                         AuditEntry.entity_id == person.id)
             .order_by(AuditEntry.at, AuditEntry.id))
    return [{"at": _plain(e.at), "action": e.action, "fields": sorted(e.changes or {})}
            for e in db.session.scalars(query)]


def _projects(person: Person) -> list[dict]:
    organizations = db.select(Membership.organization_id).where(
        Membership.person_id == person.id)
    query = (db.select(Project).where(Project.organization_id.in_(organizations))
             .options(db.joinedload(Project.stage), db.joinedload(Project.organization))
             .order_by(Organization.name, Project.name, Project.id)
             .join(Project.organization))
    return [{"name": p.name, "name_arabic": p.name_arabic, "organization": p.organization.name,
             "stage": p.stage.code, "stage_name": p.stage.name,
             "archived": p.archived_at is not None} for p in db.session.scalars(query)]


def personal_data(person: Person) -> dict:
    """Everything held about `person`, in JSON-friendly values (ISO dates, enum values)."""
    return {
        "exported_at": _plain(utcnow()),
        "person": _person(person),
        "account": _account(person),
        "organizations": _memberships(person),
        "forum_participations": _participations(person),
        "follow_ups": _followups(person),
        "interactions": _interactions(person),
        "consents": _consents(person),
        "invitations": _invitations(person),
        "history": _history(person),
        "projects": _projects(person),
    }


def to_json(data: dict) -> str:
    """The export as a UTF-8 friendly document: Arabic stays readable, keys are sorted."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)


CSV_HEADER = ["section", "item", "field", "value"]


def _cell(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def to_rows(data: dict) -> list[list]:
    """The export as (section, item number, field, value) rows: what the JSON holds, one value
    a line, for people who open it in a spreadsheet."""
    rows = []
    for section, content in sorted(data.items()):
        items = content if isinstance(content, list) else [content]
        for number, item in enumerate(items, start=1):
            if isinstance(item, dict):
                rows += [[section, number, key, _cell(value)]
                         for key, value in sorted(item.items())]
            elif item is not None:
                rows.append([section, "", "", _cell(item)])
    return rows
