"""Marshmallow fields and base schema of the API: bounded texts, ids and enums whose errors
are translated, so that no input reaches the database in a shape it refuses."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from marshmallow import RAISE, Schema, ValidationError, fields

from crm.common.ids import INTEGER_MAX


class ApiSchema(Schema):
    """Unknown fields are refused: a client that misspells one is told, never ignored."""

    class Meta:
        unknown = RAISE
        ordered = True


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError(_l("The text holds a NUL character."))


class _MaxLength:
    def __init__(self, length: int):
        self.length = length

    def __call__(self, value: str) -> None:
        if len(value) > self.length:
            raise ValidationError(ngettext("At most %(num)d character.",
                                           "At most %(num)d characters.", self.length))


def text(column=None, length: int | None = None, **kwargs) -> fields.String:
    """A string as long as the column takes (its length read from the model), NUL refused."""
    length = length or getattr(getattr(column, "type", None), "length", None) or 20_000
    validators = [_no_nul, _MaxLength(length)] + list(kwargs.pop("validate", []))
    metadata = {"maxLength": length} | kwargs.pop("metadata", {})
    return fields.String(validate=validators, metadata=metadata, **kwargs)


class _IdRange:
    def __call__(self, value: int) -> None:
        if not 1 <= value <= INTEGER_MAX:
            raise ValidationError(_l("This is not the id of a record."))


def record_id(**kwargs) -> fields.Integer:
    """A record's id: a positive 32-bit integer, the widest the id columns hold."""
    metadata = {"minimum": 1, "maximum": INTEGER_MAX} | kwargs.pop("metadata", {})
    return fields.Integer(strict=True, validate=[_IdRange()], metadata=metadata, **kwargs)


def version(**kwargs) -> fields.Integer:
    return record_id(metadata={"description": "The version read; a stale one gets 409."},
                     **kwargs)


# The largest figure or amount the forms take (crm.impact.forms, crm.funding.forms).
LARGEST_FIGURE = Decimal("1000000000000")


def _figure_bounds(value: Decimal) -> None:
    if abs(value) >= LARGEST_FIGURE:
        raise ValidationError(_l("This figure is too large."))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_l("Give at most two decimal places."))


def figure(**kwargs) -> fields.Decimal:
    """A figure or an amount, exact: a JSON number or a decimal text ("1234.50"), at most two
    decimal places, as the Centimes columns keep them; read back as a text."""
    invalid = _l("Give a number, as a JSON number or a text such as \"1234.50\".")
    return fields.Decimal(as_string=True, validate=[_figure_bounds],
                          error_messages={"invalid": invalid, "special": invalid},
                          metadata={"description": "At most two decimal places."}
                          | kwargs.pop("metadata", {}), **kwargs)


def enum(enum_cls, **kwargs) -> fields.Enum:
    return fields.Enum(enum_cls, by_value=True, **kwargs)


class FlagList(fields.List):
    """A set column (themes, SDGs) as a sorted JSON list."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return []
        return super()._serialize(sorted(value), attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return set(super()._deserialize(value, attr, data, **kwargs))


class TagNames(fields.List):
    """Tags written by name; read from the record's tag objects."""

    def __init__(self, **kwargs):
        super().__init__(text(length=60), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return [tag.name for tag in value or []]


# marshmallow's own messages, as the API says them in the requester's language.
MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Unknown field.": _l("This field is not accepted here."),
    "Field may not be null.": _l("This field cannot be null."),
    "Not a valid integer.": _l("Give a whole number."),
    "Not a valid number.": _l("Give a whole number."),
    "Number too large.": _l("Give a whole number."),
    "Not a valid string.": _l("Give a text."),
    "Not a valid boolean.": _l("Give true or false."),
    "Not a valid date.": _l("Give a date as YYYY-MM-DD."),
    "Not a valid datetime.": _l("Give a date and time in ISO 8601."),
    "Not a valid list.": _l("Give a list."),
    "Invalid input type.": _l("Send a JSON object."),
    "Invalid JSON body.": _l("The body is not valid JSON."),
    "Must be one of:": _l("Choose one of the allowed values."),
}


def translated(messages):
    """The error messages of a ValidationError, each one translated when it is marshmallow's."""
    if isinstance(messages, dict):
        return {str(key): translated(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [translated(message) for message in messages]
    text_ = str(messages)
    if text_.startswith("Must be one of:"):
        return str(MESSAGES["Must be one of:"])
    return str(MESSAGES.get(text_, text_))
