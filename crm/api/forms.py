"""The account page's form for a new API token."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from crm.api.models import Scope
from crm.api.tokens import DEFAULT_DAYS
from crm.common.forms import CrmForm

DAYS = [(30, _l("30 days")), (90, _l("90 days")), (180, _l("180 days")),
        (365, _l("One year"))]


class NewTokenForm(CrmForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("This field is required.")),
                                               Length(max=100)])
    scope = SelectField(_l("Access"), choices=[], default=Scope.READ.value)
    days = SelectField(_l("Valid for"), choices=[], coerce=int, default=DEFAULT_DAYS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [SelectChoice(value, label) for value, label in Scope.choices()]
        self.days.choices = [SelectChoice(days, str(label)) for days, label in DAYS]
