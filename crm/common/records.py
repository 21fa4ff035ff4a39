"""What every versioned, archivable, audited record shares: conflict-checked updates,
archiving and restoring."""

from contextlib import contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from crm.audit import services as audit
from crm.common.ids import parse_id
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.tags import services as tags


class ConflictError(ServiceError):
    """Someone else saved the record since the form was opened; nothing was overwritten."""

    def __init__(self, record):
        super().__init__(
            _l("Someone else saved this record while you were editing it. Nothing was "
               "overwritten: compare with the saved values below, then save again.")
        )
        self.record = record


def check_version(record, expected_version: int | str | None) -> None:
    """A version that is not the record's, or that cannot be read, is a conflict: nothing is
    saved over a record the form may not have shown."""
    if expected_version is None or expected_version == "":
        return
    if parse_id(expected_version) != record.version:
        raise ConflictError(record)


@contextmanager
def conflict_guard(record):
    """A concurrent save detected by the version column becomes a ConflictError."""
    try:
        yield
    except StaleDataError as error:
        db.session.rollback()
        db.session.refresh(record)
        raise ConflictError(record) from error


def commit_or_conflict(record) -> None:
    with conflict_guard(record):
        db.session.commit()


def update_record(actor, record, entity_type: str, expected_version, data: dict,
                  tag_names: list[str] | None = None) -> dict:
    """Apply `data` (and the tags, when given) if the version still matches, and audit what
    changed in one entry (flushes, no commit)."""
    check_version(record, expected_version)
    with conflict_guard(record):  # any autoflush below may meet a concurrent save
        changes = audit.apply_changes(record, data)
        if tag_names is not None:
            changes |= tags.replace_tags(record, tag_names)
        if changes:
            audit.record(actor, "update", entity_type, record.id, changes)
        db.session.flush()
    return changes


def archive_record(actor, record, entity_type: str) -> None:
    if record.archived_at is None:
        record.archived_at = utcnow()
        audit.record(actor, "archive", entity_type, record.id)
        commit_or_conflict(record)


def restore_record(actor, record, entity_type: str) -> None:
    if record.archived_at is not None:
        record.archived_at = None
        audit.record(actor, "restore", entity_type, record.id)
        commit_or_conflict(record)
