"""External reviewers: invited by email to an account that sees only the applications given
to it, where they choose their password through a signed link."""

import logging
import secrets
import smtplib

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.audit import services as audit
from crm.auth import reset
from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.calls.models import Call
from crm.common.mail import build_message, send_messages
from crm.errors import ServiceError
from crm.extensions import db
from crm.followups.links import absolute_url

log = logging.getLogger(__name__)


def _message(inviter: User, reviewer: User, call: Call):
    days = current_app.config["INVITATION_DAYS"]
    url = absolute_url("auth.reset_password",
                       token=reset.make_token(reviewer, hours=24 * days))
    with force_locale(reviewer.language):
        lines = [
            _("Hello %(name)s,", name=reviewer.display_name), "",
            _("%(inviter)s invites you to review applications to the call “%(call)s” of the "
              "foundation.", inviter=inviter.display_name, call=call.title), "",
            ngettext("To open your reviewer account, choose your password through this link "
                     "within %(num)d day:",
                     "To open your reviewer account, choose your password through this link "
                     "within %(num)d days:", days), url, "",
            _("Your account shows only the applications given to you."), "",
        ]
        subject = _("Reviewing applications to %(call)s", call=call.title)
    return build_message(reviewer.display_name, reviewer.email, subject, "\n".join(lines),
                         reviewer.language)


def invite(actor, call: Call, email: str, full_name: str, language: str) -> User:
    """Open an external reviewer's account and email them the link to choose a password.
    Nothing is kept when the email does not go."""
    reviewer = auth_services.create_user(actor, email, secrets.token_urlsafe(32),
                                         Role.REVIEWER, language, full_name)
    try:
        sent = send_messages([_message(actor, reviewer, call)])
    except (OSError, smtplib.SMTPException) as error:
        log.warning("reviewer invitation to %s not sent: %s", reviewer.email, error)
        sent = 0
    if sent != 1:
        db.session.delete(reviewer)
        db.session.commit()
        raise ServiceError(_l("The email could not be sent: the mail server did not answer "
                              "or refused the address. Nothing was saved; try again later."))
    audit.record(actor, "update", "call", call.id, {"reviewer_invited": [None, reviewer.email]})
    db.session.commit()
    return reviewer
