"""A call for applications, its questions, and the applications people file without an
account."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common import phones
from crm.common.enums import LabelledEnum, enum_type
from crm.common.mixins import TimestampMixin, VersionedMixin
from crm.common.names import NamedInTwoScripts
from crm.common.reference import Region
from crm.extensions import db
from crm.forums.models import Forum
from crm.i18n import in_reader_language
from crm.organizations.models import OrganizationKind

LANGUAGES = ("ar", "fr", "en")


class CallState(LabelledEnum):
    DRAFT = "draft"
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.DRAFT: _l("Draft"), cls.UPCOMING: _l("Not open yet"),
                cls.OPEN: _l("Open"), cls.CLOSED: _l("Closed")}


class Call(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
        CheckConstraint("title_fr <> '' OR title_ar <> '' OR title_en <> ''", name="titled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The public address: /apply/<slug>.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_fr: Mapped[str] = mapped_column(String(200), default="")
    title_ar: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    text_fr: Mapped[str] = mapped_column(Text, default="")
    text_ar: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    eligibility_fr: Mapped[str] = mapped_column(Text, default="")
    eligibility_ar: Mapped[str] = mapped_column(Text, default="")
    eligibility_en: Mapped[str] = mapped_column(Text, default="")
    opens_on: Mapped[date]
    closes_on: Mapped[date]  # the last day applications are received
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id", ondelete="SET NULL"))
    cohort: Mapped[str] = mapped_column(String(40), default="")
    published: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))

    forum: Mapped[Forum | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    questions: Mapped[list[CallQuestion]] = relationship(
        back_populates="call", order_by="CallQuestion.position, CallQuestion.id",
        cascade="all, delete-orphan")
    criteria: Mapped[list[Criterion]] = relationship(
        order_by="Criterion.position, Criterion.id", cascade="all, delete-orphan")

    @property
    def title(self) -> str:
        return in_reader_language(self, "title")

    @property
    def text(self) -> str:
        return in_reader_language(self, "text")

    @property
    def eligibility(self) -> str:
        return in_reader_language(self, "eligibility")

    def state(self, today: date) -> CallState:
        if not self.published:
            return CallState.DRAFT
        if today < self.opens_on:
            return CallState.UPCOMING
        return CallState.OPEN if today <= self.closes_on else CallState.CLOSED

    @property
    def cohort_name(self) -> str:
        return self.forum.name if self.forum is not None else self.cohort


class QuestionKind(LabelledEnum):
    SHORT_TEXT = "short-text"
    LONG_TEXT = "long-text"
    CHOICE = "choice"
    NUMBER = "number"
    DATE = "date"
    FILE = "file"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.SHORT_TEXT: _l("Short text"), cls.LONG_TEXT: _l("Long text"),
                cls.CHOICE: _l("Choice"), cls.NUMBER: _l("Number"), cls.DATE: _l("Date"),
                cls.FILE: _l("File")}


class CallQuestion(db.Model):
    __tablename__ = "call_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind))
    required: Mapped[bool] = mapped_column(default=False)
    label_fr: Mapped[str] = mapped_column(String(300), default="")
    label_ar: Mapped[str] = mapped_column(String(300), default="")
    label_en: Mapped[str] = mapped_column(String(300), default="")
    # A choice's options, one a line, the same line in each language.
    choices_fr: Mapped[str] = mapped_column(Text, default="")
    choices_ar: Mapped[str] = mapped_column(Text, default="")
    choices_en: Mapped[str] = mapped_column(Text, default="")

    call: Mapped[Call] = relationship(back_populates="questions")

    @property
    def label(self) -> str:
        return in_reader_language(self, "label")

    def options(self) -> list[str]:
        """The choice's options in the reader's language (answers keep the option's number)."""
        return [line.strip() for line in in_reader_language(self, "choices").splitlines()
                if line.strip()]

    def shown(self, value: str) -> str:
        """A stored answer as the reader reads it (a choice's option in their language)."""
        if self.kind != QuestionKind.CHOICE or not value.isdigit():
            return value
        options = self.options()
        return options[int(value) - 1] if 0 < int(value) <= len(options) else value


class ApplicationStatus(LabelledEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.SUBMITTED: _l("Submitted"), cls.ACCEPTED: _l("Accepted"),
                cls.WAITLISTED: _l("Waitlisted"), cls.REJECTED: _l("Rejected")}


class Application(NamedInTwoScripts, TimestampMixin, VersionedMixin, db.Model):
    """What an applicant filed; the person, organization and project exist once accepted."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("email <> ''", name="email_given"),
        CheckConstraint("consent_given_at IS NOT NULL", name="consent_given"),
        CheckConstraint("status IN ('submitted', 'accepted', 'waitlisted', 'rejected')",
                        name="known_status"),
        CheckConstraint("status <> 'rejected' OR decision_reason <> ''",
                        name="rejected_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="RESTRICT"),
                                         index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus), default=ApplicationStatus.SUBMITTED, index=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    name_arabic: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    organization_name_arabic: Mapped[str] = mapped_column(String(200), default="")
    organization_kind: Mapped[OrganizationKind] = mapped_column(enum_type(OrganizationKind))
    region: Mapped[Region | None] = mapped_column(enum_type(Region, 40))
    legal_identifier: Mapped[str] = mapped_column(String(60), default="")
    project_name: Mapped[str] = mapped_column(String(200), default="")
    # The privacy notice accepted: for what, when, which version of its text.
    consent_purpose: Mapped[str] = mapped_column(String(30), default="support")
    consent_given_at: Mapped[datetime | None]
    notice_version: Mapped[str] = mapped_column(String(20), default="")
    # The private link's secret, hashed (SHA-256): the link alone opens the application.
    access_digest: Mapped[str] = mapped_column(String(64), unique=True)
    submitted_from: Mapped[str] = mapped_column(String(45), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id",
                                                              ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    call: Mapped[Call] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    reviews: Mapped[list[Review]] = relationship(back_populates="application",
                                                 cascade="all, delete-orphan",
                                                 order_by="Review.id")
    answers: Mapped[list[Answer]] = relationship(back_populates="application",
                                                 cascade="all, delete-orphan")

    @property
    def _latin_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def phone_display(self) -> str:
        return phones.display(self.phone)

    def answer_to(self, question: CallQuestion) -> Answer | None:
        return next((a for a in self.answers if a.question_id == question.id), None)


class Answer(db.Model):
    __tablename__ = "application_answers"
    __table_args__ = (UniqueConstraint("application_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    # A question that has answers cannot be removed from its call.
    question_id: Mapped[int] = mapped_column(
        ForeignKey("call_questions.id", ondelete="RESTRICT"), index=True)
    value: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="answers")
    question: Mapped[CallQuestion] = relationship()


class Criterion(db.Model):
    """A criterion of the call's rubric: what reviewers score, its weight and its scale."""

    __tablename__ = "call_criteria"
    __table_args__ = (
        CheckConstraint("weight BETWEEN 1 AND 10", name="weight_from_1_to_10"),
        CheckConstraint("scale_max IN (5, 10)", name="scale_of_5_or_10"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(default=0)
    label_fr: Mapped[str] = mapped_column(String(200), default="")
    label_ar: Mapped[str] = mapped_column(String(200), default="")
    label_en: Mapped[str] = mapped_column(String(200), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_ar: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)  # 1 to 5, or 0 to 10

    @property
    def label(self) -> str:
        return in_reader_language(self, "label")

    @property
    def description(self) -> str:
        return in_reader_language(self, "description")

    @property
    def scale_min(self) -> int:
        return 1 if self.scale_max == 5 else 0


class Review(TimestampMixin, db.Model):
    """A reviewer assigned to an application, and once submitted, their scores."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"),
                                             index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None]
    # A reviewer who knows the applicant says so, and scores nothing.
    conflict: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    scores: Mapped[list[Score]] = relationship(back_populates="review",
                                               cascade="all, delete-orphan")


class Score(db.Model):
    __tablename__ = "review_scores"
    __table_args__ = (
        UniqueConstraint("review_id", "criterion_id"),
        CheckConstraint("value BETWEEN 0 AND 10", name="value_from_0_to_10"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"),
                                           index=True)
    # A criterion that was scored cannot be removed from the rubric.
    criterion_id: Mapped[int] = mapped_column(ForeignKey("call_criteria.id",
                                                         ondelete="RESTRICT"), index=True)
    value: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="scores")
