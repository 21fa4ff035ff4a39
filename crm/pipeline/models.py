"""Stages (admin-editable, named in three languages) and the transitions of projects."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import get_locale
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.time import utcnow
from crm.extensions import db

if TYPE_CHECKING:
    from crm.projects.models import Project


class Stage(db.Model):
    __tablename__ = "stages"
    __table_args__ = (
        CheckConstraint("stale_after_days IS NULL OR stale_after_days BETWEEN 1 AND 3650",
                        name="stale_after_1_to_3650_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    position: Mapped[int]
    name_ar: Mapped[str] = mapped_column(String(80))
    name_fr: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    is_exit: Mapped[bool] = mapped_column(default=False)  # declined, withdrawn: a reason is owed
    active: Mapped[bool] = mapped_column(default=True)
    # A project with no activity (a move, an interaction, a follow-up done) for this many days
    # is flagged to its officer and the managers; None: never (exit stages, alumni).
    stale_after_days: Mapped[int | None]

    @property
    def name(self) -> str:
        """The stage's name in the current language."""
        lang = str(get_locale() or "en")
        return getattr(self, f"name_{lang}", None) or self.name_en

    def __repr__(self) -> str:
        return f"<Stage {self.code}>"


class StageTransition(db.Model):
    __tablename__ = "stage_transitions"
    __table_args__ = (
        # A project is in one stage at a time: one stay per project is still open.
        Index("uq_stage_transitions_open_stay", "project_id", unique=True,
              sqlite_where=text("left_at IS NULL"), postgresql_where=text("left_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # History: a project that moved is archived, never deleted.
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="RESTRICT"), index=True
    )
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # When the project moved on from this stage (None while it is still there): set by the
    # next move, so time spent in a stage is read without pairing transitions at query time.
    left_at: Mapped[datetime | None]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project] = relationship(back_populates="transitions")
    from_stage: Mapped[Stage | None] = relationship(foreign_keys=[from_stage_id])
    to_stage: Mapped[Stage] = relationship(foreign_keys=[to_stage_id])
    by: Mapped[User | None] = relationship()
