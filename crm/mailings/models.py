"""A mailing: one email written in up to three languages, sent to the people of a list who
consented to its purpose, recipient by recipient."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.time import utcnow
from crm.extensions import db
from crm.i18n import in_reader_language
from crm.privacy.models import ConsentPurpose

LANGUAGES = ("ar", "fr", "en")


class MailingStatus(LabelledEnum):
    DRAFT = "draft"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # stopped on an error; the failed recipients can be sent again

    @classmethod
    def _labels(cls) -> dict:
        return {cls.DRAFT: _l("Draft"), cls.SENDING: _l("Sending"), cls.SENT: _l("Sent"),
                cls.FAILED: _l("Stopped on an error")}


class DeliveryStatus(LabelledEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # refused by the mail server, or the server could not be reached
    BOUNCED = "bounced"  # accepted, then returned undelivered (a delivery status report)

    @classmethod
    def _labels(cls) -> dict:
        return {cls.PENDING: _l("Waiting"), cls.SENT: _l("Sent"), cls.FAILED: _l("Failed"),
                cls.BOUNCED: _l("Returned undelivered")}


class Mailing(db.Model):
    __tablename__ = "mailings"
    __table_args__ = (
        CheckConstraint("subject_ar <> '' OR subject_fr <> '' OR subject_en <> ''",
                        name="has_subject"),
        CheckConstraint("sent + failed <= total", name="progress_within_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_type(ConsentPurpose))
    subject_ar: Mapped[str] = mapped_column(String(200), default="")
    subject_fr: Mapped[str] = mapped_column(String(200), default="")
    subject_en: Mapped[str] = mapped_column(String(200), default="")
    body_ar: Mapped[str] = mapped_column(Text, default="")
    body_fr: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    # The people list it goes to, as its URL carries it ("tag=3&region=casablanca-settat"),
    # and the segment it was written from, if any.
    query: Mapped[str] = mapped_column(String(2000), default="")
    segment_id: Mapped[int | None] = mapped_column(
        ForeignKey("segments.id", ondelete="SET NULL"))
    status: Mapped[MailingStatus] = mapped_column(enum_type(MailingStatus),
                                                  default=MailingStatus.DRAFT)
    total: Mapped[int] = mapped_column(default=0)
    sent: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)  # refused, unsent or returned undelivered
    # reason -> how many people of the list were left out when it was sent
    excluded: Mapped[dict] = mapped_column(db.JSON, default=dict)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]  # when sending was asked for
    finished_at: Mapped[datetime | None]

    created_by: Mapped[User] = relationship()
    segment = relationship("Segment")

    def subject(self, language: str) -> str:
        return getattr(self, f"subject_{language}")

    def body(self, language: str) -> str:
        return getattr(self, f"body_{language}")

    @property
    def languages(self) -> list[str]:
        """The languages the email is written in."""
        return [lang for lang in LANGUAGES if self.subject(lang) and self.body(lang)]

    @property
    def title(self) -> str:
        """The subject in the reader's language if written, else the first one written."""
        return in_reader_language(self, "subject")


class Recipient(db.Model):
    __tablename__ = "mailing_recipients"
    __table_args__ = (
        UniqueConstraint("mailing_id", "person_id"),
        Index("ix_mailing_recipients_pending", "mailing_id", "status"),
        CheckConstraint("language IN ('ar', 'fr', 'en')", name="known_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    email: Mapped[str] = mapped_column(String(254))  # the address it went to
    language: Mapped[str] = mapped_column(String(2))  # the language it was written in
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus),
                                                   default=DeliveryStatus.PENDING)
    error: Mapped[str] = mapped_column(String(300), default="")
    sent_at: Mapped[datetime | None]
    # The email's Message-ID, which a delivery status report quotes when it comes back.
    message_id: Mapped[str | None] = mapped_column(String(250), index=True)
    # SHA-256 of the secret in the email's unsubscribe link (the secret is never stored).
    # Set when the email is sent.
    unsubscribe_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    unsubscribed_at: Mapped[datetime | None]

    mailing: Mapped[Mailing] = relationship()
    person = relationship("Person")
