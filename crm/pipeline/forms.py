"""Forms of the pipeline domain: the board's filters and the administration of stages."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from crm.common.forms import CrmForm

REQUIRED = _l("This field is required.")
NAME_REQUIRED = _l("A stage needs a name in each language.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class StageForm(CrmForm):
    """A stage's names in the three languages, its place in the pipeline, whether in use."""

    name_ar = StringField(_l("Name in Arabic"), filters=[_strip],
                          validators=[DataRequired(NAME_REQUIRED), Length(max=80)])
    name_fr = StringField(_l("Name in French"), filters=[_strip],
                          validators=[DataRequired(NAME_REQUIRED), Length(max=80)])
    name_en = StringField(_l("Name in English"), filters=[_strip],
                          validators=[DataRequired(NAME_REQUIRED), Length(max=80)])
    position = IntegerField(
        _l("Position"),
        validators=[InputRequired(_l("Give a whole number.")),
                    NumberRange(min=0, max=100000, message=_l("Give a whole number."))],
    )
    active = BooleanField(_l("In use"), default=True)
    stale_after_days = IntegerField(
        _l("Flag a project after this many days without activity"),
        validators=[Optional(), NumberRange(min=1, max=3650, message=_l(
            "Give a number of days from 1 to 3,650, or leave it empty."))])


class NewStageForm(StageForm):
    code = StringField(
        _l("Code"),
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[DataRequired(REQUIRED), Length(max=30),
                    Regexp(r"^[a-z][a-z0-9_-]*$",
                           message=_l("Use lower-case Latin letters, digits, - and _."))],
    )
    is_exit = BooleanField(_l("Exit stage (a reason is required to move a project there)"))
