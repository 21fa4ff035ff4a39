"""Forms for inviting a person to the portal and opening the account from the link."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo

from crm.common.forms import CrmForm
from crm.i18n import NATIVE_NAMES

REQUIRED = _l("This field is required.")


def _language_choices() -> list[tuple[str, str]]:
    return list(NATIVE_NAMES.items())


class InvitationForm(CrmForm):
    language = SelectField(_l("Language of the invitation"), choices=_language_choices)


class AcceptInvitationForm(CrmForm):
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(
        _l("The same password again"),
        validators=[DataRequired(REQUIRED),
                    EqualTo("password", message=_l("The two passwords are not the same."))],
    )
    language = SelectField(_l("Language of the portal"), choices=_language_choices)
