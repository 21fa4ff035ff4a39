"""What a new password must be: long enough, and not one of the most common passwords.

`common-passwords.txt.gz` holds the 10,000 most common passwords of the list Django ships
(django/contrib/auth/common-passwords.txt.gz, from Royce Williams' breached-password
compilation; Django is under the BSD licence)."""

import gzip
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from crm.errors import ServiceError

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    """Read once, on the first password set."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def check_password_strength(password: str) -> None:
    """ServiceError unless the password is long enough and not a common one; any script and
    any length above the minimum are welcome."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ServiceError(
            _l("The password must have at least %(count)d characters.", count=minimum),
            field="password",
        )
    if password.strip().lower() in common_passwords():
        raise ServiceError(
            _l("This password is among the most common ones and easy to guess: choose another."),
            field="password",
        )
