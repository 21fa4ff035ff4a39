"""Forms of the attendee import: the file, the columns, the match decisions, the follow-ups."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from crm.common.forms import CrmForm
from crm.common.ids import parse_id
from crm.followups.models import FollowUpKind
from crm.imports.mapping import FIELDS
from crm.imports.reading import MAX_BYTES

REQUIRED = _l("This field is required.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class UploadForm(CrmForm):
    """The attendee file as the registration tool produced it."""

    file = FileField(_l("Attendee file"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx", "txt"], _l("Choose a CSV or an Excel (.xlsx) file.")),
        FileSize(MAX_BYTES, message=_l("The file is too large (20 MB at most).")),
    ])


class MappingForm(CrmForm):
    """Which column of the file holds each field: one select per field of FIELDS, added below
    (the choices are the file's columns, set by the view)."""

    def set_columns(self, choices: list[tuple[str, str]]) -> None:
        """The same choices for every field: "" (not in the file), then each column."""
        for name in FIELDS:
            self[name].choices = choices

    def chosen_mapping(self) -> dict[str, int]:
        """field -> column index, for the fields given a column."""
        chosen = {name: parse_id(self[name].data) for name in FIELDS}
        return {name: index for name, index in chosen.items() if index is not None}


for _name, (_label, _words) in FIELDS.items():
    setattr(MappingForm, _name, SelectField(_label, choices=[], default=""))
del _name, _label, _words


class MatchDecisionsForm(CrmForm):
    """The matches of one preview page: those shown, and those ticked as the same person."""

    shown = SelectMultipleField(coerce=int, validate_choice=False)
    same = SelectMultipleField(coerce=int, validate_choice=False)

    def refused_lines(self) -> set[int]:
        return set(self.shown.data or []) - set(self.same.data or [])

    def decided_lines(self) -> set[int]:
        return set(self.shown.data or [])


def _in_a_week() -> date:
    return date.today() + timedelta(days=7)


class ImportedFollowUpsForm(CrmForm):
    """One follow-up for each person the import created or found."""

    kind = SelectField(_l("Kind"), choices=FollowUpKind.choices, default=FollowUpKind.CALL.value)
    title = StringField(_l("What is to be done"), filters=[_strip],
                        validators=[DataRequired(REQUIRED), Length(max=200)])
    due_on = DateField(_l("Due date"), default=_in_a_week,
                       validators=[DataRequired(_l("Give a valid date."))])
    assignee_id = SelectField(_l("Assigned to"), choices=[])


class NameCorrectionForm(CrmForm):
    """A line's first and last name as the officer spells them on the preview."""

    first_name = StringField(_l("First name"), filters=[_strip], validators=[Length(max=100)])
    last_name = StringField(_l("Last name"), filters=[_strip], validators=[Length(max=100)])
