"""Finding and replacing a person's identifiers (full names, emails, phone numbers) in every
text and JSON column of every table.

The database only preselects rows (case-insensitive LIKE on a few fixed forms); the
replacement itself is a regular expression run in Python, so that names differing in case
or spacing, phone numbers written with any separators, and JSON values (whose non-ASCII
characters may be stored escaped) are all caught, and a name inside a longer word is not.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers
import sqlalchemy as sa

from crm.common import phones
from crm.common.text import fold
from crm.extensions import db

MARK = "[anonymized]"
# Derived rows (search keys) are deleted rather than rewritten: they are rebuilt from records.
DERIVED_TABLES = {"search_tokens"}
# Who someone is: the erased person's own rows there are blanked or deleted by the caller, and
# another person's are never rewritten, even when they share a phone, an email or a name.
IDENTITY_TABLES = {"people", "users", "invitations", "search_tokens"}
# Rows of one person that have a history of their own (audit entity type: table).
OWNED_HISTORIES = {"interaction": "interactions", "follow_up": "follow_ups",
                   "participation": "participations"}
PHONE_SEPARATORS = r"[\s.\-/()]*"
NOTHING = r"(?!x)x"  # what an empty set of identifiers matches


@dataclass
class Traces:
    """The identifiers of one person, as they may appear in stored text."""

    names: set[str] = field(default_factory=set)   # whole names, two words or more
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # E.164

    def add_name(self, *parts: str | None) -> None:
        words = " ".join(p for p in parts if p).split()
        # A single word ("Benali") is someone else's name too: only whole names are swept.
        if len(words) >= 2:
            self.names.add(" ".join(words))
            # as search keys and tags store it, and as it is often typed: "Bensaid", "اولاد"
            self.names.add(fold(" ".join(words)))

    def add_person(self, first_name: str, last_name: str, name_arabic: str,
                   email: str | None, phone: str | None) -> None:
        self.add_name(first_name, last_name)
        self.add_name(last_name, first_name)
        self.add_name(name_arabic)
        self.add_email(email)
        if phone:
            self.phones.add(phone)

    def add_email(self, email: str | None) -> None:
        if email and "@" in email:
            self.emails.add(email.strip().lower())

    def __bool__(self) -> bool:
        return bool(self.names or self.emails or self.phones)

    def pattern(self) -> re.Pattern:
        alternatives = [r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)"
                        for name in sorted(self.names, key=len, reverse=True)]
        alternatives += [r"(?<![\w.+-])" + re.escape(email) + r"(?!\.?[\w-])"
                         for email in sorted(self.emails, key=len, reverse=True)]
        alternatives += [_phone_pattern(phone) for phone in sorted(self.phones)]
        return re.compile("|".join(alternatives) or NOTHING, re.IGNORECASE)

    def like_terms(self) -> set[str]:
        """Fixed substrings of which every stored occurrence contains at least one (roughly:
        a name with odd spacing and a non-ASCII capital on SQLite may escape)."""
        terms = {max(name.split(), key=len) for name in self.names}
        terms |= self.emails
        for phone in self.phones:
            terms |= phone_forms(phone)
        return {t.lower() for t in terms if len(t) >= 3}


def _national_significant(e164: str) -> tuple[str, str]:
    number = phonenumbers.parse(e164, phones.DEFAULT_REGION)
    return str(number.country_code), phonenumbers.national_significant_number(number)


def _phone_pattern(e164: str) -> str:
    country, national = _national_significant(e164)
    prefix = rf"(?:(?:\+|00)\s*{country}{PHONE_SEPARATORS}(?:\(0\))?|{country}|0)?"
    digits = PHONE_SEPARATORS.join(national)
    return rf"(?<![\d+]){prefix}{PHONE_SEPARATORS}{digits}(?!\d)"


def phone_forms(e164: str) -> set[str]:
    """The usual ways of writing a number: E.164, national, international, in pairs."""
    number = phonenumbers.parse(e164, phones.DEFAULT_REGION)
    country, national = _national_significant(e164)
    fmt = phonenumbers.PhoneNumberFormat
    local = "0" + national
    pairs = [local[i:i + 2] for i in range(0, len(local), 2)]
    return {e164, national, phonenumbers.format_number(number, fmt.NATIONAL),
            phonenumbers.format_number(number, fmt.INTERNATIONAL),
            *(sep.join(pairs) for sep in (" ", ".", "-"))}


def scrub_text(value: str, pattern: re.Pattern) -> str:
    return pattern.sub(MARK, value)


def scrub_json(value, pattern: re.Pattern):
    """The same JSON value with every string (keys included) scrubbed."""
    if isinstance(value, str):
        return scrub_text(value, pattern)
    if isinstance(value, list):
        return [scrub_json(v, pattern) for v in value]
    if isinstance(value, dict):
        return {scrub_text(k, pattern): scrub_json(v, pattern) for k, v in value.items()}
    return value


def _is_text(column: sa.Column) -> bool:
    return isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum)


def _is_json(column: sa.Column) -> bool:
    return isinstance(column.type, sa.JSON)


def _json_terms(terms: Iterable[str]) -> set[str]:
    """How the terms may read inside stored JSON (non-ASCII escaped or not)."""
    return set(terms) | {json.dumps(t)[1:-1].lower() for t in terms}


def _condition(columns: list[sa.Column], terms: set[str]):
    json_terms = _json_terms(terms)
    conditions = []
    for column in columns:
        if _is_json(column):
            text = sa.cast(column, sa.Text)
            conditions += [text.icontains(t, autoescape=True) for t in json_terms]
        else:
            conditions += [column.icontains(t, autoescape=True) for t in terms]
    return sa.or_(*conditions)


def _is_unique(column: sa.Column) -> bool:
    return bool(column.unique) or any(
        index.unique and list(index.columns) == [column] for index in column.table.indexes)


def _new_values(row, columns: list[sa.Column], pattern: re.Pattern, key: str) -> dict:
    changed = {}
    for column in columns:
        old = row._mapping[column.name]
        if old is None:
            continue
        if _is_json(column):
            new = scrub_json(old, pattern)
        else:
            new = scrub_text(old, pattern)
            if new != old and _is_unique(column):  # two values may become the same
                new = f"{new}-{key}"
            if column.type.length:
                new = new[:column.type.length]
        if new != old:
            changed[column.name] = new
    return changed


def _others_history(table: sa.Table, person_ids: list[int]):
    """The history of other people's records and of the rows they own (kept as it is)."""
    conditions = [sa.and_(table.c.entity_type == "person", table.c.entity_id.not_in(person_ids))]
    for entity, name in OWNED_HISTORIES.items():
        owned = db.metadata.tables[name]
        others = sa.select(owned.c.id).where(owned.c.person_id.is_not(None),
                                             owned.c.person_id.not_in(person_ids))
        conditions.append(sa.and_(table.c.entity_type == entity, table.c.entity_id.in_(others)))
    return sa.or_(*conditions)


