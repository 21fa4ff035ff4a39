"""Password reset by email: a signed link, valid a few hours, that works once (using it bumps
the session epoch the link was signed with, which also ends every other session)."""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from crm.auth import devices
from crm.auth import services as auth_services
from crm.auth.models import User
from crm.common.mail import build_message, send_messages
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.followups.links import absolute_url
from crm.jobs.runner import enqueue

log = logging.getLogger(__name__)

SALT = "password-reset"
LINK_MESSAGES = {
    "invalid": _l("This link is not valid: it may be incomplete or altered. Copy the whole "
                  "link from the email."),
    "expired": _l("This link has expired."),
    "used": _l("This link was already used, or your password or sessions changed since it was "
               "sent."),
}


class ResetLinkError(ServiceError):
    """A reset link that opens nothing; `reason` is a key of LINK_MESSAGES."""

    def __init__(self, reason: str):
        super().__init__(LINK_MESSAGES[reason])
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def make_token(user: User, hours: int | None = None) -> str:
    """The signed link's secret; `hours` it works (the reset's setting unless given: an
    invitation to choose a first password lasts days)."""
    data = {"u": user.id, "e": user.session_epoch}
    if hours is not None:
        data["h"] = hours
    return _serializer().dumps(data)


def _message(user: User) -> EmailMessage:
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    url = absolute_url("auth.reset_password", token=make_token(user))
    with force_locale(user.language):
        lines = [
            _("Hello %(name)s,", name=user.display_name), "",
            _("Someone, probably you, asked to choose a new password for the account "
              "%(email)s.", email=user.email), "",
            ngettext("To choose it, follow this link within %(num)d hour (it works once):",
                     "To choose it, follow this link within %(num)d hours (it works once):",
                     hours), url, "",
            _("If you did not ask for this, ignore this email: your password stays the same."),
        ]
        subject = _("Choose a new password")
    return build_message(user.display_name, user.email, subject, "\n".join(lines) + "\n",
                         user.language)


def request_reset(email: str) -> bool:
    """Have a reset link emailed to the active account using this address, in the background:
    the answer takes the same time whether there is an account or not. False when there is
    none; the caller answers the same either way, so nobody learns who has an account."""
    user = auth_services.get_user_by_email(email)
    if user is None or not user.active:
        return False
    enqueue("auth.send_reset", user.id)
    return True


def send_reset(user_id: int) -> None:
    """The background task: email the link (a failure is logged, there is nobody to tell)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return
    try:
        send_messages([_message(user)])
    except (OSError, smtplib.SMTPException) as error:
        log.warning("password reset link for user %s not sent: %s", user.id, error)


def load(token: str) -> User:
    """The user this reset link is for, or ResetLinkError saying why it opens nothing."""
    try:
        data = _serializer().loads(token)  # signed by us: its lifetime can be read
        hours = data.get("h") if isinstance(data, dict) else None
        if not isinstance(hours, int):
            hours = current_app.config["PASSWORD_RESET_HOURS"]
        _serializer().loads(token, max_age=hours * 3600)
    except SignatureExpired as error:
        raise ResetLinkError("expired") from error
    except BadSignature as error:
        raise ResetLinkError("invalid") from error
    if (not isinstance(data, dict) or not isinstance(data.get("u"), int)
            or not isinstance(data.get("e"), int)):
        raise ResetLinkError("invalid")
    user = db.session.get(User, data["u"])
    if user is None or not user.active:
        raise ResetLinkError("invalid")
    if user.session_epoch != data["e"]:
        raise ResetLinkError("used")
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password from the link; the link and every session of the user end."""
    user = load(token)
    epoch = user.session_epoch
    auth_services.check_password_strength(password)
    password_hash = auth_services.hash_password(password)
    # Conditional on the epoch the link was signed with: of two racing requests, one wins.
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.session_epoch == epoch, User.active.is_(True))
        .values(password_hash=password_hash, session_epoch=epoch + 1, last_login_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ResetLinkError("used")
    devices.forget_remembered_devices(user)  # a new password: every device asks again
    db.session.commit()  # expires `user`: it is read again with the new epoch
    return user
