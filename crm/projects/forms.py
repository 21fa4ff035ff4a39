"""Forms of the projects domain: creating, editing, moving and assigning a project."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from crm.common.forms import CrmForm
from crm.common.reference import Theme, sdg_labels

REQUIRED = _l("This field is required.")
# The fields compared with the saved record when a save is refused as a conflict.
FIELD_NAMES = ["name", "name_arabic", "description", "forum_id", "cohort", "themes", "sdgs"]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _id_or_none(value) -> int | None:
    return None if value in ("", None) else int(value)


def _sdg_choices() -> list[tuple[int, str]]:
    return [(number, f"{number}. {label}") for number, label in sdg_labels().items()]


class ProjectForm(CrmForm):
    """Editing a project's description (the officer and the stage have their own forms)."""

    name = StringField(_l("Name"), filters=[_strip], validators=[Length(max=200)])
    name_arabic = StringField(_l("Name in Arabic"), filters=[_strip],
                              validators=[Length(max=200)])
    description = TextAreaField(_l("Description"), filters=[_strip],
                                validators=[Length(max=5000)])
    # The choices (forum editions, newest first) are set by the view.
    forum_id = SelectField(_l("Forum edition"), choices=[], coerce=_id_or_none)
    cohort = StringField(_l("Other cohort"), filters=[_strip], validators=[Length(max=40)])
    themes = SelectMultipleField(_l("Themes"), choices=Theme.choices)
    sdgs = SelectMultipleField(_l("Sustainable Development Goals"), choices=_sdg_choices,
                               coerce=int)
    tag_names = StringField(_l("Tags"), filters=[_strip], validators=[Length(max=500)])
    version = HiddenField()


class NewProjectForm(ProjectForm):
    """Creating a project; the officer select is removed for those who may not assign."""

    officer_id = SelectField(_l("Program officer"), choices=[], validate_choice=True)


class MoveProjectForm(CrmForm):
    """Moving a project to another stage, from its page or from the board."""

    to_stage = SelectField(_l("Move to"), choices=[],
                           validators=[DataRequired(_l("Choose a stage."))])
    note = TextAreaField(_l("Note"), filters=[_strip], validators=[Length(max=2000)])
    version = HiddenField()
    next = HiddenField()


class AssignOfficerForm(CrmForm):
    officer_id = SelectField(_l("Program officer"), choices=[])
    version = HiddenField()
