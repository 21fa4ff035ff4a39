"""Emails returned undelivered: reading the delivery status reports (RFC 3464) that mail
servers send back, and marking the recipients they name.

A report comes back to the sender's address long after the mailing left. The mail server
hands it over by piping it to `flask crm read-bounces -` (a Postfix or Exim alias does
this), or an administrator passes saved reports or an mbox file."""

import mailbox
from dataclasses import dataclass
from email import message_from_binary_file, policy
from email.message import EmailMessage
from email.parser import HeaderParser
from pathlib import Path

from crm.audit import services as audit
from crm.extensions import db
from crm.mailings.models import DeliveryStatus, Mailing, Recipient
from crm.mailings.services import count


@dataclass(frozen=True)
class Bounce:
    message_id: str  # of the email sent, quoted by the report
    address: str  # the recipient it could not reach
    diagnostic: str  # what the receiving server said


def _original_message_id(report: EmailMessage) -> str:
    """The Message-ID of the returned email, from the headers (or whole message) the report
    carries back."""
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            found = part.get_payload(0).get("Message-ID", "")
        elif kind == "text/rfc822-headers":
            found = HeaderParser(policy=policy.default).parsestr(part.get_content()).get(
                "Message-ID", "")
        else:
            continue
        if found:
            return str(found).strip()
    return ""


def _failed_recipients(report: EmailMessage) -> list[tuple[str, str]]:
    """(address, diagnostic) of every recipient the report says failed."""
    failed = []
    for part in report.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for fields in part.get_payload()[1:]:  # the first block is about the message
            if fields.get("Action", "").strip().lower() != "failed":
                continue
            address = fields.get("Final-Recipient", "").partition(";")[2].strip()
            failed.append((address.lower(), fields.get("Diagnostic-Code", "").strip()))
    return failed


def bounces_in(report: EmailMessage) -> list[Bounce]:
    """What a delivery status report says failed; nothing for any other message."""
    if report.get_content_type() != "multipart/report":
        return []
    message_id = _original_message_id(report)
    return [Bounce(message_id, address, diagnostic)
            for address, diagnostic in _failed_recipients(report) if message_id]


def record(bounces: list[Bounce]) -> int:
    """Mark the recipients the reports name as returned undelivered; returns how many.
    A report naming an email the CRM did not send, or another address, changes nothing."""
    marked, mailings = 0, set()
    for bounce in bounces:
        recipient = db.session.scalar(db.select(Recipient).where(
            Recipient.message_id == bounce.message_id))
        if recipient is None or recipient.email.lower() != bounce.address:
            continue
        if recipient.status == DeliveryStatus.SENT:
            recipient.status = DeliveryStatus.BOUNCED
            recipient.error = (bounce.diagnostic or "returned undelivered")[:300]
            audit.record(None, "email_bounced", "person", recipient.person_id,
                         {"mailing": [None, recipient.mailing_id]})
            mailings.add(recipient.mailing_id)
            marked += 1
    for mailing_id in mailings:
        count(db.session.get(Mailing, mailing_id))
    db.session.commit()
    return marked


def read_reports(path: str, stdin) -> list[EmailMessage]:
    """The messages of a file (one email, or an mbox), or of standard input for "-"."""
    if path == "-":
        return [message_from_binary_file(stdin, policy=policy.default)]
    with Path(path).open("rb") as file:
        is_mbox = file.read(5) == b"From "
    if is_mbox:
        box = mailbox.mbox(path, factory=None, create=False)
        return [message_from_binary_file(open_message, policy=policy.default)
                for open_message in (box.get_file(key) for key in box.keys())]
    with Path(path).open("rb") as file:
        return [message_from_binary_file(file, policy=policy.default)]
