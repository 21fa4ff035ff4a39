"""Which column holds which field: guessed from French, English and Arabic headers, and
remembered for files with the same headers."""

import hashlib
from datetime import datetime

from flask_babel import lazy_gettext as _l

from crm.common.text import fold
from crm.extensions import db
from crm.imports.models import HeaderMapping

# field -> (label, header words that name it, folded)
FIELDS = {
    "last_name": (_l("Last name"), ["nom", "nom de famille", "last name", "surname",
                                    "family name", "lastname", "اللقب", "الاسم العائلي", "النسب"]),
    "first_name": (_l("First name"), ["prenom", "first name", "firstname", "given name",
                                      "الاسم الشخصي", "الاسم"]),
    "full_name": (_l("Full name"), ["nom complet", "full name", "name", "nom et prenom",
                                    "الاسم الكامل"]),
    "email": (_l("Email"), ["e-mail", "email", "mail", "courriel", "adresse e-mail",
                            "adresse email", "البريد الالكتروني", "البريد"]),
    "phone": (_l("Phone"), ["telephone", "tel", "phone", "mobile", "gsm", "portable",
                            "numero de telephone", "الهاتف", "رقم الهاتف"]),
    "organization": (_l("Organization"), ["organisation", "organization", "structure",
                                          "organisme", "المنظمة", "الهيئة", "الجمعية"]),
    "organization_kind": (_l("Kind of organization"), [
        "type d'organisation", "type d organisation", "type", "organization type",
        "type de structure", "نوع المنظمة", "نوع الهيئة"]),
    "city": (_l("City"), ["ville", "city", "المدينة"]),
    "workshop": (_l("Workshop or session"), ["atelier", "workshop", "session", "الورشة"]),
    "role": (_l("Role"), ["role", "qualite", "الدور", "الصفة"]),
    "attended": (_l("Attended"), ["present", "presence", "attended", "الحضور"]),
}


def field_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _words) in FIELDS.items()]


def headers_key(headers: list[str]) -> str:
    """The same headers (whatever their case, accents or order of spaces) give the same key."""
    return hashlib.sha256("|".join(fold(h).strip() for h in headers).encode()).hexdigest()


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """field -> column index, from the remembered mapping or the header words."""
    remembered = db.session.scalar(
        db.select(HeaderMapping.mapping).where(HeaderMapping.headers_key == headers_key(headers)))
    if remembered:
        return {f: int(i) for f, i in remembered.items() if int(i) < len(headers)}
    mapping = {}
    folded = [fold(h).replace("_", " ").strip() for h in headers]
    for field, (_label, words) in FIELDS.items():
        for index, header in enumerate(folded):
            if index not in mapping.values() and header in {fold(w) for w in words}:
                mapping[field] = index
                break
    return mapping


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
