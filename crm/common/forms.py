"""Forms shared by every domain."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class EmptyForm(FlaskForm):
    """A POST-only button: carries nothing but the CSRF token."""


class LanguageForm(FlaskForm):
    """The language switcher, present on every page."""

    lang = HiddenField()
    next = HiddenField()
