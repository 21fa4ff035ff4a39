"""The form that adds a document to a record."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from crm.common.forms import CrmForm


class DocumentForm(CrmForm):
    """One file; its kind and size are checked by the service, from its content."""

    file = FileField(_l("Document"), validators=[FileRequired(_l("Choose a file."))])
    next = HiddenField()
