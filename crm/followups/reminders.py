"""Reminder emails: each user gets their overdue and due-soon follow-ups, in their language."""

import logging
import smtplib
import ssl
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from crm.auth.models import User
from crm.followups import services
from crm.followups.links import absolute_url, target_url
from crm.followups.models import FollowUp

log = logging.getLogger(__name__)


def _line(followup: FollowUp) -> str:
    return _("%(date)s · %(kind)s · %(title)s — %(target)s", date=format_date(
        followup.due_on, "full"), kind=followup.kind.label, title=followup.title,
        target=followup.target.display_name) + "\n  " + target_url(followup)


def _body(user: User, overdue: list[FollowUp], soon: list[FollowUp]) -> str:
    parts = [_("Hello %(name)s,", name=user.display_name), ""]
    if overdue:
        parts.append(ngettext("%(num)d follow-up is overdue:", "%(num)d follow-ups are overdue:",
                              len(overdue)))
        parts += [f"- {_line(followup)}" for followup in overdue] + [""]
    if soon:
        parts.append(ngettext("%(num)d follow-up is due within %(days)d days:",
                              "%(num)d follow-ups are due within %(days)d days:", len(soon),
                              days=services.REMINDER_DAYS))
        parts += [f"- {_line(followup)}" for followup in soon] + [""]
    parts.append(_("All your follow-ups: %(url)s",
                   url=absolute_url("followups.list_my_followups")))
    return "\n".join(parts) + "\n"


def build_reminder(user: User, followups: list[FollowUp], today: date) -> EmailMessage:
    """The reminder email of one user, written in the user's own language."""
    overdue = [f for f in followups if f.due_on < today]
    soon = [f for f in followups if f.due_on >= today]
    config = current_app.config
    with force_locale(user.language):
        message = EmailMessage()
        message["Subject"] = ngettext("%(num)d follow-up needs you", "%(num)d follow-ups need you",
                                      len(followups))
        message["From"] = config["MAIL_DEFAULT_SENDER"]
        message["To"] = Address(display_name=user.display_name, addr_spec=user.email)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(
            domain=urlsplit(config["CRM_BASE_URL"]).hostname or "localhost")
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(_body(user, overdue, soon), charset="utf-8")
        message["Content-Language"] = user.language  # set_content drops Content-* headers
    return message


def _log_in(smtp: smtplib.SMTP) -> None:
    config = current_app.config
    if config["MAIL_USE_TLS"]:
        smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])


def send_reminders(today: date | None = None) -> int:
    """Email every active user with open follow-ups overdue or due within a few days;
    returns how many emails the server accepted."""
    today = today or date.today()
    messages = []
    for user in services.reminder_recipients(today):
        followups = services.due_for_reminder(user, today)
        if followups:
            messages.append(build_reminder(user, followups, today))
    if not messages:
        return 0
    sent = 0
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        _log_in(smtp)
        for message in messages:
            try:
                smtp.send_message(message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                log.warning("reminder to %s refused: %s", message["To"], error)
            else:
                sent += 1
    return sent
