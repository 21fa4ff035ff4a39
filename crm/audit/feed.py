"""The team's activity: what changed today, across records, newest first, each change named
by its record (one query per kind of record on the page)."""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from crm.audit.models import AuditEntry
from crm.calls.models import Application, Call
from crm.common.time import local_today
from crm.extensions import db
from crm.forums.models import Forum
from crm.funding.models import Funder
from crm.organizations.models import Organization
from crm.people.models import Person
from crm.projects.models import Project

# Kind of record -> (its label, its model, the endpoint of its page and the argument naming it).
RECORDS = {
    "person": (_l("Person"), Person, "people.show_person", "person_id"),
    "organization": (_l("Organization"), Organization, "organizations.show_organization",
                     "organization_id"),
    "project": (_l("Project"), Project, "projects.show_project", "project_id"),
    "forum": (_l("Forum"), Forum, "forums.show_forum", "forum_id"),
    "funder": (_l("Funder"), Funder, "funding.show_funder", "funder_id"),
    "call": (_l("Call for applications"), Call, "calls.show_call", "call_id"),
    "application": (_l("Application"), Application, None, None),
}


@dataclass
class FeedItem:
    entry: AuditEntry
    kind: str  # the record's kind, in the reader's language
    name: str  # the record's name, or "" when it is not one the feed names
    endpoint: str | None
    args: dict


def start_of_today() -> datetime:
    """Midnight of the foundation's day, in UTC as entries are stored."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    midnight = datetime.combine(local_today(), time.min, tzinfo=zone)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def today_query() -> Select:
    # Accounts' security events (two-factor sign-in) are for administrators, on the account's
    # own page, not for the whole team.
    return (db.select(AuditEntry).where(AuditEntry.at >= start_of_today(),
                                        AuditEntry.entity_type != "user")
            .options(db.joinedload(AuditEntry.actor))
            .order_by(AuditEntry.id.desc()))


def _names(entries: list[AuditEntry]) -> dict[tuple[str, int], str]:
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.entity_type in RECORDS:
            wanted.setdefault(entry.entity_type, set()).add(entry.entity_id)
    names = {}
    for kind, ids in wanted.items():
        model = RECORDS[kind][1]
        for record in db.session.scalars(db.select(model).where(model.id.in_(ids))):
            names[(kind, record.id)] = getattr(record, "display_name", None) or getattr(
                record, "title", None) or getattr(record, "name", "")
    return names


def items(entries: list[AuditEntry]) -> list[FeedItem]:
    names = _names(entries)
    feed = []
    for entry in entries:
        label, _model, endpoint, argument = RECORDS.get(entry.entity_type,
                                                        (entry.entity_type, None, None, None))
        name = names.get((entry.entity_type, entry.entity_id), "")
        feed.append(FeedItem(entry, str(label), name, endpoint if name else None,
                             {argument: entry.entity_id} if argument else {}))
    return feed
