"""An invitation sent to a person to open their portal account."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum
from crm.common.mixins import TimestampMixin
from crm.common.time import utcnow
from crm.extensions import db


class InvitationStatus(LabelledEnum):
    PENDING = "pending"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.PENDING: _l("Waiting for an answer"), cls.USED: _l("Accepted"),
                cls.EXPIRED: _l("Expired"), cls.REVOKED: _l("Revoked")}


class Invitation(TimestampMixin, db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="fr")
    # Part of the signed token: a resend draws a new one, so older links stop working.
    nonce: Mapped[str] = mapped_column(String(32))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    person = relationship("Person")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    def status(self, now: datetime | None = None) -> InvitationStatus:
        if self.used_at is not None:
            return InvitationStatus.USED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= (now or utcnow()):
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING
