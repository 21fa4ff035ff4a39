"""A record's history as its page shows it: the latest audit entries, with the people and
records their ids point to named (two queries at most per kind of record, whatever the
number of entries)."""

from __future__ import annotations

from dataclasses import dataclass

from crm.audit.models import AuditEntry
from crm.audit.services import audit_value
from crm.auth.models import User
from crm.extensions import db
from crm.forums.models import Forum
from crm.funding.models import Funder
from crm.impact.models import Indicator
from crm.organizations.models import Organization
from crm.people.models import Person
from crm.projects.models import Project

# The audited fields that hold the id of another record.
REFERENCES = {
    "officer_id": User, "assignee_id": User, "organization_id": Organization,
    "person_id": Person, "project_id": Project, "funder_id": Funder, "forum_id": Forum,
    "indicator_id": Indicator,
}


@dataclass
class History:
    entries: list[AuditEntry]
    names: dict[tuple[type, int], str]

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def shown(self, field: str, value) -> str:
        """A value as the history shows it: a name where the value is a record's id."""
        name = self.names.get((REFERENCES.get(field), value)) if _is_id(value) else None
        return name if name is not None else audit_value(value)


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _display(record) -> str:
    return str(getattr(record, "display_name", None) or record.name)


def _names(entries: list[AuditEntry]) -> dict[tuple[type, int], str]:
    wanted: dict[type, set[int]] = {}
    for entry in entries:
        for field, values in (entry.changes or {}).items():
            model = REFERENCES.get(field)
            if model is not None:
                found = values if isinstance(values, list) else [values]
                wanted.setdefault(model, set()).update(v for v in found if _is_id(v))
    names = {}
    for model, ids in wanted.items():
        for record in db.session.scalars(db.select(model).where(model.id.in_(ids))):
            names[(model, record.id)] = _display(record)
    return names


def history(entity_type: str, entity_id: int, limit: int = 50) -> History:
    query = (
        db.select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .options(db.joinedload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    entries = list(db.session.scalars(query))
    return History(entries, _names(entries))
