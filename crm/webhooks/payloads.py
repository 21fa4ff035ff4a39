"""What each event tells the receiving system: the record's type, id and main fields, never
more than the endpoint's acting account may see. A staff account gets the records its role may
view (`can(user, "project.view", project)`, ...); an innovator's account gets only the live
projects of its own organizations, their funding and their figures, with the fields the portal
shows; for any other record or account there is no delivery at all."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from crm.auth.permissions import can


def _project(project) -> dict:
    return {"name": project.name, "name_arabic": project.name_arabic,
            "description": project.description, "organization_id": project.organization_id,
            "stage": project.stage.code, "stage_entered_at": project.stage_entered_at,
            "officer_id": project.officer_id, "cohort": project.cohort_name,
            "archived_at": project.archived_at, "created_at": project.created_at,
            "version": project.version}


def _person(person) -> dict:
    return {"first_name": person.first_name, "last_name": person.last_name,
            "name_arabic": person.name_arabic, "email": person.email, "phone": person.phone,
            "city": person.city, "region": person.region, "merged_into_id": person.merged_into_id,
            "archived_at": person.archived_at, "created_at": person.created_at,
            "version": person.version}


def _followup(followup) -> dict:
    return {"kind": followup.kind, "title": followup.title, "due_on": followup.due_on,
            "status": followup.status, "done_at": followup.done_at,
            "outcome": followup.outcome, "assignee_id": followup.assignee_id,
            "person_id": followup.person_id, "organization_id": followup.organization_id,
            "project_id": followup.project_id, "version": followup.version}


def _opportunity(opportunity) -> dict:
    return {"project_id": opportunity.project_id, "funder_id": opportunity.funder_id,
            "instrument": opportunity.instrument, "status": opportunity.status,
            "amount_requested": opportunity.amount_requested,
            "amount_committed": opportunity.amount_committed,
            "amount_disbursed": opportunity.amount_disbursed, "currency": "MAD",
            "applied_on": opportunity.applied_on, "committed_on": opportunity.committed_on,
            "disbursed_on": opportunity.disbursed_on, "declined_on": opportunity.declined_on,
            "officer_id": opportunity.officer_id, "version": opportunity.version}


def _measurement(measurement) -> dict:
    return {"project_id": measurement.project_id, "indicator": measurement.indicator.code,
            "period_start": measurement.period_start, "period_end": measurement.period_end,
            "value": measurement.value, "source": measurement.source,
            "verified_at": measurement.verified_at, "version": measurement.version}


def _application(application) -> dict:
    return {"call_id": application.call_id, "status": application.status,
            "language": application.language, "first_name": application.first_name,
            "last_name": application.last_name, "name_arabic": application.name_arabic,
            "email": application.email, "phone": application.phone,
            "organization_name": application.organization_name,
            "organization_kind": application.organization_kind,
            "region": application.region, "project_name": application.project_name,
            "version": application.version}


@dataclass(frozen=True)
class Kind:
    """A kind of record: how it is read, which permission lets a staff account see it and,
    when innovators may see it, the permission on its project and the fields they get."""

    name: str
    read: Callable[[object], dict]
    view: str
    portal: str | None = None
    portal_fields: tuple[str, ...] = ()
    project_of: Callable = lambda record: record.project


# The first part of an event's name -> the kind of record it is about.
KINDS = {
    "project": Kind("project", _project, "project.view", "portal.edit_project",
                    ("name", "name_arabic", "description", "organization_id", "stage"),
                    project_of=lambda project: project),
    "person": Kind("person", _person, "person.view"),
    "followup": Kind("followup", _followup, "followup.view"),
    "funding": Kind("funding_opportunity", _opportunity, "funding.view", "portal.edit_project",
                    ("project_id", "instrument", "status", "amount_requested",
                     "amount_committed", "currency")),
    "measurement": Kind("measurement", _measurement, "impact.view", "portal.report_impact",
                        ("project_id", "indicator", "period_start", "period_end", "value",
                         "source")),
    "application": Kind("application", _application, "application.view"),
}


def data_for(user, event: str, record) -> dict | None:
    """The record as `user` may see it, or None when the account may not see it."""
    kind = KINDS[event.split(".")[0]]
    if can(user, kind.view, record):
        return {"type": kind.name, "id": record.id} | _plain(kind.read(record))
    if kind.portal and can(user, kind.portal, kind.project_of(record)):
        values = kind.read(record)
        return {"type": kind.name, "id": record.id} | _plain(
            {name: values[name] for name in kind.portal_fields})
    return None


def body(event: str, data: dict, at: datetime) -> str:
    """The JSON text sent, and signed, for every attempt of a delivery."""
    return json.dumps({"event": event, "occurred_at": _value(at), "data": data},
                      ensure_ascii=False, separators=(",", ":"))


def _plain(values: dict) -> dict:
    return {name: _value(value) for name, value in values.items()}


def _value(value):
    """JSON for a column's value: codes for enums, ISO 8601 for times (UTC, stored naive),
    amounts as decimal strings (never floats)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
