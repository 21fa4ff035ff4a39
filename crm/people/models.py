"""A person known to the foundation."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.common import phones
from crm.common.enums import LabelledEnum, enum_type
from crm.common.mixins import ArchivableMixin, TimestampMixin, VersionedMixin
from crm.common.names import NamedInTwoScripts
from crm.common.reference import Region
from crm.extensions import db
from crm.organizations.models import Membership
from crm.tags.models import Tag, person_tags


class Gender(LabelledEnum):
    WOMAN = "woman"
    MAN = "man"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.WOMAN: _l("Woman"), cls.MAN: _l("Man")}


class Person(NamedInTwoScripts, TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint("language IN ('ar', 'fr', 'en')", name="known_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="", index=True)  # list order
    name_arabic: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender))
    city: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[Region | None] = mapped_column(enum_type(Region, 40), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The language they read; the emails sent to them are in it (NULL: not known).
    language: Mapped[str | None] = mapped_column(String(2))
    # Asked not to be contacted at all: no mailing reaches them, whatever they consented to.
    do_not_contact: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Set when the person's identifiers were removed on request (aggregates are kept).
    anonymized_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=person_tags, order_by=Tag.name)

    @property
    def _latin_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        if self.anonymized_at is not None:
            return str(_l("Anonymized person"))
        return super().display_name

    @property
    def other_name(self) -> str:
        return "" if self.anonymized_at is not None else super().other_name

    @property
    def phone_display(self) -> str:
        return phones.display(self.phone)
