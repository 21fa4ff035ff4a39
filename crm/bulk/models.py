"""A bulk action and its progress (run in the request for a few rows, in the background
beyond)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.time import utcnow
from crm.extensions import db


class BulkAction(LabelledEnum):
    MOVE = "move"
    ASSIGN = "assign"
    TAG = "tag"
    UNTAG = "untag"
    FOLLOW_UP = "follow-up"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.MOVE: _l("Move to a stage"), cls.ASSIGN: _l("Give to an officer"),
                cls.TAG: _l("Add a tag"), cls.UNTAG: _l("Remove a tag"),
                cls.FOLLOW_UP: _l("Plan a follow-up for each")}


class BulkStatus(LabelledEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.WAITING: _l("Waiting"), cls.RUNNING: _l("Running"), cls.DONE: _l("Done"),
                cls.FAILED: _l("Failed")}


class BulkJob(db.Model):
    __tablename__ = "bulk_jobs"
    __table_args__ = (
        CheckConstraint("done + skipped <= total", name="progress_within_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[BulkAction] = mapped_column(enum_type(BulkAction))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # stage, officer, tag...
    project_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    # reason -> how many projects were skipped for it ("not yours", "already at this stage")
    reasons: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[BulkStatus] = mapped_column(enum_type(BulkStatus),
                                               default=BulkStatus.WAITING)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    created_by: Mapped[User] = relationship()
