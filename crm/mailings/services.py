"""Writing a mailing, sending it to the consenting people of its list through the job queue
at a measured pace (each email an interaction on the person's timeline), and the
unsubscribe link that withdraws the consent without logging in."""

import hashlib
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update

from crm.audit import services as audit
from crm.auth.models import Role
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.jobs.runner import enqueue
from crm.mailings.audience import audience
from crm.mailings.models import LANGUAGES, DeliveryStatus, Mailing, MailingStatus, Recipient
from crm.privacy import services as privacy
from crm.privacy.models import Consent, ConsentPurpose

log = logging.getLogger(__name__)

ENTITY = "mailing"
TEXT_FIELDS = [f"{part}_{lang}" for lang in LANGUAGES for part in ("subject", "body")]
FIELDS = ["purpose", *TEXT_FIELDS]
NAME_FIELD = "{name}"  # replaced by the recipient's name in the subject and the body


def _check_texts(data: dict) -> None:
    """At least one language written in full; none with a subject and no body, or the
    reverse (that language's readers would get half an email)."""
    for lang in LANGUAGES:
        subject, body = data.get(f"subject_{lang}", ""), data.get(f"body_{lang}", "")
        if subject and not body:
            raise ServiceError(_l("Write the body that goes with this subject."),
                               field=f"body_{lang}")
        if body and not subject:
            raise ServiceError(_l("Give this text a subject."), field=f"subject_{lang}")
    if not any(data.get(f"subject_{lang}") for lang in LANGUAGES):
        raise ServiceError(_l("Write the email in at least one language."), field="subject_fr")


def _clean(data: dict) -> dict:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if data.get("purpose") not in ConsentPurpose._value2member_map_:
        raise ServiceError(_l("Choose what the email is about."), field="purpose")
    data["purpose"] = ConsentPurpose(data["purpose"])
    _check_texts(data)
    return data


def create_draft(actor, query: str, segment_id: int | None, **data) -> Mailing:
    """A draft to the people list `query` (its filters and search, as in its URL)."""
    mailing = Mailing(query=query or "", segment_id=segment_id, created_by_id=actor.id,
                      **_clean(data))
    db.session.add(mailing)
    db.session.flush()
    audit.record(actor, "create", ENTITY, mailing.id, audit.snapshot(mailing, ["purpose"]))
    db.session.commit()
    return mailing


def _check_draft(actor, mailing: Mailing) -> None:
    if mailing.status != MailingStatus.DRAFT:
        raise ServiceError(_l("This mailing was already sent; it can no longer change."))
    if mailing.created_by_id != actor.id and actor.role != Role.ADMIN:
        raise ServiceError(_l("Only the one who wrote this mailing can change or send it."))


def update_draft(actor, mailing: Mailing, **data) -> None:
    _check_draft(actor, mailing)
    changes = audit.apply_changes(mailing, _clean(data))
    if changes:
        audit.record(actor, "update", ENTITY, mailing.id, changes)
    db.session.commit()


def delete_draft(actor, mailing: Mailing) -> None:
    _check_draft(actor, mailing)
    audit.record(actor, "delete", ENTITY, mailing.id, {"subject": [mailing.title, None]})
    db.session.delete(mailing)
    db.session.commit()


def language_for(mailing: Mailing, preferred: str | None) -> str:
    """The recipient's language if the email is written in it, else French, English, Arabic."""
    written = mailing.languages
    for lang in (preferred, "fr", "en", "ar"):
        if lang in written:
            return lang
    raise ServiceError(_l("Write the email in at least one language."))


def send(actor, mailing: Mailing) -> int:
    """Freeze who receives the mailing (its list as it is now, less the exclusions), then
    send it in the background. Returns how many people it goes to."""
    _check_draft(actor, mailing)
    found = audience(mailing.purpose, mailing.query)
    if not found.included:
        raise ServiceError(_l("Nobody on this list may receive this email."))
    for person_id, email, language in found.included:
        db.session.add(Recipient(mailing_id=mailing.id, person_id=person_id, email=email,
                                 language=language_for(mailing, language)))
    mailing.total, mailing.excluded = len(found.included), found.excluded
    mailing.status, mailing.sent_at = MailingStatus.SENDING, utcnow()
    audit.record(actor, "send", ENTITY, mailing.id, {"recipients": [None, mailing.total]})
    db.session.commit()
    enqueue("mailings.send", mailing.id)
    return mailing.total


def count(mailing: Mailing) -> None:
    """The mailing's figures from its recipients: sent, and failed (refused, unsent or
    returned undelivered)."""
    counts = dict(db.session.execute(
        db.select(Recipient.status, func.count()).where(Recipient.mailing_id == mailing.id)
        .group_by(Recipient.status)).all())
    mailing.sent = counts.get(DeliveryStatus.SENT, 0)
    mailing.failed = counts.get(DeliveryStatus.FAILED, 0) + counts.get(DeliveryStatus.BOUNCED, 0)


def send_failed_again(actor, mailing: Mailing) -> int:
    """Put the emails that could not leave back in the queue; returns how many. (Those
    returned undelivered are not: their address does not work.)"""
    if mailing.created_by_id != actor.id and actor.role != Role.ADMIN:
        raise ServiceError(_l("Only the one who wrote this mailing can send it again."))
    again = 0
    if mailing.status in (MailingStatus.SENT, MailingStatus.FAILED):
        again = db.session.execute(update(Recipient).where(
            Recipient.mailing_id == mailing.id, Recipient.status == DeliveryStatus.FAILED)
            .values(status=DeliveryStatus.PENDING, error="")).rowcount
    if not again:
        db.session.rollback()
        raise ServiceError(_l("No email of this mailing failed."))
    count(mailing)
    mailing.status, mailing.finished_at = MailingStatus.SENDING, None
    audit.record(actor, "send_again", ENTITY, mailing.id, {"recipients": [None, again]})
    db.session.commit()
    enqueue("mailings.send", mailing.id)
    return again


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def recipient_for(secret: str) -> Recipient | None:
    """The email an unsubscribe link came in, from the secret it carries."""
    if not secret or len(secret) > 100:
        return None
    return db.session.scalar(db.select(Recipient).where(
        Recipient.unsubscribe_hash == token_hash(secret)))


def unsubscribe(recipient: Recipient) -> int:
    """Withdraw the person's consent to the mailing's purpose (every active one), as asked
    from the link in the email, without logging in. Returns how many were withdrawn."""
    purpose = recipient.mailing.purpose
    active = list(db.session.scalars(db.select(Consent).where(
        Consent.person_id == recipient.person_id, Consent.purpose == purpose,
        Consent.withdrawn_on.is_(None))))
    for consent in active:
        privacy.withdraw_consent(None, consent)
    if recipient.unsubscribed_at is None:
        recipient.unsubscribed_at = utcnow()
        audit.record(None, "unsubscribed", privacy.ENTITY, recipient.person_id,
                     {"purpose": [None, purpose.value], "mailing": [None, recipient.mailing_id]})
        db.session.commit()
    return len(active)
