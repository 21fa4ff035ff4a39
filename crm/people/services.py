"""People: create, update, archive, find, detect duplicates, merge."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz

from crm.audit import services as audit
from crm.auth.services import normalize_email
from crm.common import phones
from crm.common.listing import ListParams, is_one_of, narrow, order_by
from crm.common.merge import Match, repoint_references
from crm.common.names import in_reader_order
from crm.common.records import (
    archive_record,
    commit_or_conflict,
    restore_record,
    update_record,
)
from crm.common.reference import Region
from crm.common.time import local_today, utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.forums.models import ForumSession, Participation
from crm.interactions.models import Interaction
from crm.organizations.models import Membership, Organization
from crm.people.models import Gender, Person
from crm.privacy.models import Consent, ConsentPurpose
from crm.search import services as search
from crm.search.keys import (
    email_tokens,
    full_name_keys,
    name_tokens,
    person_name_tokens,
    phone_tokens,
)
from crm.tags import services as tags
from crm.tags.models import Tag
from crm.webhooks import events as webhooks

ENTITY = "person"
FIELDS = ["first_name", "last_name", "name_arabic", "email", "phone", "gender", "city",
          "region", "notes", "language", "do_not_contact"]
# Not chosen between when merging: both notes are kept; "do not contact" from either stays.
MERGED_APART = {"notes", "do_not_contact"}
FILTERS = ("region", "organization", "tag", "gender", "archived", "consent", "forum", "idle")
SORTS = {"name": Person.last_name, "first_name": Person.first_name,
         "created": Person.created_at, "city": Person.city}
NAME_MATCH_THRESHOLD = 88
LANGUAGES = ("ar", "fr", "en")


def _clean(data: dict) -> dict:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if not (data.get("first_name") or data.get("last_name") or data.get("name_arabic")):
        raise ServiceError(_l("Give a name in Latin or in Arabic script."), field="last_name")
    if data.get("email"):
        data["email"] = normalize_email(data["email"])
    else:
        data["email"] = None
    if "language" in data and data["language"] not in LANGUAGES:
        data["language"] = None
    try:
        data["phone"] = phones.to_e164(data.get("phone"))
    except ValueError as error:
        raise ServiceError(_l("This phone number is not valid."), field="phone") from error
    return data


def person_tokens(v: dict) -> set[str]:
    """Search and matching keys of a person given as a dict of its fields."""
    names = (v.get("first_name"), v.get("last_name"), v.get("name_arabic"))
    return (name_tokens(*names, v.get("city")) | email_tokens(v.get("email"))
            | phone_tokens(v.get("phone")) | person_name_tokens(*names))


def reindex(person: Person) -> None:
    fields = ("first_name", "last_name", "name_arabic", "email", "phone", "city")
    search.index_record(ENTITY, person.id, person_tokens({f: getattr(person, f) for f in fields}))


def create_person(actor, tag_names: list[str] | None = None, **data) -> Person:
    """Create a person, index them for search and duplicate matching, and audit it."""
    person = Person(**_clean(data))
    person.tags = tags.get_or_create_tags(tag_names or [])
    db.session.add(person)
    db.session.flush()
    reindex(person)
    audit.record(actor, "create", ENTITY, person.id, audit.snapshot(person, FIELDS))
    webhooks.emit("person.created", person)
    db.session.commit()
    return person


def update_person(actor, person: Person, expected_version: int | None,
                  tag_names: list[str] | None = None, **data) -> dict:
    changes = update_record(actor, person, ENTITY, expected_version, _clean(data), tag_names)
    reindex(person)
    commit_or_conflict(person)
    return changes


def set_tags(actor, person: Person, tag_names: list[str]) -> dict:
    """Replace the person's tags (audited with the person's history), as a bulk action
    does: the rest of the record is left as it is."""
    changes = update_record(actor, person, ENTITY, None, {}, tag_names)
    commit_or_conflict(person)
    return changes


def get_person(person_id: int) -> Person | None:
    # The organizations' projects decide who may edit the person (crm.auth.permissions).
    return db.session.get(Person, person_id, options=[
        db.selectinload(Person.memberships).joinedload(Membership.organization)
        .selectinload(Organization.projects),
        db.selectinload(Person.tags),
    ])


def _criteria(params: ListParams) -> list:
    """The list's filters, each value of a repeated one an alternative: region, gender,
    organization, tag, consent given (and not withdrawn) for a purpose, forum edition
    attended, no interaction for N days."""
    organizations, tags = params.ids("organization"), params.ids("tag")
    purposes, days = params.members("consent", ConsentPurpose), params.idle_days()
    return [
        is_one_of(Person.region, params.members("region", Region)),
        is_one_of(Person.gender, params.members("gender", Gender)),
        Person.memberships.any(Membership.organization_id.in_(organizations))
        if organizations else None,
        Person.tags.any(Tag.id.in_(tags)) if tags else None,
        Person.id.in_(db.select(Consent.person_id).where(
            Consent.purpose.in_(purposes), Consent.withdrawn_on.is_(None))) if purposes else None,
        _attended(params.ids("forum")),
        _no_interaction_for(days) if days else None,
    ]


def _attended(forum_ids: list[int]):
    """SQL: the person attended a session of one of these forum editions (being listed
    without attending is not enough); None when no edition is asked for."""
    if not forum_ids:
        return None
    return Person.id.in_(db.select(Participation.person_id).join(Participation.session).where(
        ForumSession.forum_id.in_(forum_ids), Participation.attended.is_(True)))


def _no_interaction_for(days: int):
    """SQL: the person's last interaction is older than `days` days, or they have none; read
    from the interactions' (person, date) index."""
    since = local_today() - timedelta(days=days)
    return ~db.exists().where(Interaction.person_id == Person.id,
                              Interaction.occurred_on >= since)


