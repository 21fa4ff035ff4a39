"""Time helpers: every stored time is naive UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Now in UTC, without tzinfo, as stored in the database (SQLite keeps no offset)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Today's date where the foundation works (CRM_TIMEZONE), not on the server's clock."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
