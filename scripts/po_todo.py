"""Helps translators: list what a catalog lacks, merge translations back, fill English.

    python scripts/po_todo.py export ar > todo-ar.json   # untranslated or fuzzy messages
    python scripts/po_todo.py import ar todo-ar.json     # {"msgid": "text" or [plural forms]}
    python scripts/po_todo.py fill-en                    # English msgstr = msgid
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def _path(lang: str) -> Path:
    return ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"


def _load(lang: str):
    with _path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def _save(lang: str, catalog) -> None:
    with _path(lang).open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, sort_output=True, no_location=True)


def _missing(message) -> bool:
    if message.fuzzy:
        return True
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


def export(lang: str) -> None:
    catalog = _load(lang)
    todo = {}
    for message in catalog:
        if message.id and _missing(message):
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            todo[key] = "" if not isinstance(message.id, tuple) else {
                "plural": message.id[1], "forms": catalog.num_plurals}
    json.dump(todo, sys.stdout, ensure_ascii=False, indent=1)


def import_(lang: str, filename: str) -> None:
    catalog = _load(lang)
    translations = json.loads(Path(filename).read_text(encoding="utf-8"))
    by_key = {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}
    unknown = [key for key in translations if key not in by_key]
    for key, value in translations.items():
        message = by_key.get(key)
        if message is None or not value:
            continue
        message.string = tuple(value) if isinstance(message.id, tuple) else value
        message.flags.discard("fuzzy")
    _save(lang, catalog)
    if unknown:
        print(f"not in the catalog: {unknown}", file=sys.stderr)


def fill_en() -> None:
    catalog = _load("en")
    for message in catalog:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    _save("en", catalog)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"export": export, "import": import_, "fill-en": fill_en}[command](*args)
