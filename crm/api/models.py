"""Personal API tokens (stored hashed) and the log of every request made with one."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.common.enums import LabelledEnum, enum_type
from crm.common.time import utcnow
from crm.extensions import db


class Scope(LabelledEnum):
    READ = "read"  # GET only
    READ_WRITE = "read write"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.READ: _l("Read only"), cls.READ_WRITE: _l("Read and write")}


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the secret, shown so that its owner recognises it.
    prefix: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the secret: a 256-bit random secret needs no slow hash.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[Scope] = mapped_column(enum_type(Scope, 20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    use_count: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship()

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.READ_WRITE

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class ApiRequest(db.Model):
    """One use of a token: kept small (no body, no query string) so logging stays cheap."""

    __tablename__ = "api_requests"
    __table_args__ = (Index("ix_api_requests_token_at", "token_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int]
