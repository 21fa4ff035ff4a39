"""A meeting held, a call made, an email exchanged."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.mixins import TimestampMixin
from crm.extensions import db


class InteractionKind(LabelledEnum):
    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    EVENT = "event"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.MEETING: _l("Meeting"),
            cls.CALL: _l("Call"),
            cls.EMAIL: _l("Email"),
            cls.VISIT: _l("Visit"),
            cls.EVENT: _l("Event"),
            cls.OTHER: _l("Other"),
        }


class Interaction(TimestampMixin, db.Model):
    __tablename__ = "interactions"
    # A person's interactions by date (their page; what became of the people met at a forum).
    __table_args__ = (Index("ix_interactions_person_occurred", "person_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InteractionKind] = mapped_column(enum_type(InteractionKind))
    occurred_on: Mapped[date] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship()
    person = relationship("Person")
    organization = relationship("Organization")
    project = relationship("Project")
