"""User accounts and their roles."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.common.enums import LabelledEnum, enum_type
from crm.common.mixins import TimestampMixin
from crm.common.time import utcnow
from crm.extensions import db

if TYPE_CHECKING:
    from crm.people.models import Person


class Role(LabelledEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    OFFICER = "officer"
    INNOVATOR = "innovator"
    REVIEWER = "reviewer"  # an external reviewer: only the applications given to them

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.ADMIN: _l("Administrator"),
            cls.MANAGER: _l("Manager"),
            cls.OFFICER: _l("Program officer"),
            cls.INNOVATOR: _l("Innovator"),
            cls.REVIEWER: _l("External reviewer"),
        }


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_type(Role), index=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout, password change and deactivation: every older session stops working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    last_login_at: Mapped[datetime | None]
    # The secret in the URL of the user's private calendar feed (regenerated on demand).
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # An innovator's account is the person they are in the CRM (set when an invitation is used).
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), unique=True)
    # Two-factor sign-in (crm.auth.two_factor). The TOTP secret is stored encrypted with a key
    # derived from SECRET_KEY, so a copy of the database alone does not give the codes.
    two_factor_secret: Mapped[str | None] = mapped_column(String(255))
    two_factor_enabled_at: Mapped[datetime | None]
    # The 30-second time step of the last code accepted: the same code is never taken twice.
    two_factor_last_step: Mapped[int | None]
    # Set by an administrator for an officer or a manager (administrators always need it).
    two_factor_required: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def is_active(self) -> bool:
        return self.active

    person: Mapped[Person | None] = relationship(viewonly=True)

    @property
    def display_name(self) -> str:
        """An innovator is named as their person record is, in the reader's script."""
        person = self.person if self.person_id is not None else None
        if person is not None and person.anonymized_at is None and person.display_name:
            return person.display_name
        return self.full_name or self.email

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of an 80-bit random code
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class RememberedDevice(db.Model):
    """A browser that skips the code for a while; its cookie's token is kept hashed."""

    __tablename__ = "remembered_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(120), default="")  # to tell them apart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
