"""A user's private calendar feed (ICS): one all-day event per open follow-up."""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from crm.auth.models import User
from crm.followups.links import target_url
from crm.followups.models import FollowUp


def event_uid(followup: FollowUp) -> str:
    """Stable across regenerations of the feed, so calendars update events in place."""
    host = urlsplit(current_app.config["CRM_BASE_URL"]).hostname or "crm"
    return f"followup-{followup.id}@{host}"


def _event(followup: FollowUp) -> Event:
    event = Event()
    event.add("uid", event_uid(followup))
    event.add("dtstamp", followup.updated_at.replace(tzinfo=UTC))
    event.add("last-modified", followup.updated_at.replace(tzinfo=UTC))
    event.add("sequence", followup.version)
    event.add("dtstart", followup.due_on)
    event.add("dtend", followup.due_on + timedelta(days=1))
    event.add("summary", _("%(title)s — %(target)s", title=followup.title,
                           target=followup.target.display_name))
    url = target_url(followup)
    event.add("url", url)
    event.add("description", _("%(kind)s: %(title)s\n%(url)s", kind=followup.kind.label,
                               title=followup.title, url=url))
    event.add("transp", "TRANSPARENT")  # a reminder, not time taken in the agenda
    return event


def build_calendar(user: User, followups: list[FollowUp]) -> bytes:
    """The ICS document of these follow-ups, in the user's language."""
    with force_locale(user.language):
        calendar = Calendar()
        calendar.add("prodid", "-//Foundation CRM//Follow-ups//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Follow-ups of %(name)s", name=user.display_name))
        for followup in followups:
            calendar.add_component(_event(followup))
    return calendar.to_ical()