def list_people(params: ListParams, with_organizations: bool = True):
    """The select statement behind the list page (its people's organizations loaded with
    them) and the exports (`with_organizations=False`: `person_rows` reads them itself)."""
    query = db.select(Person)
    query = query.where(Person.archived_at.is_not(None) if params.filters.get("archived") == "1"
                        else Person.archived_at.is_(None))
    query = narrow(query, params, _criteria(params))
    if params.q:
        ids = search.matching_ids(ENTITY, params.q)
        if ids is not None:
            query = query.where(Person.id.in_(ids))
    if with_organizations:
        query = query.options(
            db.selectinload(Person.memberships).joinedload(Membership.organization))
    return order_by(query, params, SORTS, "name", Person.id)


def find_similar_people(first_name: str = "", last_name: str = "", name_arabic: str = "",
                        email: str = "", phone: str = "", exclude_id: int | None = None,
                        limit: int = 5) -> list[Match]:
    """People who look like the one described: same email, same phone, or similar name
    (compared as consonant skeletons, so Latin and Arabic spellings meet)."""
    matches: dict[int, Match] = {}

    def add(person, reason, score=100):
        match = matches.setdefault(person.id, Match(person))
        match.reasons.append(reason)
        match.score = max(match.score, score)

    try:
        email = normalize_email(email) if email else ""
    except ServiceError:
        email = ""
    if email:
        for person in db.session.scalars(db.select(Person).where(Person.email == email)):
            add(person, _l("same email"))
    try:
        phone = phones.to_e164(phone) or ""
    except ValueError:
        phone = ""
    if phone:
        for person in db.session.scalars(db.select(Person).where(Person.phone == phone)):
            add(person, _l("same phone"))
    wanted = full_name_keys(first_name, last_name, name_arabic)
    candidate_ids = search.exact_token_ids(
        ENTITY, person_name_tokens(first_name, last_name, name_arabic))
    if wanted and candidate_ids:
        query = db.select(Person).where(Person.id.in_(list(candidate_ids)[:500]))
        for person in db.session.scalars(query):
            theirs = full_name_keys(person.first_name, person.last_name, person.name_arabic)
            score = max((fuzz.ratio(a, b) for a in wanted for b in theirs), default=0)
            if score >= NAME_MATCH_THRESHOLD:
                add(person, _l("similar name"), int(score))
    found = [m for pid, m in matches.items()
             if pid != exclude_id and m.record.archived_at is None]
    return sorted(found, key=lambda m: (-len(m.reasons), -m.score))[:limit]


def merge_differences(survivor: Person, duplicate: Person) -> list[str]:
    """The fields where both records hold a value and the values differ: the officer chooses
    which to keep (notes are kept both, one after the other)."""
    return [name for name in FIELDS if name not in MERGED_APART
            and getattr(survivor, name) not in (None, "")
            and getattr(duplicate, name) not in (None, "")
            and getattr(survivor, name) != getattr(duplicate, name)]


