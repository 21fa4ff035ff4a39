"""The bulk action form under a list of projects."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.bulk.models import BulkAction
from crm.common.forms import CrmForm, LeanSelect
from crm.followups.models import FollowUpKind


def _scope_choices():
    return [("selected", _l("The projects ticked on this page")),
            ("all", _l("Every project of this list (all pages)"))]


class BulkForm(CrmForm):
    scope = SelectField(_l("Projects"), choices=_scope_choices, default="selected")
    action = SelectField(_l("Action"), choices=BulkAction.choices,
                         validators=[DataRequired(_l("Choose an action."))])
    stage = SelectField(_l("Stage"), choices=[], validate_choice=False, widget=LeanSelect())
    note = TextAreaField(_l("Note (the reason, for an exit stage)"),
                         validators=[Length(max=2000)])
    officer_id = SelectField(_l("Officer"), choices=[], validate_choice=False,
                             widget=LeanSelect())
    tag = StringField(_l("Tag"), validators=[Length(max=60)])
    title = StringField(_l("Follow-up"), validators=[Length(max=200)])
    kind = SelectField(_l("Kind of follow-up"), choices=FollowUpKind.choices, default="call")
    due_on = DateField(_l("Due on"), validators=[Optional()])
    query = HiddenField()  # the list's filters, for "every project of this list"
