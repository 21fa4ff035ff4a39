"""Which column holds which field: guessed from French, English and Arabic headers, and
remembered for files with the same headers."""

import hashlib
import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz

from crm.common.text import fold
from crm.extensions import db
from crm.imports.models import HeaderMapping

# field -> (label, header words that name it): French, English, Arabic, and what
# registration tools (Eventbrite, Google Forms, Excel sheets) write.
FIELDS = {
    "last_name": (_l("Last name"), ["nom", "nom de famille", "last name", "surname",
                                    "family name", "lastname", "اللقب", "الاسم العائلي", "النسب"]),
    "first_name": (_l("First name"), ["prenom", "first name", "firstname", "given name",
                                      "الاسم الشخصي", "الاسم"]),
    "full_name": (_l("Full name"), ["nom complet", "full name", "name", "nom et prenom",
                                    "prenom et nom", "nom prenom", "attendee name",
                                    "participant", "nom du participant", "الاسم الكامل",
                                    "الاسم و النسب", "الاسم والنسب"]),
    "email": (_l("Email"), ["e-mail", "email", "mail", "courriel", "adresse e-mail",
                            "adresse email", "email address", "e-mail address", "adresse mail",
                            "البريد الالكتروني", "البريد"]),
    "phone": (_l("Phone"), ["telephone", "tel", "phone", "mobile", "gsm", "portable",
                            "numero de telephone", "phone number", "mobile phone", "cell phone",
                            "cell", "whatsapp", "numero", "num tel", "n tel", "no tel", "الهاتف",
                            "رقم الهاتف"]),
    "organization": (_l("Organization"), ["organisation", "organization", "structure",
                                          "organisme", "company", "entreprise", "association",
                                          "company organization", "organisation structure",
                                          "nom de la structure", "org", "org name",
                                          "organization name", "organisation name",
                                          "nom de l organisation", "raison sociale",
                                          "المنظمة", "الهيئة", "الجمعية"]),
    "organization_kind": (_l("Kind of organization"), [
        "type d'organisation", "type d organisation", "type", "organization type",
        "org type", "organisation type", "type de structure", "statut juridique",
        "forme juridique", "kind of organization", "نوع المنظمة", "نوع الهيئة"]),
    "city": (_l("City"), ["ville", "city", "town", "المدينة"]),
    "workshop": (_l("Workshop or session"), ["atelier", "workshop", "session", "breakout",
                                             "الورشة"]),
    "role": (_l("Role"), ["role", "qualite", "attendee type", "ticket type",
                          "type de participant", "profil", "الدور", "الصفة"]),
    "attended": (_l("Attended"), ["present", "presence", "attended", "checked in",
                                  "attendee status", "الحضور"]),
}
# Single words too common to name a field when they are only part of a header.
_GENERIC = {"name", "nom", "type", "numero", "mail", "cell", "tel", "session", "role",
            "association", "participant", "org", "الاسم"}
HIGH, MEDIUM, LOW = 3, 2, 1
CONFIDENCE_LABELS = {HIGH: _l("sure"), MEDIUM: _l("likely"), LOW: _l("a guess")}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[+0(][\d\s().-]{7,}$")


def _words(text: str) -> list[str]:
    """A header as words: folded, punctuation and brackets as spaces, plurals singular."""
    words = re.sub(r"[\W_]+", " ", fold(text)).split()
    return [w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words]


def _score(header: str, synonym: str) -> int:
    header_words, synonym_words = _words(header), _words(synonym)
    if not header_words or not synonym_words:
        return 0
    if header_words == synonym_words:
        return HIGH
    generic = len(synonym_words) == 1 and synonym_words[0] in _GENERIC
    if not generic and all(w in header_words for w in synonym_words):
        return MEDIUM
    if fuzz.ratio(" ".join(header_words), " ".join(synonym_words)) >= 88:
        return LOW
    return 0


def _by_values(rows: list[list[str]], index: int) -> str | None:
    """"email" or "phone" when most filled cells of the column look like one."""
    cells = [r[index].strip() for r in rows[:50] if index < len(r) and r[index].strip()]
    if len(cells) < 2:
        return None
    for field, pattern in (("email", _EMAIL), ("phone", _PHONE)):
        if sum(bool(pattern.match(c)) for c in cells) >= 0.8 * len(cells):
            return field
    return None


def guess_columns(headers: list[str], rows: list[list[str]] | None = None
                  ) -> tuple[dict[str, int], dict[str, int]]:
    """(field -> column index, field -> confidence): the best-scoring pairs first, each
    column and each field taken once; then emails and phones recognized by their values."""
    scored = sorted(((max(_score(h, w) for w in words), -index, field, index)
                     for field, (_label, words) in FIELDS.items()
                     for index, h in enumerate(headers)), reverse=True)
    mapping, confidence = {}, {}
    for score, _order, field, index in scored:
        if score and field not in mapping and index not in mapping.values():
            mapping[field], confidence[field] = index, score
    for index in range(len(headers)):
        field = _by_values(rows or [], index) if index not in mapping.values() else None
        if field and field not in mapping:
            mapping[field], confidence[field] = index, MEDIUM
    return mapping, confidence


def unmapped_identifiers(headers: list[str], rows: list[list[str]],
                         mapping: dict[str, int]) -> list[tuple[str, str]]:
    """(column header, field) for the columns left out that look like an email, a phone
    or an organization: importing without them drops what they hold."""
    left_out = []
    for index, header in enumerate(headers):
        if index in mapping.values():
            continue
        field = _by_values(rows, index) or next(
            (f for f in ("email", "phone", "organization")
             if max(_score(header, w) for w in FIELDS[f][1]) >= MEDIUM), None)
        if field:
            left_out.append((header, field))
    return left_out


def field_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _words) in FIELDS.items()]


def headers_key(headers: list[str]) -> str:
    """The same headers (whatever their case, accents or order of spaces) give the same key."""
    return hashlib.sha256("|".join(fold(h).strip() for h in headers).encode()).hexdigest()


def guess_mapping(headers: list[str], rows: list[list[str]] | None = None) -> dict[str, int]:
    """field -> column index, from the remembered mapping or the headers and values."""
    remembered = db.session.scalar(
        db.select(HeaderMapping.mapping).where(HeaderMapping.headers_key == headers_key(headers)))
    if remembered:
        return {f: int(i) for f, i in remembered.items() if int(i) < len(headers)}
    return guess_columns(headers, rows)[0]


def remember_mapping(headers: list[str], mapping: dict[str, int]) -> None:
    """Keep the officer's mapping for the next file with these headers (flushes)."""
    key = headers_key(headers)
    row = db.session.scalar(db.select(HeaderMapping).where(HeaderMapping.headers_key == key))
    if row is None:
        db.session.add(HeaderMapping(headers_key=key, mapping=mapping))
    else:
        row.mapping = mapping
    db.session.flush()


def remembered_since(headers: list[str], moment: datetime) -> bool:
    """True when a mapping for these headers was saved before `moment` and not changed since."""
    saved_at = db.session.scalar(db.select(HeaderMapping.updated_at).where(
        HeaderMapping.headers_key == headers_key(headers)))
    return saved_at is not None and saved_at <= moment
