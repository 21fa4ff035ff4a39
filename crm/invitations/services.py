"""Portal invitations: inviting a person by email, sending again, withdrawing, and opening
the innovator's account from the signed link, once."""

import hmac
import logging
import secrets
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from crm.audit import services as audit
from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.common.mail import build_message, send_messages
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.followups.links import absolute_url
from crm.invitations.models import Invitation, InvitationStatus
from crm.people.models import Person

log = logging.getLogger(__name__)

ENTITY = "person"  # invitations are recorded in the history of the person invited
SALT = "portal-invitation"
ACCOUNT_EXISTS = _l("An account already uses this email.")
LINK_MESSAGES = {
    "invalid": _l("This invitation link is not valid: it may be incomplete or altered. Copy "
                  "the whole link from the email."),
    "expired": _l("This invitation has expired."),
    "replaced": _l("A newer invitation was sent to you since this one: use the link in the "
                   "most recent email."),
    "used": _l("This invitation has already been used to open an account: log in with your "
               "email and password."),
    "revoked": _l("This invitation was withdrawn."),
}


class LinkError(ServiceError):
    """An invitation link that opens nothing; `reason` is a key of LINK_MESSAGES."""

    def __init__(self, reason: str):
        super().__init__(LINK_MESSAGES[reason])
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def make_token(invitation: Invitation) -> str:
    """The secret part of the link: signed, and tied to the invitation's current nonce."""
    return _serializer().dumps({"i": invitation.id, "n": invitation.nonce})


def _lifetime() -> timedelta:
    return timedelta(days=current_app.config["INVITATION_DAYS"])


def _language(language: str | None) -> str:
    languages = current_app.config["LANGUAGES"]
    return language if language in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def get_invitation(invitation_id: int) -> Invitation | None:
    return db.session.get(Invitation, invitation_id)


def account_of(person_id: int) -> User | None:
    """The portal account of this person, if they opened one."""
    return db.session.scalar(db.select(User).where(User.person_id == person_id))


def invitations_of(person_id: int) -> list[Invitation]:
    """Every invitation sent to the person, newest first."""
    query = (db.select(Invitation).where(Invitation.person_id == person_id)
             .options(db.selectinload(Invitation.invited_by), db.selectinload(Invitation.user))
             .order_by(Invitation.id.desc()))
    return list(db.session.scalars(query))


def _check_invitable(person: Person, email: str | None) -> None:
    if person.anonymized_at is not None:
        raise ServiceError(_l("This person's data was anonymized: they cannot be invited."))
    if person.merged_into_id is not None:
        raise ServiceError(_l("This record was merged into another one: invite the person from "
                              "the record that was kept."))
    if person.is_archived:
        raise ServiceError(_l("This person is archived: restore them before inviting them."))
    if not email:
        raise ServiceError(_l("This person has no email address: add one before inviting "
                              "them."), field="email")
    if account_of(person.id) is not None:
        raise ServiceError(_l("This person already has a portal account."))
    if auth_services.get_user_by_email(email) is not None:
        raise ServiceError(ACCOUNT_EXISTS, field="email")


def _revoke_pending(person_id: int, now, keep_id: int | None = None) -> None:
    """Only one link per person works at a time."""
    for earlier in db.session.scalars(db.select(Invitation).where(
            Invitation.person_id == person_id, Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None), Invitation.expires_at > now)):
        if earlier.id != keep_id:
            earlier.revoked_at = now


def _message(invitation: Invitation) -> EmailMessage:
    """The invitation email, in the invitation's language."""
    person, inviter = invitation.person, invitation.invited_by
    url = absolute_url("invitations.accept_invitation", token=make_token(invitation))
    with force_locale(invitation.language):
        lines = [
            _("Hello %(name)s,", name=person.display_name), "",
            _("%(inviter)s invites you to open your account on the portal of the foundation. "
              "There you can keep your profile, your organization and your project up to date, "
              "and report your impact.",
              inviter=inviter.display_name if inviter else _("The foundation")), "",
            _("To open your account and choose your password, follow this link:"), url, "",
            _("The link works once, until %(date)s at %(time)s.",
              date=format_date(invitation.expires_at, "full"),
              time=format_time(invitation.expires_at, "short")), "",
            _("If you were not expecting this invitation, you can ignore this email."),
        ]
        subject = _("Your invitation to the foundation's portal")
    return build_message(person.display_name, invitation.email, subject, "\n".join(lines) + "\n",
                         invitation.language)


