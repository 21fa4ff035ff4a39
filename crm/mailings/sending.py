"""The background task that sends a mailing: a batch at a time over one SMTP connection, at
the pace the configuration allows, each outcome recorded on its recipient and each email
sent logged as an interaction on the person's timeline."""

import logging
import secrets
import smtplib
import time

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from crm.common.mail import build_message, deliver
from crm.common.time import local_today, utcnow
from crm.extensions import db
from crm.followups.links import absolute_url
from crm.interactions.models import Interaction, InteractionKind
from crm.mailings.models import DeliveryStatus, Mailing, MailingStatus, Recipient
from crm.mailings.services import NAME_FIELD, count, token_hash

log = logging.getLogger(__name__)

BATCH = 50  # emails sent over one connection, then counted and committed


def compose(mailing: Mailing, recipient: Recipient, secret: str):
    """The email for one recipient, in their language, with their name and the link that
    unsubscribes them (also in the List-Unsubscribe headers, for one-click mail clients)."""
    link = absolute_url("unsubscribe.confirm", secret=secret)
    lang = recipient.language
    with force_locale(lang):
        name = recipient.person.display_name
        footer = _("You receive this email because you agreed to: %(purpose)s.\n"
                   "To stop receiving them: %(link)s", purpose=mailing.purpose.label, link=link)
    subject = mailing.subject(lang).replace(NAME_FIELD, name)
    body = mailing.body(lang).replace(NAME_FIELD, name)
    message = build_message(name, recipient.email, subject, f"{body}\n\n-- \n{footer}\n", lang)
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message["Precedence"] = "bulk"
    return message


def _pending(mailing_id: int, size: int) -> list[Recipient]:
    return list(db.session.scalars(
        db.select(Recipient).where(Recipient.mailing_id == mailing_id,
                                   Recipient.status == DeliveryStatus.PENDING)
        .options(db.joinedload(Recipient.person)).order_by(Recipient.id).limit(size)))


def _send_batch(mailing: Mailing, batch: list[Recipient]) -> None:
    """Send, then record each outcome; an unreachable server raises before anything is
    recorded, and the batch stays pending."""
    secrets_of = {r.id: secrets.token_urlsafe(32) for r in batch}
    messages = [compose(mailing, r, secrets_of[r.id]) for r in batch]
    refusals = deliver(messages)
    now, today = utcnow(), local_today()
    for recipient, message, refusal in zip(batch, messages, refusals, strict=True):
        if refusal:
            recipient.status, recipient.error = DeliveryStatus.FAILED, refusal
            continue
        recipient.status, recipient.sent_at = DeliveryStatus.SENT, now
        recipient.message_id = message["Message-ID"]
        recipient.unsubscribe_hash = token_hash(secrets_of[recipient.id])
        db.session.add(Interaction(
            kind=InteractionKind.EMAIL, occurred_on=today, person_id=recipient.person_id,
            summary=mailing.subject(recipient.language)[:300],
            author_id=mailing.created_by_id))


def _batch_size(per_minute: int) -> int:
    return BATCH if per_minute <= 0 else max(1, min(BATCH, per_minute // 6))


def _keep_pace(sent: int, per_minute: int, started: float) -> None:
    """Wait so that no more than `per_minute` emails leave in a minute (0: no limit)."""
    if per_minute > 0:
        time.sleep(max(0.0, sent * 60 / per_minute - (time.monotonic() - started)))


def _finish(mailing: Mailing, status: MailingStatus) -> None:
    count(mailing)
    mailing.status, mailing.finished_at = status, utcnow()
    db.session.commit()


def run(mailing_id: int) -> None:
    """Send the mailing's pending emails; stop, keeping the rest pending, if the mail server
    cannot be reached (the page then offers to send the failed and the rest again)."""
    mailing = db.session.get(Mailing, mailing_id)
    if mailing is None or mailing.status != MailingStatus.SENDING:
        return
    per_minute = current_app.config["MAILINGS_PER_MINUTE"]
    while batch := _pending(mailing.id, _batch_size(per_minute)):
        started = time.monotonic()
        try:
            _send_batch(mailing, batch)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("mailing %s stopped: %s", mailing.id, error)
            db.session.rollback()
            _fail_pending(mailing, str(error))
            return
        count(mailing)
        db.session.commit()
        _keep_pace(len(batch), per_minute, started)
    _finish(mailing, MailingStatus.SENT)


def _fail_pending(mailing: Mailing, error: str) -> None:
    """The server is out of reach: what is left is marked failed with its reason, so that
    "send the failed again" picks it up once the server is back."""
    db.session.execute(db.update(Recipient).where(
        Recipient.mailing_id == mailing.id, Recipient.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.FAILED, error=error[:300]))
    _finish(mailing, MailingStatus.FAILED)