def role_differences(survivor: Person, duplicate: Person) -> list[tuple]:
    """(organization, survivor's role, duplicate's role) where both belong with other roles:
    one person holds one role in an organization, so the officer chooses which."""
    theirs = {m.organization_id: m.role for m in duplicate.memberships}
    return [(m.organization, m.role, theirs[m.organization_id]) for m in survivor.memberships
            if m.organization_id in theirs and theirs[m.organization_id] != m.role]


def _merged_values(survivor: Person, duplicate: Person, take: set[str]) -> dict:
    values = {name: getattr(duplicate, name) for name in FIELDS
              if name not in MERGED_APART and getattr(duplicate, name) not in (None, "")
              and (getattr(survivor, name) in (None, "") or name in take)}
    if survivor.notes and duplicate.notes and survivor.notes != duplicate.notes:
        values["notes"] = f"{survivor.notes}\n\n{duplicate.notes}"
    if duplicate.do_not_contact and not survivor.do_not_contact:
        values["do_not_contact"] = True
    return values


def merge_people(actor, survivor: Person, duplicate: Person, take=(), roles=None) -> None:
    """Move every link of `duplicate` to `survivor` and archive it. The survivor keeps its
    values except the fields in `take` (the duplicate's chosen), fills its blanks, keeps both
    notes, and holds the role `roles[organization_id]` where both belonged with other roles."""
    if survivor.id == duplicate.id:
        raise ServiceError(_l("A person cannot be merged with themselves."))
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ServiceError(_l("This record was already merged into another one."))
    changes = audit.apply_changes(survivor, _merged_values(survivor, duplicate, set(take)))
    for membership in survivor.memberships:
        chosen = (roles or {}).get(membership.organization_id)
        if chosen is not None and chosen != membership.role:
            changes[f"role in {membership.organization_id}"] = [membership.role.value,
                                                                 chosen.value]
            membership.role = chosen
    moved = repoint_references(Person.__table__, duplicate.id, survivor.id,
                               skip={"people.merged_into_id"})
    duplicate.merged_into_id = survivor.id
    duplicate.archived_at = duplicate.archived_at or utcnow()
    audit.record(actor, "merge", ENTITY, survivor.id,
                 {"merged_from": [None, duplicate.id], "links_moved": [None, moved], **changes})
    audit.record(actor, "merged_into", ENTITY, duplicate.id, {"merged_into": [None, survivor.id]})
    db.session.flush()
    db.session.expire_all()
    reindex(survivor)
    webhooks.emit("person.merged", duplicate)  # its merged_into_id names the survivor
    db.session.commit()


def archive_person(actor, person: Person) -> None:
    archive_record(actor, person, ENTITY)


def restore_person(actor, person: Person) -> None:
    restore_record(actor, person, ENTITY)


# The columns of the exports, as person_rows gives them.
EXPORT_HEADER = (_l("ID"), _l("First name"), _l("Last name"), _l("Name in Arabic"), _l("Email"),
                 _l("Phone"), _l("Gender"), _l("City"), _l("Region"), _l("Organizations"))
EXPORT_COLUMNS = (Person.id, Person.first_name, Person.last_name, Person.name_arabic,
                  Person.email, Person.phone, Person.gender, Person.city, Person.region)


def person_rows(query):
    """Rows of the CSV and Excel exports, in the order of the list, read as columns: building
    100,000 people and their memberships as objects took half of an export's time."""
    organizations = _organization_names(query)
    for pid, first, last, arabic, email, phone, gender, city, region in db.session.execute(
            query.with_only_columns(*EXPORT_COLUMNS)):
        yield [pid, first, last, arabic, email or "", phone or "",
               gender.label if gender else "", city, region.label if region else "",
               "; ".join(organizations.get(pid, []))]


def _organization_names(query) -> dict[int, list[str]]:
    """Person id -> the names of their organizations, in the reader's script."""
    people = query.with_only_columns(Person.id).order_by(None).subquery()
    rows = db.session.execute(
        db.select(Membership.person_id, Organization.name, Organization.name_arabic)
        .join(Membership.organization).where(Membership.person_id.in_(db.select(people.c.id)))
        .order_by(Membership.id))
    names: dict[int, list[str]] = {}
    for pid, name, arabic in rows:
        names.setdefault(pid, []).append(in_reader_order(name, arabic)[0])
    return names


def search_people(q: str, limit: int = 10) -> list[Person]:
    ids = search.matching_ids(ENTITY, q)
    if ids is None:
        return []
    query = db.select(Person).where(Person.id.in_(ids), Person.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(Person.last_name, Person.id).limit(limit)))


def organizations_of(person: Person) -> list[Organization]:
    return [m.organization for m in person.memberships]
