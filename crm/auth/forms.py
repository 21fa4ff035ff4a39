"""Forms for logging in, changing one's password and administering accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from crm.auth.models import Role
from crm.common.forms import CrmForm
from crm.i18n import NATIVE_NAMES

REQUIRED = _l("This field is required.")


def _language_choices() -> list[tuple[str, str]]:
    return list(NATIVE_NAMES.items())


class LoginForm(CrmForm):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)])
    next = HiddenField()


class ChangePasswordForm(CrmForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=12, message=_l("The password must have at least %(min)d characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new_password", message=_l("The two passwords are not the same.")),
        ],
    )


class ForgotPasswordForm(CrmForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(REQUIRED), Email(_l("This is not a valid email address."))],
    )


class ResetPasswordForm(CrmForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class UserForm(CrmForm):
    """Editing an account: name, role, language, active."""

    full_name = StringField(_l("Full name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=Role.choices)
    language = SelectField(_l("Language"), choices=_language_choices)
    active = BooleanField(_l("Active account"), default=True)


class NewUserForm(UserForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(REQUIRED), Email(_l("This is not a valid email address."))],
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=12, message=_l("The password must have at least %(min)d characters.")),
        ],
    )
