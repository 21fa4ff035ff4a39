"""A project, its stage, its officer and its cohort (a forum edition, or a free text)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, and_, case, or_, select, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.flags import FlagSet
from crm.common.mixins import ArchivableMixin, TimestampMixin, VersionedMixin
from crm.common.names import NamedInTwoScripts
from crm.common.reference import SDG_NUMBERS, Theme
from crm.common.time import utcnow
from crm.extensions import db
from crm.forums.models import Forum
from crm.organizations.models import Organization
from crm.pipeline.models import Stage, StageTransition
from crm.tags.models import Tag, project_tags


class Project(NamedInTwoScripts, TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    __tablename__ = "projects"
    # A board column: the projects of a stage that have waited longest come first.
    __table_args__ = (
        # The board: live projects per stage, longest waiting first, and their count.
        Index("ix_projects_stage_waiting", "stage_id", "stage_entered_at",
              sqlite_where=text("archived_at IS NULL"),
              postgresql_where=text("archived_at IS NULL")),
        # An organization's projects, and those recorded since a date (forum outcomes).
        Index("ix_projects_organization_created", "organization_id", "created_at"),
        # Live projects per officer and stage, read from the index alone (workload report,
        # officer home).
        Index("ix_projects_live", "officer_id", "stage_id",
              sqlite_where=text("archived_at IS NULL"),
              postgresql_where=text("archived_at IS NULL")),
        # Projects left without activity, stage by stage (crm.projects.stale).
        Index("ix_projects_stage_activity", "stage_id", "last_activity_at",
              sqlite_where=text("archived_at IS NULL"),
              postgresql_where=text("archived_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)  # the lists' default order
    name_arabic: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The forum edition the project came through; `cohort` is the fallback for a cohort that
    # is not an edition (empty while an edition is linked).
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id", ondelete="RESTRICT"),
                                                 index=True)
    cohort: Mapped[str] = mapped_column(String(40), default="", index=True)
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last move or interaction (a follow-up done logs one): kept by crm.projects.stale.
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    themes: Mapped[set] = mapped_column(FlagSet(list(Theme)), default=set)
    sdgs: Mapped[set] = mapped_column(FlagSet(SDG_NUMBERS), default=set)

    organization: Mapped[Organization] = relationship(back_populates="projects")
    stage: Mapped[Stage] = relationship()
    officer: Mapped[User | None] = relationship()
    forum: Mapped[Forum | None] = relationship()
    # No delete cascade: the database refuses to delete a project that has a stage history
    # (archive it instead).
    transitions: Mapped[list[StageTransition]] = relationship(
        back_populates="project", order_by=StageTransition.at,
        cascade="save-update, merge", passive_deletes="all"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=project_tags, order_by=Tag.name)


    @property
    def idle_days(self) -> int:
        """Whole days since the project's last move or interaction."""
        return (utcnow() - self.last_activity_at).days

    @hybrid_property
    def cohort_name(self) -> str:
        """The cohort shown, listed and grouped by: the forum edition's name, else the text."""
        return self.forum.name if self.forum is not None else self.cohort

    @cohort_name.inplace.expression
    @classmethod
    def _cohort_name_expression(cls) -> ColumnElement[str]:
        edition = (select(Forum.name).where(Forum.id == cls.forum_id)
                   .correlate_except(Forum).scalar_subquery())
        return case((cls.forum_id.is_(None), cls.cohort), else_=edition)

    @classmethod
    def in_cohort(cls, name: str) -> ColumnElement[bool]:
        """`cohort_name == name`, written so that the forum and cohort indexes serve it."""
        return or_(and_(cls.forum_id.is_(None), cls.cohort == name),
                   cls.forum_id.in_(select(Forum.id).where(Forum.name == name)))
