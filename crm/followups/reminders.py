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
from crm.projects import stale

STALE_LISTED = 10  # projects listed by name in a reminder; the rest are counted


def _line(followup: FollowUp) -> str:
    return _("%(date)s · %(kind)s · %(title)s — %(target)s", date=format_date(
        followup.due_on, "full"), kind=followup.kind.label, title=followup.title,
        target=followup.target.display_name) + "\n  " + target_url(followup)


def _stale_lines(stale: list, stale_count: int) -> list[str]:
    """The projects left without activity for longer than their stage allows."""
    if not stale_count:
        return []
    lines = [ngettext("%(num)d project of yours has had no activity for longer than its stage "
                      "allows:",
                      "%(num)d projects of yours have had no activity for longer than their "
                      "stage allows:", stale_count)]
    lines += [f"- {project.display_name} ({project.stage.name})\n  "
              + absolute_url("projects.show_project", project_id=project.id)
              for project in stale]
    if stale_count > len(stale):
        lines.append(_("…and %(num)d more.", num=stale_count - len(stale)))
    return lines + [""]


def _body(user: User, overdue: list[FollowUp], soon: list[FollowUp], stale: list,
          stale_count: int) -> str:
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
    parts += _stale_lines(stale, stale_count)
    parts.append(_("All your follow-ups: %(url)s",
                   url=absolute_url("followups.list_my_followups")))
    return "\n".join(parts) + "\n"


def build_reminder(user: User, followups: list[FollowUp], today: date, stale: list = (),
                   stale_count: int = 0) -> EmailMessage:
    """The reminder email of one user, written in the user's own language."""
    overdue = [f for f in followups if f.due_on < today]
    soon = [f for f in followups if f.due_on >= today]
    with force_locale(user.language):
        if followups:
            subject = ngettext("%(num)d follow-up needs you", "%(num)d follow-ups need you",
                               len(followups))
        else:
            subject = ngettext("%(num)d project has had no activity for too long",
                               "%(num)d projects have had no activity for too long",
                               stale_count)
        return build_message(user.display_name, user.email, subject,
                             _body(user, overdue, soon, list(stale), stale_count),
                             user.language)


def _recipients(today: date) -> list[User]:
    """Who has follow-ups due, and the officers with projects left without activity."""
    users = {user.id: user for user in services.reminder_recipients(today)}
    for officer in services.assignees():
        users.setdefault(officer.id, officer)
    return sorted(users.values(), key=lambda user: user.id)


def send_reminders(today: date | None = None) -> int:
    """Email every active user with open follow-ups overdue or due within a few days, or
    with projects left without activity for longer than their stage allows; returns how many
    emails the server accepted. Webhooks hear of the follow-ups due today first."""
    today = today or date.today()
    services.announce_due_followups(today)
    messages = []
    for user in _recipients(today):
        followups = services.due_for_reminder(user, today)
        stale_count = stale.count_stale(user.id)
        if followups or stale_count:
            messages.append(build_reminder(user, followups, today,
                                           stale.stale_projects(user.id, limit=STALE_LISTED),
                                           stale_count))
    return send_messages(messages)
