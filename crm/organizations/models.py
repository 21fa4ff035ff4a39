"""Organizations and the people who belong to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.common.enums import LabelledEnum, enum_type
from crm.common.flags import FlagSet
from crm.common.mixins import ArchivableMixin, TimestampMixin, VersionedMixin
from crm.common.names import NamedInTwoScripts
from crm.common.reference import SDG_NUMBERS, Region, Theme
from crm.extensions import db
from crm.tags.models import Tag, organization_tags

if TYPE_CHECKING:
    from crm.people.models import Person
    from crm.projects.models import Project


class OrganizationKind(LabelledEnum):
    ASSOCIATION = "association"
    COOPERATIVE = "cooperative"
    MUTUAL = "mutual"
    AMICALE = "amicale"
    FOUNDATION = "foundation"
    SOCIAL_ENTERPRISE = "social-enterprise"
    COMPANY = "company"
    PUBLIC_BODY = "public-body"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.ASSOCIATION: _l("Association"),
            cls.COOPERATIVE: _l("Cooperative"),
            cls.MUTUAL: _l("Mutual"),
            cls.AMICALE: _l("Amicale"),
            cls.FOUNDATION: _l("Foundation"),
            cls.SOCIAL_ENTERPRISE: _l("Social enterprise"),
            cls.COMPANY: _l("Company"),
            cls.PUBLIC_BODY: _l("Public body"),
            cls.OTHER: _l("Other"),
        }


class MembershipRole(LabelledEnum):
    FOUNDER = "founder"
    DIRECTOR = "director"
    MEMBER = "member"
    STAFF = "staff"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.FOUNDER: _l("Founder"),
            cls.DIRECTOR: _l("Director"),
            cls.MEMBER: _l("Member"),
            cls.STAFF: _l("Staff"),
        }


class Organization(NamedInTwoScripts, TimestampMixin, VersionedMixin, ArchivableMixin,
                   db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)  # the lists' default order
    name_arabic: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[OrganizationKind] = mapped_column(enum_type(OrganizationKind), index=True)
    legal_identifier: Mapped[str] = mapped_column(String(60), default="")
    founding_year: Mapped[int | None]
    region: Mapped[Region | None] = mapped_column(enum_type(Region, 40), index=True)
    city: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[set] = mapped_column(FlagSet(list(Theme)), default=set)
    sdgs: Mapped[set] = mapped_column(FlagSet(SDG_NUMBERS), default=set)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )
    projects: Mapped[list[Project]] = relationship(back_populates="organization")
    tags: Mapped[list[Tag]] = relationship(secondary=organization_tags, order_by=Tag.name)


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MembershipRole] = mapped_column(enum_type(MembershipRole))

    person: Mapped[Person] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")
