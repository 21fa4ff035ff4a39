"""Consent records: what a person agreed to, where, when, and whether they withdrew."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.mixins import TimestampMixin
from crm.extensions import db


class ConsentPurpose(LabelledEnum):
    SUPPORT = "support"
    COMMUNICATIONS = "communications"
    MEDIA = "media"
    SHARING = "sharing"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.SUPPORT: _l("Follow-up and support by the foundation"),
            cls.COMMUNICATIONS: _l("News and invitations to events"),
            cls.MEDIA: _l("Photos, videos and testimonies"),
            cls.SHARING: _l("Sharing the project's details with funders and partners"),
        }


class ConsentSource(LabelledEnum):
    FORUM = "forum-registration"
    APPLICATION = "call-application"
    PORTAL = "portal"
    PAPER = "paper-form"
    EMAIL = "email"
    ORAL = "oral"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.FORUM: _l("Forum registration"), cls.APPLICATION: _l("Application form"),
                cls.PORTAL: _l("Portal"),
                cls.PAPER: _l("Signed paper form"), cls.EMAIL: _l("Email"),
                cls.ORAL: _l("Oral, noted by an officer")}


class Consent(TimestampMixin, db.Model):
    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint("withdrawn_on IS NULL OR withdrawn_on >= given_on",
                        name="withdrawn_after_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_type(ConsentPurpose))
    source: Mapped[ConsentSource] = mapped_column(enum_type(ConsentSource, 30))
    source_detail: Mapped[str] = mapped_column(String(200), default="")
    given_on: Mapped[date]
    withdrawn_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))

    person = relationship("Person")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None
