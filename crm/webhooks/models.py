"""Webhook endpoints registered by an admin, the deliveries of events to them and each
attempt at sending one."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.mixins import TimestampMixin, VersionedMixin
from crm.common.time import utcnow
from crm.extensions import db


class DeliveryStatus(LabelledEnum):
    PENDING = "pending"  # not tried yet, or sent again by an admin
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # the last attempt failed; another is planned at next_attempt_at
    GIVEN_UP = "given_up"  # every attempt failed; only "send again" tries once more

    @classmethod
    def _labels(cls) -> dict:
        return {cls.PENDING: _l("Waiting"), cls.DELIVERED: _l("Delivered"),
                cls.FAILED: _l("Failed, will be tried again"), cls.GIVEN_UP: _l("Given up")}


OPEN = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class Endpoint(TimestampMixin, VersionedMixin, db.Model):
    """A URL of another system that receives the events it subscribes to, no more than the
    account it acts as may see."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list] = mapped_column(db.JSON, default=list)  # event names
    # Encrypted (crm.webhooks.keys): signing needs it in clear, so it cannot be hashed.
    secret_sealed: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    acting_as_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    acting_as: Mapped[User] = relationship(foreign_keys=[acting_as_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    deliveries: Mapped[list[Delivery]] = relationship(back_populates="endpoint",
                                                      passive_deletes="all")


class Delivery(db.Model):
    """One event for one endpoint: the exact body that is signed and sent, and where it is."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # An open delivery (waiting or to be retried) has a time for its next attempt, and
        # only an open one: the due ones are then read from that column's index alone.
        CheckConstraint("(status IN ('pending', 'failed')) = (next_attempt_at IS NOT NULL)",
                        name="next_attempt_when_open"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    # The JSON text itself, not a JSON column: a delivery sent again is the same bytes.
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus),
                                                   default=DeliveryStatus.PENDING)
    attempt_count: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    endpoint: Mapped[Endpoint] = relationship(back_populates="deliveries")
    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="delivery", order_by="Attempt.id", cascade="all, delete-orphan",
        passive_deletes=True)


class Attempt(db.Model):
    """One POST of a delivery: when, what the receiver answered (or why nothing), how long."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]  # the HTTP status, None when no answer came
    error: Mapped[str] = mapped_column(String(300), default="")
    duration_ms: Mapped[int] = mapped_column(default=0)

    delivery: Mapped[Delivery] = relationship(back_populates="attempts")

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
