"""Impact notes (internal or shared), indicators (admin-editable catalog), measurements and
the targets an admin sets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.flags import FlagSet
from crm.common.mixins import TimestampMixin, VersionedMixin
from crm.common.money import Centimes
from crm.common.reference import SDG_NUMBERS, Region
from crm.extensions import db


class Visibility(LabelledEnum):
    INTERNAL = "internal"
    SHARED = "shared"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.INTERNAL: _l("Internal (never shown to innovators)"),
                cls.SHARED: _l("Shared with the innovator")}


class MeasurementSource(LabelledEnum):
    """Who stands behind a figure: the innovator, the foundation's staff, or a verification."""

    SELF_REPORTED = "self-reported"
    STAFF_REPORTED = "staff-reported"
    VERIFIED = "verified"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.SELF_REPORTED: _l("Self-reported"),
                cls.STAFF_REPORTED: _l("Entered by the foundation"),
                cls.VERIFIED: _l("Verified")}


class ImpactNote(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "impact_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                                   index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    written_on: Mapped[date]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility),
                                                   default=Visibility.INTERNAL)

    author: Mapped[User | None] = relationship()
    project = relationship("Project")
    organization = relationship("Organization")


# The units of the default catalog, in the reader's language; any other unit is shown as typed.
UNIT_LABELS = {"jobs": _l("jobs"), "people": _l("people"), "MAD": _l("MAD")}


class Indicator(db.Model):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ar: Mapped[str] = mapped_column(String(120))
    name_fr: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(30))  # "jobs", "people", "MAD", ...
    sdgs: Mapped[set] = mapped_column(FlagSet(SDG_NUMBERS), default=set)
    standard_reference: Mapped[str] = mapped_column(String(60), default="")  # e.g. IRIS+ PI4874
    # "of which": a part can never exceed its total for the same project and period
    part_of_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # True: the figures of successive periods add up (jobs created, revenue). False: the
    # latest figure is the number (volunteers today), so totals take each project's latest.
    adds_up: Mapped[bool] = mapped_column(default=True, server_default=true())

    part_of: Mapped[Indicator | None] = relationship(remote_side=[id])

    @property
    def name(self) -> str:
        lang = str(get_locale() or "en")
        return getattr(self, f"name_{lang}", None) or self.name_en

    @property
    def unit_label(self) -> str:
        label = UNIT_LABELS.get(self.unit)
        return str(label) if label is not None else self.unit


class Measurement(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "measurements"
    __table_args__ = (
        # One figure per project, indicator and period (the service also refuses overlaps);
        # its index serves the lookups the former ix_measurements_project_indicator_period did.
        UniqueConstraint("project_id", "indicator_id", "period_start"),
        # Every indicator counts something (revenue is turnover, never a loss): no negative
        # figure, as crm.impact.services refuses.
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("period_end >= period_start", name="period_ends_after_start"),
        # The impact report sums an indicator's figures per year from this index alone.
        Index("ix_measurements_indicator_totals", "indicator_id", "period_start", "project_id",
              "value", "source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    value: Mapped[Decimal] = mapped_column(Centimes())
    source: Mapped[MeasurementSource] = mapped_column(
        enum_type(MeasurementSource), default=MeasurementSource.SELF_REPORTED)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    verified_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[Indicator] = relationship()
    project = relationship("Project")
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])


class ImpactTarget(TimestampMixin, VersionedMixin, db.Model):
    """What an indicator should reach in a year, for one cohort and one region or for all.

    "" means every cohort and every region, in both columns. The region is kept as the
    Region's value in a plain string column rather than a nullable enum: NULLs never collide
    in a unique constraint (on SQLite as on PostgreSQL), so with NULL for "every region" the
    database could hold two general targets for the same indicator and year. With "" it
    cannot, whatever reaches the table."""

    __tablename__ = "impact_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "year", "cohort", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[Decimal] = mapped_column(Centimes())
    cohort: Mapped[str] = mapped_column(String(40), default="")
    region: Mapped[str] = mapped_column(String(40), default="")  # a Region value, or ""
    note: Mapped[str] = mapped_column(String(300), default="")

    indicator: Mapped[Indicator] = relationship()

    @property
    def region_enum(self) -> Region | None:
        """The region as the enum; None for a target over every region."""
        return Region(self.region) if self.region else None
