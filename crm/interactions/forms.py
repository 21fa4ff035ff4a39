"""Logging an interaction."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from crm.common.forms import CrmForm
from crm.interactions.models import InteractionKind

REQUIRED = _l("This field is required.")


class InteractionForm(CrmForm):
    kind = SelectField(_l("What happened"), choices=InteractionKind.choices)
    occurred_on = DateField(_l("Date"), default=date.today,
                            validators=[DataRequired(_l("Give a valid date."))])
    summary = StringField(_l("Summary"), validators=[DataRequired(REQUIRED), Length(max=300)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    person_id = HiddenField()
    organization_id = HiddenField()
    project_id = HiddenField()
