"""Recording changes. The request's address is handed over by the web layer (a context
variable set before each request), so services stay free of `request`."""

from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask_babel import lazy_gettext as _l

from crm.audit.models import AuditEntry
from crm.extensions import db

current_address: ContextVar[str] = ContextVar("current_address", default="")

ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("updated"),
    "archive": _l("archived"),
    "restore": _l("restored"),
    "merge": _l("merged"),
    "merged_into": _l("merged into another record"),
    "stage": _l("stage changed"),
    "delete": _l("deleted"),
    "consent_given": _l("consent recorded"),
    "consent_withdrawn": _l("consent withdrawn"),
    "anonymize": _l("anonymized"),
    "invite": _l("invited to the portal"),
    "invitation_resent": _l("portal invitation sent again"),
    "invitation_revoked": _l("portal invitation withdrawn"),
    "invitation_accepted": _l("portal invitation accepted"),
    "document_added": _l("document added"),
    "document_read": _l("document downloaded"),
    "document_removed": _l("document removed"),
    "send": _l("mailing sent"),
    "send_again": _l("failed emails sent again"),
    "unsubscribed": _l("unsubscribed from a mailing"),
    "email_bounced": _l("email returned undelivered"),
    "revoke": _l("revoked"),
    "reveal_secret": _l("secret shown"),
}


def _plain(value):
    """A JSON-friendly rendering of a column value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def apply_changes(obj, data: dict) -> dict:
    """Set the attributes of `obj` from `data`; return {field: [old, new]} of what changed."""
    changes = {}
    for field, new in data.items():
        old = getattr(obj, field)
        if _plain(old) != _plain(new):
            changes[field] = [_plain(old), _plain(new)]
            setattr(obj, field, new)
    return changes


def record(actor, action: str, entity_type: str, entity_id: int, changes: dict | None = None):
    """Add an audit entry to the session (committed with the change it describes)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        address=current_address.get(),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=changes or {},
    )
    db.session.add(entry)
    return entry


def snapshot(obj, fields: list[str]) -> dict:
    """The creation record: {field: [None, value]} for the fields that have a value."""
    return {f: [None, _plain(getattr(obj, f))] for f in fields if getattr(obj, f) not in
            (None, "", set())}


FIELD_LABELS = {
    "purpose": _l("Purpose"), "given_on": _l("Given on"), "withdrawn_on": _l("Withdrawn on"),
    "traces_removed": _l("Stored values anonymized"),
    "name": _l("Name"), "name_arabic": _l("Name in Arabic"), "first_name": _l("First name"),
    "last_name": _l("Last name"), "email": _l("Email"), "phone": _l("Phone"),
    "gender": _l("Gender"), "city": _l("City"), "region": _l("Region"), "notes": _l("Notes"),
    "kind": _l("Kind"), "legal_identifier": _l("Legal identifier"),
    "founding_year": _l("Founding year"), "address": _l("Address"), "website": _l("Website"),
    "description": _l("Description"), "themes": _l("Themes"), "sdgs": _l("SDGs"),
    "tags": _l("Tags"), "cohort": _l("Cohort"), "officer_id": _l("Officer"),
    "stage": _l("Stage"), "note": _l("Note"), "organization_id": _l("Organization"),
    "merged_from": _l("Merged from record"), "merged_into": _l("Merged into record"),
    "links_moved": _l("Links moved"), "member_added": _l("Member added"),
    "member_removed": _l("Member removed"), "member_role": _l("Role"), "summary": _l("Summary"),
    "funder_id": _l("Funder"), "instrument": _l("Instrument"), "status": _l("Status"),
    "amount_requested": _l("Amount requested"), "amount_committed": _l("Amount committed"),
    "amount_disbursed": _l("Amount disbursed"), "applied_on": _l("Applied on"),
    "committed_on": _l("Committed on"), "disbursed_on": _l("Disbursed on"),
    "declined_on": _l("Declined on"), "decline_reason": _l("Reason declined"),
    "contacts": _l("Contact people"), "goal": _l("Goal"), "raised": _l("Amount raised"),
    "backers": _l("Backers"), "starts_on": _l("Start"), "ends_on": _l("End"), "url": _l("Link"),
    "on": _l("Date"), "value": _l("Value"), "period": _l("Period"), "source": _l("Source"),
    "visibility": _l("Visibility"), "indicator": _l("Indicator"), "project_id": _l("Project"),
    "person_id": _l("Person"), "assignee_id": _l("Assigned to"), "due_on": _l("Due date"),
    "title": _l("Title"), "outcome": _l("Outcome"), "filename": _l("File"),
    "forum_id": _l("Forum"), "import_job": _l("Import"), "shared": _l("Shown in the portal"),
    "language": _l("Language"), "expires_at": _l("Expires"),
    "year": _l("Year"), "indicator_id": _l("Indicator"),
    # Forums, their sessions and participants
    "number": _l("Edition number"), "held_on": _l("Held on"), "theme": _l("Theme"),
    "name_ar": _l("Name in Arabic"), "name_fr": _l("Name in French"),
    "name_en": _l("Name in English"), "role": _l("Role"),
    # Stages and indicators (admin catalogs)
    "code": _l("Code"), "position": _l("Position"), "active": _l("In use"),
    "is_exit": _l("Exit stage (a reason is required to move a project there)"),
    "unit": _l("Unit"), "standard_reference": _l("Reference of a standard metric (IRIS+ code)"),
    "part_of_id": _l('Part of ("of which")'),
    "adds_up": _l("The figures of successive periods add up"),
    # Measurements and follow-ups
    "period_start": _l("Period start"), "period_end": _l("Period end"),
    "verified_by_id": _l("Verified by"), "verified_at": _l("Verified on"),
    "done_at": _l("Done on"), "interaction_id": _l("Interaction"),
    # Calls for applications, their applications and documents
    "title_ar": _l("Title in Arabic"), "title_fr": _l("Title in French"),
    "title_en": _l("Title in English"), "text_ar": _l("Presentation in Arabic"),
    "text_fr": _l("Presentation in French"), "text_en": _l("Presentation in English"),
    "eligibility_ar": _l("Who may apply, in Arabic"),
    "eligibility_fr": _l("Who may apply, in French"),
    "eligibility_en": _l("Who may apply, in English"), "opens_on": _l("Opens on"),
    "closes_on": _l("Closes on"), "published": _l("Published"), "call_id": _l("Call"),
    "organization_name": _l("Name of the organization"),
    "organization_name_arabic": _l("Name of the organization in Arabic"),
    "organization_kind": _l("Kind of organization"), "project_name": _l("Name of the project"),
    "document": _l("Document"),
}


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
