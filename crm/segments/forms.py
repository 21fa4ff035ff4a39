"""Saving the list one is looking at as a segment."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from crm.common.forms import CrmForm


class SegmentForm(CrmForm):
    name = StringField(_l("Name of the segment"), filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired(_l("Name the segment.")),
                                   Length(max=120, message=_l("At most %(max)d characters."))])
    shared = BooleanField(_l("Share it with the team"))
    entity = HiddenField()
    query = HiddenField()  # the list's query string when the form was shown
