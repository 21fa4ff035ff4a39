"""Finding or creating tags by name."""

from crm.common.text import fold
from crm.extensions import db
from crm.tags.models import Tag


def parse_tag_names(text: str | None) -> list[str]:
    """"Femmes, jeunes ; رقمي" -> ["Femmes", "jeunes", "رقمي"] (comma or semicolon separated)."""
    names = (text or "").replace("؛", ",").replace("،", ",").replace(";", ",").split(",")
    seen, result = set(), []
    for name in (n.strip()[:60] for n in names):
        if name and fold(name) not in seen:
            seen.add(fold(name))
            result.append(name)
    return result


def get_or_create_tags(names: list[str]) -> list[Tag]:
    """The tags with these names, created where missing (flushes)."""
    keys = {fold(n): n for n in names}
    existing = {t.key: t for t in db.session.scalars(db.select(Tag).where(Tag.key.in_(keys)))}
    tags = []
    for key, name in keys.items():
        tag = existing.get(key)
        if tag is None:
            tag = Tag(name=name, key=key)
            db.session.add(tag)
        tags.append(tag)
    db.session.flush()
    return tags


def list_tags() -> list[Tag]:
    return list(db.session.scalars(db.select(Tag).order_by(Tag.name)))


def tag_names(tags) -> str:
    return ", ".join(t.name for t in tags)


def replace_tags(record, names: list[str]) -> dict:
    """Give `record` exactly these tags; {"tags": [old, new]} when that changed anything."""
    old = tag_names(record.tags)
    record.tags = get_or_create_tags(names)
    new = tag_names(record.tags)
    return {"tags": [old, new]} if old != new else {}
