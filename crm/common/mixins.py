"""Column mixins shared by the models."""

from datetime import datetime

from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from crm.common.time import utcnow


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: every UPDATE checks and bumps `version` (no silent overwrite)."""

    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class ArchivableMixin:
    """Deleting is archiving: the record disappears from lists and can be restored."""

    archived_at: Mapped[datetime | None]

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
