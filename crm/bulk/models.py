"""A bulk action and its progress (run in the request for a few rows, in the background
beyond), with what it changed so that it can be undone."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.time import utcnow
from crm.extensions import db

ENTITIES = ("projects", "people", "organizations")


class BulkAction(LabelledEnum):
    MOVE = "move"
    ASSIGN = "assign"
    TAG = "tag"
    UNTAG = "untag"
    FOLLOW_UP = "follow-up"
    PARTICIPATE = "participate"  # people: listed in a forum session
    UNDO = "undo"  # puts back what another job changed (BulkJob.undoes)

    @classmethod
    def _labels(cls) -> dict:
        return {cls.MOVE: _l("Move to a stage"), cls.ASSIGN: _l("Give to an officer"),
                cls.TAG: _l("Add a tag"), cls.UNTAG: _l("Remove a tag"),
                cls.FOLLOW_UP: _l("Plan a follow-up for each"),
                cls.PARTICIPATE: _l("Add to a forum session"), cls.UNDO: _l("Undo")}


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
        CheckConstraint("entity IN ('projects', 'people', 'organizations')",
                        name="known_entity"),
        CheckConstraint("undoes_id IS NULL OR action = 'undo'", name="only_undo_undoes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[BulkAction] = mapped_column(enum_type(BulkAction))
    # Which list the records come from (the jobs of migration 0022 were all on projects).
    entity: Mapped[str] = mapped_column(String(20), default="projects",
                                        server_default="projects")
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # stage, officer, tag...
    # The ids of the records of `entity`. The column kept the name migration 0022 gave it
    # when jobs were on projects only: renaming it would break the code still running while
    # a new version is deployed.
    record_ids: Mapped[list] = mapped_column("project_ids", sa.JSON, default=list)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    # reason -> how many records were skipped for it ("not yours", "already at this stage")
    reasons: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Record id (as text: JSON keys) -> what undoing its change needs: the stage or officer
    # it had before, whether the tag was there, the follow-up created (for an undo: what it
    # put back). Only the records the job changed are in it; NULL for the jobs of before
    # migration 0023, which recorded nothing and so cannot be undone.
    changes: Mapped[dict | None] = mapped_column(sa.JSON, default=dict)
    # The job this one undoes; unique, so that a job is undone once, even by two clicks.
    undoes_id: Mapped[int | None] = mapped_column(
        ForeignKey("bulk_jobs.id", ondelete="SET NULL"), unique=True)
    status: Mapped[BulkStatus] = mapped_column(enum_type(BulkStatus),
                                               default=BulkStatus.WAITING)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    created_by: Mapped[User] = relationship()
    undoes: Mapped[BulkJob | None] = relationship(remote_side=[id],
                                                  back_populates="undone_by")
    undone_by: Mapped[BulkJob | None] = relationship(back_populates="undoes")
