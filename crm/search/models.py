"""Normalized search keys: one row per (record, folded token), indexed for prefix search."""

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db

# Byte order ("C" collation) on PostgreSQL, so prefix ranges are exact as on SQLite.
TOKEN_TYPE = String(120).with_variant(String(120, collation="C"), "postgresql")


class SearchToken(db.Model):
    __tablename__ = "search_tokens"
    __table_args__ = (
        Index("ix_search_tokens_lookup", "entity_type", "token", "entity_id"),
        Index("ix_search_tokens_entity", "entity_type", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    token: Mapped[str] = mapped_column(TOKEN_TYPE)
