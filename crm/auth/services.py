"""Account operations: authentication, passwords, sessions, user administration."""

import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from crm.auth import devices
from crm.auth.models import Role, User
from crm.auth.passwords import check_password_strength
from crm.auth.permissions import ASSIGNABLE
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db

# Compared against when the email is unknown, so both failures cost the same time: made with
# the configured method (a cheaper one would answer faster for unknown addresses).
_dummy_hashes: dict[str, str] = {}


def normalize_email(email: str) -> str:
    """The canonical form of an email address, or ServiceError when it is not one."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ServiceError(_l("This is not a valid email address."), field="email") from error
    return result.normalized.lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


def list_users() -> list[User]:
    return list(db.session.scalars(db.select(User).order_by(User.role, User.email)))


def assignable_users():
    """The select of the users projects and follow-ups may be given to (the rule of
    `permissions.can_be_assigned`: active, of an assignable role), by name: the one query
    behind every officer or assignee picker and the workload report."""
    return (db.select(User).where(User.role.in_(ASSIGNABLE), User.active.is_(True))
            .order_by(User.full_name, User.email))


def list_assignable_users() -> list[User]:
    """The users projects and follow-ups may be given to, by name."""
    return list(db.session.scalars(assignable_users()))


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _dummy_hashes[method]


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (no hint of which failed)."""
    user = get_user_by_email(email)
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session of `user` (all devices)."""
    user.session_epoch += 1
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the user's own password; their other sessions end and their remembered
    devices ask for the code again."""
    if not check_password_hash(user.password_hash, current_password):
        raise ServiceError(_l("The current password is not correct."), field="current_password")
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.session_epoch += 1
    devices.forget_remembered_devices(user)
    db.session.commit()


def set_language(user: User, language: str) -> None:
    if language in current_app.config["LANGUAGES"]:
        user.language = language
        db.session.commit()


def create_user(
    actor: User | None, email: str, password: str, role: Role, language: str, full_name: str = ""
) -> User:
    """Create an account; the email must be new."""
    email = normalize_email(email)
    if get_user_by_email(email) is not None:
        raise ServiceError(_l("An account with this email already exists."), field="email")
    check_password_strength(password)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=role,
        language=language,
    )
    db.session.add(user)
    db.session.commit()
    return user


def update_user(
    actor: User, user: User, role: Role, language: str, active: bool, full_name: str
) -> None:
    """Change a user's role, language, name or active flag (deactivation ends their sessions)."""
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise ServiceError(_l("You cannot remove your own administrator access."))
    if user.active and not active:
        user.session_epoch += 1
    user.role, user.language, user.active = role, language, active
    user.full_name = full_name.strip()
    db.session.commit()


def upsert_user(email: str, password: str, role: Role, language: str = "fr") -> tuple[User, bool]:
    """Create the user or update its password and role (the CLI's create-user)."""
    email = normalize_email(email)
    user = get_user_by_email(email)
    if user is None:
        return create_user(None, email, password, role, language), True
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.role = role
    user.active = True
    user.session_epoch += 1
    devices.forget_remembered_devices(user)
    db.session.commit()
    return user, False


def regenerate_calendar_token(user: User) -> str:
    """A new secret for the user's calendar feed; the link given before stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.commit()
    return user.calendar_token


def get_user_by_calendar_token(token: str) -> User | None:
    """The active user whose calendar feed this secret opens, else None."""
    if not token:
        return None
    user = db.session.scalar(db.select(User).where(User.calendar_token == token))
    return user if user is not None and user.active else None
