"""A saved filtered list of projects, people or organizations."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.mixins import TimestampMixin
from crm.extensions import db

ENTITIES = ("projects", "people", "organizations")


class Segment(TimestampMixin, db.Model):
    __tablename__ = "segments"
    __table_args__ = (
        UniqueConstraint("owner_id", "entity", "name"),
        CheckConstraint("entity IN ('projects', 'people', 'organizations')",
                        name="known_entity"),
        CheckConstraint("name <> ''", name="named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    entity: Mapped[str] = mapped_column(String(20))
    # The list's filters, search and sort, as its URL carries them ("stage=applied&tag=3").
    query: Mapped[str] = mapped_column(String(2000), default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    shared: Mapped[bool] = mapped_column(default=False)  # seen by the whole team

    owner: Mapped[User] = relationship()
