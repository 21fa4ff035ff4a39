"""What every domain's views share: the acting user, a missing record as a 404 and showing a
broken rule to the user."""

from typing import TypeVar

from flask import abort, flash
from flask_login import current_user

from crm.errors import ServiceError


def actor():
    """The logged-in user as a plain object, to hand to services."""
    return current_user._get_current_object()


T = TypeVar("T")


def found_or_404(record: T | None) -> T:
    """The record a URL names, or a 404 when there is none (or none this user may know of)."""
    if record is None:
        abort(404)
    return record


def report_service_error(form, error: ServiceError) -> None:
    """A business-rule error goes next to its field, or in a flash when it names none."""
    if error.field and error.field in form:
        form[error.field].errors.append(str(error.message))
    else:
        flash(str(error.message), "danger")
