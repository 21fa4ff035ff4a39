"""What the resource modules share: the schema parts every versioned, archivable record has,
the PATCH merge, and the refusal of fields an innovator may not change."""

from marshmallow import ValidationError, fields

from crm.api import access
from crm.api.fields import MESSAGES as _MESSAGES
from crm.api.fields import ApiSchema, TagNames, version


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
