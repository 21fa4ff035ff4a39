"""Column mixins shared by the models."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from crm.common.time import utcnow


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