def _send_and_commit(invitation: Invitation) -> None:
    """Send the email, then keep the invitation; nothing is kept when the email did not go."""
    email = invitation.email
    try:
        sent = send_messages([_message(invitation)])
    except (OSError, smtplib.SMTPException) as error:
        db.session.rollback()
        log.warning("invitation to %s not sent: %s", email, error)
        raise ServiceError(_l("The email could not be sent: the mail server did not answer. "
                              "Nothing was saved; try again later.")) from error
    if sent != 1:
        db.session.rollback()
        raise ServiceError(_l("The mail server refused the address %(email)s. Nothing was "
                              "saved.", email=email))
    db.session.commit()


def invite(actor, person: Person, language: str) -> Invitation:
    """Email the person a link to open their portal account; an earlier pending link ends."""
    _check_invitable(person, person.email)
    email = auth_services.normalize_email(person.email)
    if auth_services.get_user_by_email(email) is not None:
        raise ServiceError(ACCOUNT_EXISTS, field="email")
    now = utcnow()
    _revoke_pending(person.id, now)
    invitation = Invitation(person=person, email=email, language=_language(language),
                            nonce=secrets.token_hex(16), invited_by=actor, sent_at=now,
                            expires_at=now + _lifetime())
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "invite", ENTITY, person.id,
                 {"email": [None, email], "language": [None, invitation.language]})
    _send_and_commit(invitation)
    return invitation


def resend(actor, invitation: Invitation) -> Invitation:
    """Send a pending or expired invitation again with a new link; older links stop working."""
    if invitation.status() not in (InvitationStatus.PENDING, InvitationStatus.EXPIRED):
        raise ServiceError(_l("Only an invitation waiting for an answer or expired can be sent "
                              "again."))
    _check_invitable(invitation.person, invitation.email)
    now = utcnow()
    _revoke_pending(invitation.person_id, now, keep_id=invitation.id)
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at, invitation.expires_at = now, now + _lifetime()
    invitation.invited_by = actor
    audit.record(actor, "invitation_resent", ENTITY, invitation.person_id,
                 {"email": [None, invitation.email]})
    _send_and_commit(invitation)
    return invitation


def revoke(actor, invitation: Invitation) -> None:
    """Withdraw an invitation: its link stops working."""
    if invitation.used_at is not None or invitation.revoked_at is not None:
        raise ServiceError(_l("This invitation was already used or withdrawn."))
    invitation.revoked_at = utcnow()
    audit.record(actor, "invitation_revoked", ENTITY, invitation.person_id,
                 {"email": [None, invitation.email]})
    db.session.commit()


def _decode(token: str) -> dict:
    max_age = int(_lifetime().total_seconds())
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkError("expired") from error
    except BadSignature as error:
        raise LinkError("invalid") from error
    if (not isinstance(data, dict) or not isinstance(data.get("i"), int)
            or not isinstance(data.get("n"), str)):
        raise LinkError("invalid")
    return data


def load(token: str) -> Invitation:
    """The invitation this link opens, or LinkError saying why it opens nothing."""
    data = _decode(token)
    invitation = db.session.get(Invitation, data["i"])
    if invitation is None:
        raise LinkError("invalid")
    person = invitation.person
    if invitation.used_at is not None:
        raise LinkError("used")
    if (invitation.revoked_at is not None or person.anonymized_at is not None
            or person.merged_into_id is not None or person.is_archived):
        raise LinkError("revoked")
    if not hmac.compare_digest(invitation.nonce, data["n"]):
        raise LinkError("replaced")
    if invitation.expires_at <= utcnow():
        raise LinkError("expired")
    return invitation


def _claim(invitation: Invitation, nonce: str, now) -> bool:
    """Mark the invitation used if nobody did in between (one conditional UPDATE: a request
    racing this one waits for it, then finds nothing to claim)."""
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.nonce == nonce,
               Invitation.used_at.is_(None), Invitation.revoked_at.is_(None),
               Invitation.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def accept(token: str, password: str, language: str) -> User:
    """Open the innovator's account from the invitation link (once) and return it."""
    invitation = load(token)
    nonce, person = invitation.nonce, invitation.person
    auth_services.check_password_strength(password)
    if account_of(person.id) is not None or auth_services.get_user_by_email(invitation.email):
        raise ServiceError(ACCOUNT_EXISTS)
    password_hash = auth_services.hash_password(password)  # slow: before taking the row
    now = utcnow()
    if not _claim(invitation, nonce, now):
        db.session.rollback()
        load(token)  # raises the reason: used, withdrawn or replaced in the meantime
        raise LinkError("used")
    user = User(role=Role.INNOVATOR, email=invitation.email,
                full_name=person.display_name[:200], person_id=person.id,
                language=_language(language), password_hash=password_hash, last_login_at=now)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same email or person, opened by a racing request
        db.session.rollback()
        raise ServiceError(ACCOUNT_EXISTS) from error
    invitation.used_at, invitation.user_id = now, user.id
    audit.record(user, "invitation_accepted", ENTITY, person.id,
                 {"email": [None, invitation.email]})
    db.session.commit()
    return user
