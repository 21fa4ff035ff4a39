"""A document: a file attached to one organization, person, project or application."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.time import utcnow
from crm.extensions import db

# The records a document may belong to: exactly one of these columns is set.
OWNERS = ("organization", "person", "project", "application")


def owner_models() -> dict[str, type]:
    """Each kind of owner and its model (imported here, not at the top: they import much)."""
    from crm.calls.models import Application
    from crm.organizations.models import Organization
    from crm.people.models import Person
    from crm.projects.models import Project

    return {"organization": Organization, "person": Person, "project": Project,
            "application": Application}


_ONE_OWNER = " + ".join(f"(CASE WHEN {owner}_id IS NULL THEN 0 ELSE 1 END)" for owner in OWNERS)


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(f"{_ONE_OWNER} = 1", name="one_owner"),
        CheckConstraint("size > 0", name="not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Where the bytes are in the store: a random name, never the uploaded one.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    filename: Mapped[str] = mapped_column(String(130))  # shown, and sent on download
    kind: Mapped[str] = mapped_column(String(10))  # a key of crm.documents.files.ALLOWED
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                                  index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                                   index=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    # For an application: the question the file answers.
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("call_questions.id", ondelete="RESTRICT"))

    uploaded_by: Mapped[User | None] = relationship()

    @property
    def owner_type(self) -> str:
        return next(owner for owner in OWNERS if getattr(self, f"{owner}_id") is not None)

    @property
    def owner_id(self) -> int:
        return getattr(self, f"{self.owner_type}_id")
