"""Forms for logging in, changing one's password and administering accounts."""

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp

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


def _without_spaces(value):
    """A code as typed, without the spaces people put in it ("123 456")."""
    return re.sub(r"\s", "", value) if isinstance(value, str) else value


# The six digits of an authenticator app: the phone's keyboard shows digits, and browsers and
# password managers recognise a one-time code.
APP_CODE_INPUT = {"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "7"}
# A code of the app or a recovery code (letters): any keyboard.
ANY_CODE_INPUT = {"autocomplete": "one-time-code", "autocapitalize": "none",
                  "spellcheck": "false", "maxlength": "40"}


class AppCodeForm(CrmForm):
    """Confirms the setup: a code of the app that was just given the secret."""

    code = StringField(
        _l("6-digit code from the app"),
        filters=[_without_spaces],
        validators=[DataRequired(REQUIRED),
                    Regexp(r"^\d{6}$", message=_l("Enter the 6 digits shown by the app."))],
        render_kw=APP_CODE_INPUT,
    )


class SignInCodeForm(AppCodeForm):
    """The second step of signing in."""

    remember = BooleanField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = current_app.config["TWO_FACTOR_REMEMBER_DAYS"]
        self.remember.label.text = ngettext("Remember this device for %(num)d day",
                                            "Remember this device for %(num)d days", days)


class RecoveryCodeForm(CrmForm):
    """Signing in with a recovery code instead of the app."""

    code = StringField(_l("Recovery code"), validators=[DataRequired(REQUIRED), Length(max=40)],
                       render_kw={"autocomplete": "off", "autocapitalize": "none",
                                  "spellcheck": "false", "maxlength": "40"})


class RenewRecoveryCodesForm(CrmForm):
    code = StringField(_l("Code from the app, or a recovery code"),
                       validators=[DataRequired(REQUIRED), Length(max=40)],
                       render_kw=ANY_CODE_INPUT)


class TurnOffTwoFactorForm(CrmForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    code = StringField(_l("Code from the app, or a recovery code"),
                       validators=[DataRequired(REQUIRED), Length(max=40)],
                       render_kw=ANY_CODE_INPUT)


class RequireTwoFactorForm(CrmForm):
    """An administrator's button: "1" requires two-factor sign-in, "0" stops requiring it."""

    required = HiddenField()
