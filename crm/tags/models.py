"""Tags and the tables linking them to people, organizations and projects."""

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(60), unique=True)  # folded name, for uniqueness
    # The tag in each language, where someone gave it (else it is shown as `name`).
    name_ar: Mapped[str] = mapped_column(String(60), default="", server_default="")
    name_fr: Mapped[str] = mapped_column(String(60), default="", server_default="")
    name_en: Mapped[str] = mapped_column(String(60), default="", server_default="")

    @property
    def label(self) -> str:
        """The tag in the reader's language, else as it was first typed."""
        lang = str(get_locale() or "") if has_request_context() else ""
        return getattr(self, f"name_{lang}", "") or self.name

    @property
    def spellings(self) -> list[str]:
        """Every name the tag is known by: typing any of them gives this tag."""
        return [n for n in (self.name, self.name_ar, self.name_fr, self.name_en) if n]


def _link_table(name: str, owner_table: str) -> Table:
    owner_column = f"{owner_table[:-1]}_id" if owner_table != "people" else "person_id"
    return Table(
        name,
        db.metadata,
        Column(owner_column, ForeignKey(f"{owner_table}.id", ondelete="CASCADE"),
               primary_key=True),
        Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    )


person_tags = _link_table("person_tags", "people")
organization_tags = _link_table("organization_tags", "organizations")
project_tags = _link_table("project_tags", "projects")
