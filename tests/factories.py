"""Plain builder functions for test data; each commits what it builds."""

import itertools

from werkzeug.security import generate_password_hash

from crm.auth.models import Role, User
from crm.extensions import db

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
_counter = itertools.count(1)


def make_user(role=Role.OFFICER, email=None, language="en", active=True, full_name=None) -> User:
    n = next(_counter)
    role = Role(role)
    user = User(
        email=email or f"{role.value}{n}@example.org",
        full_name=full_name if full_name is not None else f"{role.value.title()} {n}",
        password_hash=_PASSWORD_HASH,
        role=role,
        language=language,
        active=active,
    )
    db.session.add(user)
    db.session.commit()
    return user
