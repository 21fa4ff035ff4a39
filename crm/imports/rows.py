"""One line of an attendee file: cleaned values, or the reasons it cannot be imported."""

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from crm.auth.services import normalize_email
from crm.common import phones
from crm.common.text import fold, has_arabic
from crm.errors import ServiceError
from crm.forums.models import ParticipationRole
from crm.imports.names import split_full_name
from crm.organizations.models import OrganizationKind

REASONS = {
    "empty-line": _l("empty line"),
    "no-name": _l("no name"),
    "bad-characters": _l("the name holds characters that a name cannot have"),
    "invalid-email": _l("invalid email"),
    "invalid-phone": _l("invalid phone number"),
    "unknown-workshop": _l("workshop not found in this forum"),
    "same-email": _l("same email"),
    "same-phone": _l("same phone"),
    "similar-name": _l("similar name"),
}

# Names are letters, spaces, apostrophes, dots and hyphens; nothing a spreadsheet or a
# browser could execute.
_FORBIDDEN = re.compile(r"[<>=@{}\[\]\\|;$%^*#~`\"0-9]")

ROLES = {fold(w): role for words, role in [
    (["participant", "participante", "مشارك", "مشاركة"], ParticipationRole.PARTICIPANT),
    (["intervenant", "intervenante", "speaker", "panéliste", "متدخل", "متحدث"],
     ParticipationRole.SPEAKER),
    (["modérateur", "modératrice", "moderator", "مسير", "منشط"], ParticipationRole.MODERATOR),
    (["organisateur", "organisatrice", "organizer", "organiser", "منظم"],
     ParticipationRole.ORGANIZER),
] for w in words}

KINDS = {fold(w): kind for words, kind in [
    (["association", "assoc", "asso", "ong", "ngo", "جمعية"], OrganizationKind.ASSOCIATION),
    (["coopérative", "cooperative", "coop", "تعاونية"], OrganizationKind.COOPERATIVE),
    (["mutuelle", "mutual", "mutualite", "تعاضدية"], OrganizationKind.MUTUAL),
    (["amicale", "ودادية"], OrganizationKind.AMICALE),
    (["fondation", "foundation", "مؤسسة"], OrganizationKind.FOUNDATION),
    (["entreprise sociale", "social enterprise", "startup sociale", "social business",
      "entreprise sociale et solidaire", "ess", "entreprise solidaire", "مقاولة اجتماعية",
      "مقاولة تضامنية", "مقاولة اجتماعية وتضامنية"], OrganizationKind.SOCIAL_ENTERPRISE),
    (["entreprise", "company", "société", "sarl", "startup", "business", "شركة", "مقاولة"],
     OrganizationKind.COMPANY),
    (["organisme public", "public body", "administration", "public", "هيئة عمومية"],
     OrganizationKind.PUBLIC_BODY),
] for w in words}
# Longest first: "entreprise sociale" is read before "entreprise".
_KIND_PHRASES = sorted(KINDS, key=lambda phrase: -len(phrase))


def _singular(word: str) -> str:
    """"associations" -> "association", "الجمعيات" -> "جمعيه" (folded: article and plural off)."""
    if has_arabic(word):
        word = word[2:] if word.startswith("ال") and len(word) > 4 else word
        return word[:-2] + "ه" if word.endswith("ات") and len(word) > 4 else word
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


def organization_kind(text: str) -> OrganizationKind:
    """The kind an attendee wrote ("Social_enterprise", "Assoc.", "E.S.S.", "Coopératives",
    "مقاولة اجتماعية", "الجمعيات"), by its words; "other" when none is known."""
    # Dots go before splitting so that an acronym ("E.S.S.") stays one word.
    words = re.sub(r"[\W_]+", " ", fold(text).replace(".", "")).split()
    singular = [_singular(w) for w in words]
    for phrase in (" ".join(words), " ".join(singular)):
        if phrase in KINDS:
            return KINDS[phrase]
    for phrase in (" ".join(words), " ".join(singular)):
        for known in _KIND_PHRASES:
            if f" {known} " in f" {phrase} ":
                return KINDS[known]
    return OrganizationKind.OTHER

YES = {fold(w) for w in ["oui", "yes", "x", "1", "présent", "present", "نعم", "حاضر"]}


@dataclass
class CleanRow:
    line: int
    values: dict = field(default_factory=dict)
    reasons: list = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.reasons


def _tidy_name(text: str) -> str:
    text = " ".join(text.split())
    if text.isupper() and not has_arabic(text):
        return text.title()  # "EL OUAZZANI" -> "El Ouazzani"
    return text


def _split_names(get) -> tuple[str, str, str]:
    """(first, last, arabic): Arabic-script names go to the Arabic name."""
    first, last = _tidy_name(get("first_name")), _tidy_name(get("last_name"))
    full = " ".join(get("full_name").split())
    if not (first or last) and full:
        first, last = (_tidy_name(part) for part in split_full_name(full))
        full = ""
    if has_arabic(first + last):
        return "", "", " ".join(p for p in (first, last) if p)
    # A full name in Arabic beside Latin first and last names is the Arabic name.
    return first, last, full if has_arabic(full) else ""


def clean_row(line: int, cells: list[str], mapping: dict[str, int], sessions) -> CleanRow:
    """Validate one line; `sessions` resolves a workshop name to a session id or None."""
    def get(name: str) -> str:
        index = mapping.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    row = CleanRow(line)
    if not any(cell.strip() for cell in cells):
        row.reasons.append("empty-line")
        return row
    first, last, arabic = _split_names(get)
    if not (first or last or arabic):
        row.reasons.append("no-name")
    elif _FORBIDDEN.search(first + last + arabic):
        row.reasons.append("bad-characters")
    email = get("email")
    if email:
        try:
            email = normalize_email(email)
        except ServiceError:
            row.reasons.append("invalid-email")
    try:
        phone = phones.to_e164(get("phone"))
    except ValueError:
        phone = None
        row.reasons.append("invalid-phone")
    session_id = sessions(get("workshop"))
    if session_id is None:
        row.reasons.append("unknown-workshop")
    row.values = {
        "first_name": first, "last_name": last, "name_arabic": arabic,
        "email": email or None, "phone": phone, "city": get("city")[:100],
        "organization": " ".join(get("organization").split())[:200],
        "organization_kind": organization_kind(get("organization_kind")).value,
        "role": ROLES.get(fold(get("role")), ParticipationRole.PARTICIPANT).value,
        "attended": fold(get("attended")) in YES, "session_id": session_id,
    }
    return row
