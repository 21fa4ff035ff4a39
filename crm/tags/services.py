"""Finding or creating tags by name."""

from crm.common.text import fold
from crm.extensions import db
from crm.i18n import join_list
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


def _known_tags(keys) -> dict[str, Tag]:
    """The tags whose name, or name in one of the languages, folds to one of `keys`."""
    known = {t.key: t for t in db.session.scalars(db.select(Tag).where(Tag.key.in_(keys)))}
    translated = db.select(Tag).where((Tag.name_ar != "") | (Tag.name_fr != "")
                                      | (Tag.name_en != ""))
    for tag in db.session.scalars(translated):
        for spelling in tag.spellings:
            known.setdefault(fold(spelling), tag)
    return known


def get_or_create_tags(names: list[str]) -> list[Tag]:
    """The tags with these names (as typed or as translated), created where missing
    (flushes)."""
    keys = {fold(n): n for n in names}
    existing = _known_tags(keys)
    tags = []
    for key, name in keys.items():
        tag = existing.get(key)
        if tag is None:
            tag = existing[key] = Tag(name=name, key=key)
            db.session.add(tag)
        if tag not in tags:
            tags.append(tag)
    db.session.flush()
    return tags


def list_tags() -> list[Tag]:
    return list(db.session.scalars(db.select(Tag).order_by(Tag.name)))


def tag_names(tags) -> str:
    """The tags as a form shows them, in the reader's language."""
    return join_list(t.label for t in tags)


def replace_tags(record, names: list[str]) -> dict:
    """Give `record` exactly these tags; {"tags": [old, new]} when that changed anything."""
    old = ", ".join(t.name for t in record.tags)
    record.tags = get_or_create_tags(names)
    new = ", ".join(t.name for t in record.tags)
    return {"tags": [old, new]} if old != new else {}
