"""Who is who: lines of one file that are the same person, and lines that are people the
CRM already knows. Email and phone (E.164) decide; names decide only where no identifier
contradicts them, compared as consonant skeletons so that Latin and Arabic spellings meet."""

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from crm.common.text import has_arabic, to_latin, words
from crm.extensions import db
from crm.imports import latin_names
from crm.people.models import Person
from crm.search.keys import (
    ARTICLES,
    FULL_NAME,
    full_name_keys,
    skeleton_tokens,
)
from crm.search.models import SearchToken

NAME_THRESHOLD = 88
CHUNK = 500


@dataclass
class Identity:
    key: int  # a line number, or a person id
    email: str | None
    phone: str | None
    names: list[str] = field(default_factory=list)  # full-name skeletons
    tokens: set[str] = field(default_factory=set)  # blocking keys
    first_latin: str = ""  # the first name in Latin letters, vowels kept
    first: str = ""
    last: str = ""
    blocks: set[str] = field(default_factory=set)  # keys of Latin spelling variants
    surnames: set[str] = field(default_factory=set)  # the surname's search skeletons


def _first_name_key(first: str) -> str:
    """"Houda", "Huda" and "Hoda" stay close; "Amine" and "Imane" do not."""
    latin = to_latin(first).replace("ou", "u").replace("-", " ")
    return "".join(c for i, c in enumerate(latin) if c.isalpha() and (i == 0 or c != latin[i - 1]))


def identity(key: int, first: str, last: str, arabic: str, email, phone) -> Identity:
    # Only whole-name keys block: a common surname alone would pair thousands of lines.
    names = full_name_keys(first, last, arabic)
    tokens = {FULL_NAME + name for name in names}
    return Identity(key, email, phone, names, tokens,
                    _first_name_key(first or ""), first or "", last or "",
                    latin_names.block_keys(first or "", last or ""),
                    _surname_tokens(last or ""))


def _surname_tokens(last: str) -> set[str]:
    """The search tokens a Latin surname is stored under (its words, its consonants): known
    people with a variant of it are fetched through them."""
    if not last or has_arabic(last):
        return set()
    return skeleton_tokens(last) | {w for w in words(last) if w not in ARTICLES}


def contradicts(a: Identity, b: Identity) -> bool:
    """An identifier both have, and that differs."""
    return bool((a.email and b.email and a.email != b.email)
                or (a.phone and b.phone and a.phone != b.phone))


def name_score(a: Identity, b: Identity) -> int:
    """How alike two names are (0-100). Two Latin names with first and last name are compared
    as spellings of one name (`latin_names`); otherwise consonant skeletons across scripts,
    the first names agreeing with their vowels between two Latin spellings."""
    latin = latin_names.latin_score(a.first, a.last, b.first, b.last)
    if latin is not None:
        return latin
    score = int(max((fuzz.ratio(x, y) for x in a.names for y in b.names), default=0))
    if a.first_latin and b.first_latin and fuzz.ratio(a.first_latin, b.first_latin) < 75:
        return 0
    return score


def _shares_identifier(a: Identity, b: Identity) -> bool:
    return bool((a.email and a.email == b.email) or (a.phone and a.phone == b.phone))


def why_same(a: Identity, b: Identity, score: int) -> list[str]:
    """The reasons two identities are one person, or [] when they are not; `score` is
    their `name_score`, computed once by the caller that also ranks with it."""
    reasons = []
    if a.email and a.email == b.email:
        reasons.append("same-email")
    if a.phone and a.phone == b.phone:
        reasons.append("same-phone")
    if not reasons and not contradicts(a, b) and score >= NAME_THRESHOLD:
        reasons.append("similar-name")
    return reasons


def _best(item: Identity, candidates) -> tuple[Identity, list[str]] | None:
    """The candidate most surely the same person: identifiers before names, then the most
    alike name."""
    best, best_rank = None, None
    for other in candidates:
        if contradicts(item, other) and not _shares_identifier(item, other):
            continue  # another person's email or phone: no name to compare
        score = name_score(item, other)
        reasons = why_same(item, other, score)
        if reasons:
            rank = (len(reasons), score)
            if best_rank is None or rank > best_rank:
                best, best_rank = (other, reasons), rank
    return best


def _add(index: dict, keys, item) -> None:
    for key in keys:
        index.setdefault(key, []).append(item)


def cluster(identities: list[Identity]) -> dict[int, tuple[int, list[str]]]:
    """key -> (the first key of its group, reasons) for every identity that repeats an earlier
    one of the same list (lines of one file)."""
    by_email, by_phone, by_key = {}, {}, {}
    result = {}
    for item in identities:
        candidates = []
        for index, value in ((by_email, item.email), (by_phone, item.phone)):
            if value and value in index:
                candidates.append(index[value])
        for key in item.tokens | item.blocks:
            candidates.extend(by_key.get(key, []))
        best = _best(item, {id(c): c for c in candidates}.values())
        if best:
            earlier, reasons = best
            root = result.get(earlier.key, (earlier.key, []))[0]
            result[item.key] = (root, reasons)
        else:  # the first of its group: later lines meet it
            if item.email:
                by_email.setdefault(item.email, item)
            if item.phone:
                by_phone.setdefault(item.phone, item)
            _add(by_key, item.tokens | item.blocks, item)
    return result


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _known_people(identities: list[Identity]) -> dict[int, Identity]:
    """The people of the database who share an email, a phone or a name key with any line."""
    emails = sorted({i.email for i in identities if i.email})
    phones = sorted({i.phone for i in identities if i.phone})
    tokens = sorted({t for i in identities for t in i.tokens | i.surnames})
    ids: set[int] = set()
    for chunk in _chunks(emails):
        ids.update(db.session.scalars(db.select(Person.id).where(Person.email.in_(chunk))))
    for chunk in _chunks(phones):
        ids.update(db.session.scalars(db.select(Person.id).where(Person.phone.in_(chunk))))
    for chunk in _chunks(tokens):
        ids.update(db.session.scalars(db.select(SearchToken.entity_id).where(
            SearchToken.entity_type == "person", SearchToken.token.in_(chunk))))
    known = {}
    for chunk in _chunks(sorted(ids)):
        query = db.select(Person.id, Person.first_name, Person.last_name, Person.name_arabic,
                          Person.email, Person.phone).where(
            Person.id.in_(chunk), Person.archived_at.is_(None))
        for pid, first, last, arabic, email, phone in db.session.execute(query):
            known[pid] = identity(pid, first, last, arabic, email, phone)
    return known


def match_known(identities: list[Identity]) -> dict[int, tuple[int, list[str]]]:
    """line -> (person id, reasons) for the lines that are people already known."""
    known = _known_people(identities)
    by_email, by_phone, by_key = {}, {}, {}
    for person in known.values():
        if person.email:
            by_email.setdefault(person.email, []).append(person)
        if person.phone:
            by_phone.setdefault(person.phone, []).append(person)
        _add(by_key, person.tokens | person.blocks, person)
    matches = {}
    for item in identities:
        candidates = by_email.get(item.email, []) + by_phone.get(item.phone, [])
        candidates += [p for key in item.tokens | item.blocks for p in by_key.get(key, [])]
        best = _best(item, {id(c): c for c in candidates}.values())
        if best:
            matches[item.key] = (best[0].key, best[1])
    return matches
