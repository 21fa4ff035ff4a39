"""A forum edition, its sessions (plenary, workshops, closing) and participations."""

from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.common.enums import LabelledEnum, enum_type
from crm.common.mixins import TimestampMixin, VersionedMixin
from crm.extensions import db
from crm.people.models import Person


class SessionKind(LabelledEnum):
    PLENARY = "plenary"
    WORKSHOP = "workshop"
    CLOSING = "closing"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.PLENARY: _l("Plenary"), cls.WORKSHOP: _l("Workshop"),
                cls.CLOSING: _l("Closing session")}


class ParticipationRole(LabelledEnum):
    SPEAKER = "speaker"
    MODERATOR = "moderator"
    PARTICIPANT = "participant"
    ORGANIZER = "organizer"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.SPEAKER: _l("Speaker"), cls.MODERATOR: _l("Moderator"),
                cls.PARTICIPANT: _l("Participant"), cls.ORGANIZER: _l("Organizer")}


class Forum(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "forums"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    number: Mapped[int | None]
    held_on: Mapped[date] = mapped_column(index=True)
    city: Mapped[str] = mapped_column(String(100), default="")
    theme: Mapped[str] = mapped_column(Text, default="")

    sessions: Mapped[list[ForumSession]] = relationship(
        back_populates="forum", order_by="ForumSession.position", cascade="all, delete-orphan")


class ForumSession(db.Model):
    __tablename__ = "forum_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[SessionKind] = mapped_column(enum_type(SessionKind))
    position: Mapped[int] = mapped_column(default=0)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")

    forum: Mapped[Forum] = relationship(back_populates="sessions")
    participations: Mapped[list[Participation]] = relationship(
        back_populates="session", cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        lang = str(get_locale() or "fr")
        return getattr(self, f"name_{lang}", "") or self.name_fr


class Participation(TimestampMixin, db.Model):
    __tablename__ = "participations"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("forum_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    role: Mapped[ParticipationRole] = mapped_column(enum_type(ParticipationRole))
    attended: Mapped[bool] = mapped_column(default=False)

    session: Mapped[ForumSession] = relationship(back_populates="participations")
    person: Mapped[Person] = relationship()
