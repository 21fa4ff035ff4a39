"""The bulk action form under a list of projects, people or organizations."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.bulk.models import BulkAction
from crm.common.forms import CrmForm, LeanSelectField
from crm.followups.models import FollowUpKind
from crm.forums.models import ParticipationRole


def _scopes() -> list[tuple[str, str]]:
    """The two scopes; their labels name the list's records (BulkForm.for_entity)."""
    return [("selected", ""), ("all", "")]


class BulkStartForm(CrmForm):
    """The first step under a list: which rows and which action (what the action needs comes
    next, in BulkForm). The list pages build this one only: a form of fourteen fields on
    every list page cost it a millisecond."""

    scope = SelectField(_l("Projects"), choices=_scopes, default="selected")
    action = SelectField(_l("Action"), choices=BulkAction.choices,
                         validators=[DataRequired(_l("Choose an action."))])
    query = HiddenField()  # the list's filters, for "every record of this list"

    def for_entity(self, entity):
        """Says which records the choices are about (`entity` of crm.bulk.entities)."""
        self.entity = entity
        self.scope.label.text = entity.texts["title"]
        self.scope.choices = [("selected", entity.texts["ticked"]),
                              ("all", entity.texts["all"])]
        return self


class BulkForm(BulkStartForm):
    """The whole bulk form: the first step's fields and what each action needs."""

    stage = LeanSelectField(_l("Stage"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Note (the reason, for an exit stage)"),
                         validators=[Length(max=2000)])
    officer_id = LeanSelectField(_l("Officer"), choices=[], validate_choice=False)
    tag = StringField(_l("Tag"), validators=[Length(max=60)])
    title = StringField(_l("Follow-up"), validators=[Length(max=200)])
    kind = SelectField(_l("Kind of follow-up"), choices=FollowUpKind.choices, default="call")
    due_on = DateField(_l("Due on"), validators=[Optional()])
    session_id = LeanSelectField(_l("Forum session"), choices=[], validate_choice=False)
    role = SelectField(_l("Role"), choices=ParticipationRole.choices, default="participant")
    attended = BooleanField(_l("Attended"))


def list_form(entity, actions: list[BulkAction], query: str) -> BulkStartForm:
    """The first step under a list: which rows and which action (among `actions`, those the
    reader may take); what the action needs comes next."""
    form = BulkStartForm(formdata=None, query=query).for_entity(entity)
    form.action.choices = [(a.value, a.label) for a in actions]
    return form
