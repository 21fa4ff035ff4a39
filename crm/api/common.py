"""What the resource modules share: the schema parts every versioned, archivable record has,
the PATCH merge, the refusal of fields an innovator may not change, and the records a body
names by id."""

from marshmallow import ValidationError, fields

from crm.api import access
from crm.api import errors as _errors
from crm.api.fields import MESSAGES as _MESSAGES
from crm.api.fields import ApiSchema, TagNames, record_id, version
from crm.organizations.services import get_organization
from crm.people.services import get_person
from crm.projects.services import get_project


class RecordOut(ApiSchema):
    """Read-only parts of every record."""

    id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    archived_at = fields.DateTime(dump_only=True, allow_none=True)


class VersionIn(ApiSchema):
    version = version(required=True)  # noqa: F811  (the field, made by the helper)


def tags_field():
    return TagNames()


def merged(record, field_names: list[str], data: dict) -> dict:
    """A PATCH as the services take an edit: every field, the ones sent over the saved ones
    (the services check names and phones on the whole record)."""
    return {name: data.get(name, getattr(record, name)) for name in field_names}


def refuse_fields(user, kind: str, data: dict) -> None:
    """A field an innovator may not change is refused, as an unknown field is."""
    refused = access.fields_refused(user, kind, data)
    if refused:
        message = str(_MESSAGES["Unknown field."])
        raise ValidationError({name: [message] for name in refused})


def tag_names(data: dict) -> list[str] | None:
    """The tags sent (None: leave them as they are)."""
    tags = data.get("tags")
    return list(dict.fromkeys(tags)) if tags is not None else None


class TargetIds(ApiSchema):
    """The records a follow-up or an interaction concerns: at least one of them."""

    person_id = record_id(allow_none=True)
    organization_id = record_id(allow_none=True)
    project_id = record_id(allow_none=True)


def live_record(getter, record_id: int, field: str):
    """The live record an id in the body names; a missing or archived one is a 422 on its
    field (the body is what is wrong, not the URL)."""
    record = getter(record_id)
    if record is None or getattr(record, "archived_at", None) is not None:
        raise ValidationError({field: [str(_errors.CODES[404][1])]})
    return record


def targets(data: dict) -> dict:
    """The person, organization and project the body names (`person_id`, ...), each live,
    as the services take them (`person=...`)."""
    getters = {"person_id": get_person, "organization_id": get_organization,
               "project_id": get_project}
    return {key.removesuffix("_id"): live_record(getter, data[key], key)
            for key, getter in getters.items() if data.get(key) is not None}
