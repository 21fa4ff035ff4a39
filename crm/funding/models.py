"""Funders, opportunities and crowdfunding campaigns. Amounts are exact decimals (MAD)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.mixins import ArchivableMixin, TimestampMixin, VersionedMixin
from crm.common.money import Centimes
from crm.common.names import NamedInTwoScripts
from crm.extensions import db

Money = Centimes()


class FunderKind(LabelledEnum):
    IMPACT_INVESTOR = "impact-investor"
    FUND = "fund"
    CROWDFUNDING_PLATFORM = "crowdfunding-platform"
    DONOR = "donor"
    PUBLIC_PROGRAM = "public-program"
    BANK = "bank"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.IMPACT_INVESTOR: _l("Impact investor"), cls.FUND: _l("Fund"),
                cls.CROWDFUNDING_PLATFORM: _l("Crowdfunding platform"), cls.DONOR: _l("Donor"),
                cls.PUBLIC_PROGRAM: _l("Public program"), cls.BANK: _l("Bank"),
                cls.OTHER: _l("Other")}


class Instrument(LabelledEnum):
    EQUITY = "equity"
    DEBT = "debt"
    QUASI_EQUITY = "quasi-equity"
    GUARANTEE = "guarantee"
    CROWD_DONATION = "crowd-donation"
    CROWD_REWARD = "crowd-reward"
    CROWD_EQUITY = "crowd-equity"
    CROWD_LENDING = "crowd-lending"
    GRANT = "grant"
    LOAN = "loan"
    PRIZE = "prize"
    IN_KIND = "in-kind"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.EQUITY: _l("Impact investment: equity"),
            cls.DEBT: _l("Impact investment: debt"),
            cls.QUASI_EQUITY: _l("Impact investment: quasi-equity"),
            cls.GUARANTEE: _l("Impact investment: guarantee"),
            cls.CROWD_DONATION: _l("Crowdfunding: donation"),
            cls.CROWD_REWARD: _l("Crowdfunding: reward"),
            cls.CROWD_EQUITY: _l("Crowdfunding: equity"),
            cls.CROWD_LENDING: _l("Crowdfunding: lending"),
            cls.GRANT: _l("Grant"), cls.LOAN: _l("Loan"), cls.PRIZE: _l("Prize"),
            cls.IN_KIND: _l("In kind"),
        }

    @property
    def is_crowdfunding(self) -> bool:
        return self.value.startswith("crowd-")


class OpportunityStatus(LabelledEnum):
    PROSPECT = "prospect"
    APPLIED = "applied"
    COMMITTED = "committed"
    DISBURSED = "disbursed"
    DECLINED = "declined"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.PROSPECT: _l("Prospect"), cls.APPLIED: _l("Applied"),
                cls.COMMITTED: _l("Committed"), cls.DISBURSED: _l("Disbursed"),
                cls.DECLINED: _l("Declined")}


funder_contacts = Table(
    "funder_contacts", db.metadata,
    Column("funder_id", ForeignKey("funders.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


class Funder(NamedInTwoScripts, TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    __tablename__ = "funders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_arabic: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[FunderKind] = mapped_column(enum_type(FunderKind), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    organization = relationship("Organization")
    contacts = relationship("Person", secondary=funder_contacts, order_by="Person.last_name")


class FundingOpportunity(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "funding_opportunities"
    # The money rules of crm.funding.services, held by the database too (migration 0012).
    __table_args__ = (
        CheckConstraint("amount_requested >= 0 AND amount_committed >= 0"
                        " AND amount_disbursed >= 0", name="amounts_not_negative"),
        CheckConstraint("amount_disbursed <= amount_committed",
                        name="disbursed_within_committed"),
        CheckConstraint("status <> 'declined' OR TRIM(decline_reason) <> ''",
                        name="declined_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A project with funding history is archived, never deleted.
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"),
                                            index=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id"), index=True)
    instrument: Mapped[Instrument] = mapped_column(enum_type(Instrument), index=True)
    status: Mapped[OpportunityStatus] = mapped_column(enum_type(OpportunityStatus),
                                                      default=OpportunityStatus.PROSPECT,
                                                      index=True)
    amount_requested: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    amount_committed: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    amount_disbursed: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    applied_on: Mapped[date | None]
    committed_on: Mapped[date | None]
    disbursed_on: Mapped[date | None]
    declined_on: Mapped[date | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")

    project = relationship("Project")
    funder: Mapped[Funder] = relationship()
    officer: Mapped[User | None] = relationship()
    campaign: Mapped[CrowdfundingCampaign | None] = relationship(back_populates="opportunity",
                                                                 uselist=False)

    @property
    def amount_raised(self) -> Decimal:
        """What its crowdfunding campaign reports from the backers (zero without one)."""
        return self.campaign.raised if self.campaign is not None else Decimal("0")

    @property
    def amount_secured(self) -> Decimal:
        """The disbursed amount, or what its campaign raised when that is more (not when
        declined): the rule of `crm.funding.services.secured_amount`, for one opportunity."""
        if self.status == OpportunityStatus.DECLINED:
            return self.amount_disbursed
        return max(self.amount_disbursed, self.amount_raised)


class CrowdfundingCampaign(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "crowdfunding_campaigns"
    __table_args__ = (
        CheckConstraint("goal > 0", name="goal_positive"),
        CheckConstraint("raised >= 0 AND backers >= 0", name="figures_not_negative"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("funding_opportunities.id", ondelete="CASCADE"), unique=True)
    goal: Mapped[Decimal] = mapped_column(Money)
    raised: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    backers: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    url: Mapped[str] = mapped_column(String(300), default="")

    opportunity: Mapped[FundingOpportunity] = relationship(back_populates="campaign")
    updates: Mapped[list[CampaignUpdate]] = relationship(
        back_populates="campaign", order_by="CampaignUpdate.on", cascade="all, delete-orphan")


class CampaignUpdate(db.Model):
    """The amount raised and the number of backers on a given day."""

    __tablename__ = "campaign_updates"
    __table_args__ = (
        CheckConstraint("raised >= 0 AND backers >= 0", name="figures_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("crowdfunding_campaigns.id", ondelete="CASCADE"), index=True)
    on: Mapped[date]
    raised: Mapped[Decimal] = mapped_column(Money)
    backers: Mapped[int] = mapped_column(default=0)

    campaign: Mapped[CrowdfundingCampaign] = relationship(back_populates="updates")
