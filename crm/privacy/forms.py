"""Forms of the privacy screens: recording a consent."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from crm.common.forms import CrmForm
from crm.privacy.models import ConsentPurpose, ConsentSource

# The person page holds other forms: the consent form's fields are prefixed to keep ids apart.
PREFIX = "consent"


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ConsentForm(CrmForm):
    """What the person agreed to, how it was collected and when."""

    purpose = SelectField(_l("Purpose"), choices=ConsentPurpose.choices)
    source = SelectField(_l("Collected through"), choices=ConsentSource.choices)
    source_detail = StringField(_l("Detail of the source"), filters=[_strip],
                                validators=[Length(max=200)],
                                description=_l("For example the form's reference or the "
                                               "forum edition."))
    given_on = DateField(_l("Given on"), default=date.today,
                         validators=[DataRequired(_l("Give a valid date."))])


def consent_form(**kwargs) -> ConsentForm:
    return ConsentForm(prefix=PREFIX, **kwargs)
