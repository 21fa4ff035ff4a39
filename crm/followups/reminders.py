"""Reminder emails: each user gets their overdue and due-soon follow-ups, in their language."""

from datetime import date
from email.message import EmailMessage

from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from crm.auth.models import User
from crm.common.mail import build_message, send_messages
from crm.followups import services
from crm.followups.links import absolute_url, target_url
from crm.followups.models import FollowUp


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
    with force_locale(user.language):
        subject = ngettext("%(num)d follow-up needs you", "%(num)d follow-ups need you",
                           len(followups))
        return build_message(user.display_name, user.email, subject,
                             _body(user, overdue, soon), user.language)


def send_reminders(today: date | None = None) -> int:
    """Email every active user with open follow-ups overdue or due within a few days;
    returns how many emails the server accepted."""
    today = today or date.today()
    messages = []
    for user in services.reminder_recipients(today):
        followups = services.due_for_reminder(user, today)
        if followups:
            messages.append(build_reminder(user, followups, today))
    return send_messages(messages)
