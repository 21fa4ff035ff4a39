"""A task owed to someone: call, meeting, email, visit, documents to send."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.mixins import TimestampMixin, VersionedMixin
from crm.extensions import db


class FollowUpKind(LabelledEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    VISIT = "visit"
    SEND_DOCUMENTS = "send-documents"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.CALL: _l("Call"), cls.MEETING: _l("Meeting"), cls.EMAIL: _l("Email"),
                cls.VISIT: _l("Visit"), cls.SEND_DOCUMENTS: _l("Send documents")}


class FollowUpStatus(LabelledEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.OPEN: _l("Open"), cls.DONE: _l("Done"), cls.CANCELLED: _l("Cancelled")}


class FollowUp(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "follow_ups"
    __table_args__ = (
        Index("ix_follow_ups_assignee_status_due", "assignee_id", "status", "due_on"),
        # "Followed up within 30 days of the forum": a person's follow-ups by creation date.
        Index("ix_follow_ups_person_created", "person_id", "created_at", "status"),
        CheckConstraint("person_id IS NOT NULL OR organization_id IS NOT NULL"
                        " OR project_id IS NOT NULL", name="has_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FollowUpKind] = mapped_column(enum_type(FollowUpKind))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    status: Mapped[FollowUpStatus] = mapped_column(enum_type(FollowUpStatus),
                                                   default=FollowUpStatus.OPEN)
    outcome: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None]
    # Shown to the innovators of the organization or project in their portal.
    shared: Mapped[bool] = mapped_column(default=False)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # History: a person, organization or project with follow-ups is archived, never deleted.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="RESTRICT"), index=True)
    participation_id: Mapped[int | None] = mapped_column(
        ForeignKey("participations.id", ondelete="SET NULL"), index=True)
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL"))

    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])
    person = relationship("Person")
    organization = relationship("Organization")
    project = relationship("Project")
    participation = relationship("Participation")

    @property
    def target(self):
        return self.project or self.organization or self.person
