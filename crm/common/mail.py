"""Sending email: building a message for one reader and handing a batch to the SMTP server."""

import logging
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from flask import current_app

log = logging.getLogger(__name__)


def build_message(to_name: str, to_email: str, subject: str, body: str,
                  language: str) -> EmailMessage:
    """A plain-text UTF-8 email to one reader; subject and body are already in `language`."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = Address(display_name=to_name, addr_spec=to_email)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(
        domain=urlsplit(config["CRM_BASE_URL"]).hostname or "localhost")
    # Sent by the application, not a person: no out-of-office replies (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, charset="utf-8")
    message["Content-Language"] = language  # set_content drops Content-* headers
    return message


def _log_in(smtp: smtplib.SMTP) -> None:
    config = current_app.config
    if config["MAIL_USE_TLS"]:
        smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])


def send_messages(messages: list[EmailMessage]) -> int:
    """Send the messages over one connection; returns how many the server accepted.

    A refused recipient is logged and skipped; an unreachable server raises OSError or
    smtplib.SMTPException for the caller to report."""
    return sum(1 for refusal in deliver(messages) if not refusal)


def deliver(messages: list[EmailMessage]) -> list[str]:
    """Send the messages over one connection; for each, "" when the server accepted it, else
    why it refused. An unreachable server raises OSError or smtplib.SMTPException."""
    if not messages:
        return []
    refusals = []
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        _log_in(smtp)
        for message in messages:
            try:
                smtp.send_message(message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                    smtplib.SMTPSenderRefused) as error:
                log.warning("mail to %s refused: %s", message["To"], error)
                refusals.append(_refusal(error))
            else:
                refusals.append("")
    return refusals


def _refusal(error: smtplib.SMTPException) -> str:
    """The server's own words, as short as a log line."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
    else:
        code, text = error.smtp_code, error.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}"[:300]
