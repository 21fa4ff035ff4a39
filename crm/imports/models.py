"""An import job (its state lives here, so it survives reloads and workers), its rows, and
the column mappings remembered per set of headers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.mixins import TimestampMixin
from crm.extensions import db


class ImportStatus(LabelledEnum):
    UPLOADED = "uploaded"      # file read, columns to map
    ANALYSING = "analysing"    # background: validating and matching rows
    PREVIEW = "preview"        # rows classified, waiting for the officer's confirmation
    IMPORTING = "importing"    # background: creating and updating records
    DONE = "done"
    FAILED = "failed"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.UPLOADED: _l("Columns to map"), cls.ANALYSING: _l("Analysing"),
                cls.PREVIEW: _l("Ready to check"), cls.IMPORTING: _l("Importing"),
                cls.DONE: _l("Done"), cls.FAILED: _l("Failed")}


class RowStatus(LabelledEnum):
    NEW = "new"                # nobody known looks like this row
    MATCH = "match"            # looks like a known person (reasons say why)
    SAME_AS_ROW = "same-as-row"  # the same person as an earlier line of the file
    INVALID = "invalid"        # cannot be imported (reasons say why)

    @classmethod
    def _labels(cls) -> dict:
        return {cls.NEW: _l("New person"), cls.MATCH: _l("Known person"),
                cls.SAME_AS_ROW: _l("Same person as an earlier line"),
                cls.INVALID: _l("Invalid")}


class ImportJob(TimestampMixin, db.Model):
    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"),
                                          index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    headers: Mapped[list] = mapped_column(sa.JSON, default=list)
    mapping: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # field -> column index
    status: Mapped[ImportStatus] = mapped_column(enum_type(ImportStatus),
                                                 default=ImportStatus.UPLOADED)
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    participation_count: Mapped[int] = mapped_column(default=0)
    rejected_count: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()
    forum = relationship("Forum")

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ImportRow(db.Model):
    __tablename__ = "import_rows"
    __table_args__ = (sa.Index("ix_import_rows_job_line", "job_id", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"))
    line: Mapped[int]  # line number in the file, header = line 1
    values: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # cleaned field values
    raw: Mapped[list] = mapped_column(sa.JSON, default=list)  # the cells as read
    status: Mapped[RowStatus] = mapped_column(enum_type(RowStatus))
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)  # reason codes
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    same_as_line: Mapped[int | None]
    use_match: Mapped[bool] = mapped_column(default=True)  # the officer's decision
    outcome: Mapped[str] = mapped_column(String(20), default="")  # created/updated/rejected
    session_id: Mapped[int | None] = mapped_column(ForeignKey("forum_sessions.id",
                                                              ondelete="SET NULL"))

    person = relationship("Person")


class HeaderMapping(TimestampMixin, db.Model):
    """The mapping an officer chose for a set of headers, offered again for the same headers."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    headers_key: Mapped[str] = mapped_column(String(64), unique=True)
    mapping: Mapped[dict] = mapped_column(sa.JSON, default=dict)
