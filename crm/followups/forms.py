"""Forms of the follow-ups screens: planning one, closing it, rescheduling it."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from crm.common.forms import CrmForm
from crm.followups.models import FollowUpKind

REQUIRED = _l("This field is required.")
VALID_DATE = _l("Give a valid date.")
# How far ahead a new follow-up is due unless the officer says otherwise.
DEFAULT_DELAY_DAYS = 7
# The fields compared with the saved follow-up when a reschedule is refused as a conflict.
RESCHEDULE_FIELDS = ["due_on", "assignee_id"]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def default_due_on() -> date:
    return date.today() + timedelta(days=DEFAULT_DELAY_DAYS)


class FollowUpForm(CrmForm):
    """Planning one follow-up for a person, an organization or a project."""

    kind = SelectField(_l("What to do"), choices=FollowUpKind.choices, default="call")
    title = StringField(_l("Title"), filters=[_strip],
                        validators=[DataRequired(REQUIRED), Length(max=200)])
    due_on = DateField(_l("Due date"), default=default_due_on,
                       validators=[DataRequired(VALID_DATE)])
    assignee_id = SelectField(_l("Assigned to"), choices=[],
                              validators=[DataRequired(_l("Choose who will do it."))])
    shared = BooleanField(_l("Show it to the innovators in their portal"))
    person_id = HiddenField()
    organization_id = HiddenField()
    project_id = HiddenField()
    next = HiddenField()


class CompleteFollowUpForm(CrmForm):
    """Closing a follow-up: what came of it becomes an interaction."""

    outcome = TextAreaField(_l("What came of it"), filters=[_strip],
                            validators=[DataRequired(_l("Say what came of it.")),
                                        Length(max=5000)])
    version = HiddenField()
    next = HiddenField()


class RescheduleFollowUpForm(CrmForm):
    due_on = DateField(_l("Due date"), validators=[DataRequired(VALID_DATE)])
    assignee_id = SelectField(_l("Assigned to"), choices=[],
                              validators=[DataRequired(_l("Choose who will do it."))])
    version = HiddenField()
    next = HiddenField()
