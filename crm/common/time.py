"""Time helpers: every stored time is naive UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC, without tzinfo, as stored in the database (SQLite keeps no offset)."""
    return datetime.now(UTC).replace(tzinfo=None)
