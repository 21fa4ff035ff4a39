"""Forms of the forums screens: editions, sessions, participations and bulk follow-ups."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from crm.common.forms import CrmForm
from crm.followups.forms import default_due_on
from crm.followups.models import FollowUpKind
from crm.forums.models import ParticipationRole, SessionKind

REQUIRED = _l("This field is required.")
VALID_DATE = _l("Give a valid date.")
# Who a session's bulk follow-up is for.
LEADS, EVERYONE = "leads", "all"


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _audience_choices() -> list[tuple[str, str]]:
    return [(LEADS, str(_l("Every speaker and moderator"))),
            (EVERYONE, str(_l("Every participant")))]


class ForumForm(CrmForm):
    """Creating a forum edition."""

    name = StringField(_l("Name"), filters=[_strip],
                       validators=[DataRequired(REQUIRED), Length(max=120)])
    number = IntegerField(_l("Edition number"), validators=[
        Optional(), NumberRange(min=1, max=999, message=_l("A whole number from 1 to 999."))])
    held_on = DateField(_l("Date"), validators=[DataRequired(VALID_DATE)])
    city = StringField(_l("City"), filters=[_strip], validators=[Length(max=100)])
    theme = TextAreaField(_l("Theme"), filters=[_strip], validators=[Length(max=2000)])


class SessionForm(CrmForm):
    """Adding a session (plenary, workshop, closing) to a forum, named in three languages."""

    kind = SelectField(_l("Kind of session"), choices=SessionKind.choices, default="workshop")
    name_fr = StringField(_l("Name in French"), filters=[_strip],
                          validators=[DataRequired(REQUIRED), Length(max=200)])
    name_ar = StringField(_l("Name in Arabic"), filters=[_strip], validators=[Length(max=200)])
    name_en = StringField(_l("Name in English"), filters=[_strip], validators=[Length(max=200)])


class ParticipationForm(CrmForm):
    """Listing a person (chosen among search results) in a session."""

    person_id = IntegerField(_l("Person"), validators=[DataRequired(_l("Choose a person."))])
    role = SelectField(_l("Role"), choices=ParticipationRole.choices, default="participant")
    attended = BooleanField(_l("Attended"), default=True)


class SessionFollowUpForm(CrmForm):
    """One follow-up for each speaker (or each participant) of a session."""

    people = RadioField(_l("Who to follow up"), default=LEADS, choices=_audience_choices)
    kind = SelectField(_l("What to do"), choices=FollowUpKind.choices, default="call")
    title = StringField(_l("Title"), filters=[_strip],
                        validators=[DataRequired(REQUIRED), Length(max=200)])
    due_on = DateField(_l("Due date"), default=default_due_on,
                       validators=[DataRequired(VALID_DATE)])
    assignee_id = SelectField(_l("Assigned to"), choices=[],
                              validators=[DataRequired(_l("Choose who will do it."))])