def _sweep_table(table: sa.Table, columns: list[sa.Column], pattern: re.Pattern,
                 terms: set[str], person_ids: list[int]) -> int:
    keys = list(table.primary_key.columns)
    query = sa.select(*keys, *columns).where(_condition(columns, terms))
    if table.name == "audit_entries":
        query = query.where(sa.not_(_others_history(table, person_ids)))
    if "person_id" in table.c:  # another person's follow-ups, interactions... stay theirs
        query = query.where(sa.or_(table.c.person_id.is_(None),
                                   table.c.person_id.in_(person_ids)))
    rows = db.session.execute(query)
    replaced = 0
    for row in rows.all():
        where = sa.and_(*(key == row._mapping[key.name] for key in keys))
        if table.name in DERIVED_TABLES:
            if pattern.search(" ".join(str(row._mapping[c.name] or "") for c in columns)):
                db.session.execute(sa.delete(table).where(where))
                replaced += 1
            continue
        key = "-".join(str(row._mapping[k.name]) for k in keys)
        values = _new_values(row, columns, pattern, key)
        if not values:
            continue
        if "version" in table.c:  # an edit form opened before is refused, not saved over
            values["version"] = table.c.version + 1
        db.session.execute(sa.update(table).where(where).values(**values))
        replaced += len(values)
    return replaced


def sweep(traces: Traces, person_ids: list[int]) -> int:
    """Replace the identifiers of the people `person_ids` (one human) in free text: their own
    rows and the records of no one in particular (organizations, projects, tags...), never
    another person's identity, rows or history (flushes, no commit); how many values
    changed."""
    if not traces:
        return 0
    db.session.flush()
    pattern, terms = traces.pattern(), traces.like_terms()
    replaced = 0
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if _is_text(c) or _is_json(c)]
        if columns and table.primary_key.columns and table.name not in IDENTITY_TABLES:
            replaced += _sweep_table(table, columns, pattern, terms, person_ids)
    return replaced
