"""A record's history as its page shows it: the latest audit entries, with the people and
records their ids point to named (two queries at most per kind of record, whatever the
number of entries), and every stored value (codes, ISO dates, amounts) in the reader's
language."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import format_date, format_datetime, format_decimal, gettext

from crm.audit.models import AuditEntry
from crm.audit.services import field_label
from crm.auth.models import User
from crm.common.places import city_label
from crm.common.reference import Region, Theme
from crm.extensions import db
from crm.followups.models import FollowUpKind, FollowUpStatus
from crm.forums.models import Forum, ParticipationRole, SessionKind
from crm.funding.models import Funder, FunderKind, Instrument, OpportunityStatus
from crm.i18n import NATIVE_NAMES, format_mad, join_list
from crm.impact.models import Indicator, MeasurementSource, Visibility
from crm.imports.models import ImportStatus
from crm.interactions.models import InteractionKind
from crm.organizations.models import MembershipRole, Organization, OrganizationKind
from crm.people.models import Gender, Person
from crm.pipeline.models import Stage
from crm.privacy.models import ConsentPurpose, ConsentSource
from crm.projects.models import Project

# The audited fields that hold the id of another record.
REFERENCES = {
    "officer_id": User, "assignee_id": User, "verified_by_id": User,
    "organization_id": Organization, "person_id": Person, "contacts": Person,
    "project_id": Project, "funder_id": Funder, "forum_id": Forum,
    "indicator_id": Indicator, "part_of_id": Indicator,
}
# Fields holding the id of another record of the history's own kind.
SAME_KIND = {"merged_from", "merged_into"}
ENTITY_MODELS = {"person": Person, "organization": Organization}
# A merge records a role under "role in <organization id>".
ROLE_IN = re.compile(r"^role in (\d+)$")

# Fields holding an enum's value, whatever the record...
ENUMS = {
    "region": Region, "gender": Gender, "themes": Theme, "instrument": Instrument,
    "purpose": ConsentPurpose, "visibility": Visibility,
}
# ...and the field names that mean a different enum on each kind of record.
ENUMS_BY_ENTITY = {
    ("organization", "kind"): OrganizationKind, ("funder", "kind"): FunderKind,
    ("follow_up", "kind"): FollowUpKind, ("forum_session", "kind"): SessionKind,
    ("interaction", "kind"): InteractionKind,
    ("funding_opportunity", "status"): OpportunityStatus, ("follow_up", "status"): FollowUpStatus,
    ("import", "status"): ImportStatus,
    ("person", "source"): ConsentSource, ("measurement", "source"): MeasurementSource,
    ("participation", "role"): ParticipationRole,
}
MONEY = {"goal", "raised"}  # besides every amount_*: MAD amounts of funding and campaigns
NUMBERS = {"value"}
DATES = {"on", "period_start", "period_end"}  # besides every *_on


@dataclass
class History:
    entries: list[AuditEntry]
    names: dict[tuple[type, object], str]
    entity_type: str = ""

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def label(self, field: str) -> str:
        """The field's name in the reader's language."""
        role_in = ROLE_IN.match(field)
        if role_in is None:
            return field_label(field)
        organization = int(role_in.group(1))
        return gettext("Role in %(organization)s", organization=self.names.get(
            (Organization, organization), organization))

    def shown(self, field: str, value) -> str:
        """A value as the history shows it: a name where it is a record's id or a stage's
        code, a label for a code, dates and amounts as the rest of the pages write them."""
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, list):
            return join_list(self.shown(field, item) for item in value)
        model = _reference(field, self.entity_type)
        name = self.names.get((model, value)) if model and _is_key(value) else None
        return name if name is not None else _formatted(field, value, self.entity_type)


def _is_key(value) -> bool:
    return isinstance(value, int | str) and not isinstance(value, bool)


def _reference(field: str, entity_type: str) -> type | None:
    """The model whose rows the field's values point to (by id; stages by code)."""
    if field == "stage":
        return Stage
    if field in SAME_KIND:
        return ENTITY_MODELS.get(entity_type)
    return REFERENCES.get(field)


def _display(record) -> str:
    return str(getattr(record, "display_name", None) or record.name)


# Formatting the values that are not references -----------------------------------------

def _day(value: str) -> str:
    return format_date(date.fromisoformat(value[:10]), "medium")


def _moment(value: str) -> str:
    if len(value) <= 10:
        return _day(value)
    return format_datetime(datetime.fromisoformat(value), "short")


def _period(value: str) -> str:
    start, end = value.split("/")
    return gettext("%(start)s – %(end)s", start=_day(start), end=_day(end))


def _member(value: str) -> str:
    """A member's addition, recorded as "Name (role code)", with the role's label."""
    name, _, role = value.rpartition(" (")
    return f"{name} ({MembershipRole(role.removesuffix(')')).label})"


def _tags(value: str) -> str:
    return join_list(value.split(", "))


FORMATS: dict[str, Callable[[str], str]] = {
    "period": _period, "member_added": _member, "member_role": _member, "tags": _tags,
    "city": city_label,
    "language": lambda value: NATIVE_NAMES[value],
}


def _format_of(field: str, entity_type: str) -> Callable | None:
    enum = ENUMS_BY_ENTITY.get((entity_type, field)) or ENUMS.get(field)
    if enum is None and ROLE_IN.match(field):
        enum = MembershipRole
    if enum is not None:
        return lambda value: enum(value).label
    if field in MONEY or field.startswith("amount_"):
        return lambda value: format_mad(Decimal(str(value)))
    if field in NUMBERS:
        return lambda value: format_decimal(Decimal(str(value)))
    if field.endswith("_at"):
        return _moment
    if field.endswith("_on") or field in DATES:
        return _day
    return FORMATS.get(field)


def _formatted(field: str, value, entity_type: str) -> str:
    """The value in the reader's language; as it was stored when it is not what the field
    holds today (old entries keep any JSON value)."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    formatter = _format_of(field, entity_type)
    try:
        return str(formatter(value)) if formatter is not None else str(value)
    except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError):
        return str(value)


# Naming the records the entries point to -----------------------------------------------

def _wanted(entries: list[AuditEntry], entity_type: str) -> dict[type, set]:
    """The ids (codes for stages) to name, by model."""
    wanted: dict[type, set] = {}
    for entry in entries:
        for field, values in (entry.changes or {}).items():
            role_in = ROLE_IN.match(field)
            if role_in is not None:
                wanted.setdefault(Organization, set()).add(int(role_in.group(1)))
            model = _reference(field, entity_type)
            keys = _keys(values, model) if model is not None else set()
            if keys:
                wanted.setdefault(model, set()).update(keys)
    return wanted


def _keys(values, model: type) -> set:
    """The ids (codes for stages) in [old, new], where either may be a list (contact people)."""
    found = values if isinstance(values, list) else [values]
    flat = [v for value in found for v in (value if isinstance(value, list) else [value])]
    kind = str if model is Stage else int
    return {v for v in flat if _is_key(v) and isinstance(v, kind)}


def _names(entries: list[AuditEntry], entity_type: str) -> dict[tuple[type, object], str]:
    names = {}
    for model, keys in _wanted(entries, entity_type).items():
        column = model.code if model is Stage else model.id
        for record in db.session.scalars(db.select(model).where(column.in_(keys))):
            key = record.code if model is Stage else record.id
            names[(model, key)] = _display(record)
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
    return History(entries, _names(entries, entity_type), entity_type)
