"""The form of a webhook endpoint: where, which events, as whom."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from crm.common.forms import CrmForm
from crm.webhooks.events import EVENTS

REQUIRED = _l("This field is required.")
TOO_LONG = _l("At most %(max)d characters.")


def _event_choices() -> list[tuple[str, str]]:
    return [(name, f"{label} ({name})") for name, label in EVENTS.items()]


def _id_or_none(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


class EndpointForm(CrmForm):
    url = StringField(_l("Address of the receiving system (URL)"),
                      validators=[DataRequired(REQUIRED), Length(max=500, message=TOO_LONG)],
                      render_kw={"dir": "ltr", "inputmode": "url", "autocomplete": "off"})
    description = StringField(_l("Description"), validators=[Length(max=200, message=TOO_LONG)])
    events = SelectMultipleField(_l("Events it receives"), choices=_event_choices,
                                 widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput())
    # Choices: the active accounts (filled by the view).
    acting_as_id = SelectField(_l("Acting as"), choices=[], coerce=_id_or_none,
                               validators=[DataRequired(REQUIRED)])
    active = BooleanField(_l("Active"), default=True)
    version = HiddenField()
