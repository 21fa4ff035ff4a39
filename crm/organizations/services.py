"""Organizations: create, update, archive, find, detect duplicates, merge, members."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz

from crm.audit import services as audit
from crm.common.flags import has_any_flag
from crm.common.listing import ListParams, is_one_of, narrow, order_by
from crm.common.merge import Match, repoint_references
from crm.common.records import (
    archive_record,
    commit_or_conflict,
    restore_record,
    update_record,
)
from crm.common.reference import Region, Theme
from crm.common.text import fold, to_latin
from crm.common.time import local_today, utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.organizations.models import Membership, MembershipRole, Organization, OrganizationKind
from crm.pipeline.models import Stage
from crm.projects.models import Project
from crm.search import services as search
from crm.search.keys import name_tokens, skeleton
from crm.tags import services as tags
from crm.tags.models import Tag

ENTITY = "organization"
FIELDS = ["name", "name_arabic", "kind", "legal_identifier", "founding_year", "region", "city",
          "address", "website", "description", "themes", "sdgs"]
# Words too common in organization names to say two of them are alike.
GENERIC_WORDS = {fold(w) for w in [
    "association", "cooperative", "coopérative", "mutuelle", "amicale", "fondation", "des",
    "de", "du", "la", "le", "les", "pour", "et", "al", "el", "startup", "entreprise", "جمعية",
    "تعاونية", "مؤسسة", "ودادية", "تعاضدية", "من", "اجل", "في", "و", "لل"]}
FILTERS = ("kind", "region", "tag", "theme", "archived", "stage", "idle")
SORTS = {"name": Organization.name, "created": Organization.created_at,
         "region": Organization.region, "kind": Organization.kind}


def _clean(data: dict) -> dict:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if not data.get("name") and not data.get("name_arabic"):
        raise ServiceError(_l("Give the name in Latin or in Arabic script."), field="name")
    year = data.get("founding_year")
    if year is not None and not 1900 <= int(year) <= 2100:
        raise ServiceError(_l("The founding year must be between 1900 and 2100."),
                           field="founding_year")
    website = data.get("website")
    if website and not website.startswith(("http://", "https://")):
        data["website"] = "https://" + website
    return data


def _tokens(org: Organization) -> set[str]:
    return name_tokens(org.name, org.name_arabic, org.legal_identifier, org.city)


def create_organization(actor, tag_names: list[str] | None = None, **data) -> Organization:
    """Create an organization, index it for search and audit it."""
    data = _clean(data)
    organization = Organization(**data)
    organization.tags = tags.get_or_create_tags(tag_names or [])
    db.session.add(organization)
    db.session.flush()
    search.index_record(ENTITY, organization.id, _tokens(organization))
    audit.record(actor, "create", ENTITY, organization.id, audit.snapshot(organization, FIELDS))
    db.session.commit()
    return organization


def update_organization(actor, organization: Organization, expected_version: int | None,
                        tag_names: list[str] | None = None, **data) -> dict:
    """Save the edit unless someone saved in between (ConflictError); audit the changes."""
    changes = update_record(actor, organization, ENTITY, expected_version, _clean(data),
                            tag_names)
    search.index_record(ENTITY, organization.id, _tokens(organization))
    commit_or_conflict(organization)
    return changes


def set_tags(actor, organization: Organization, tag_names: list[str]) -> dict:
    """Replace the organization's tags (audited with its history), as a bulk action does:
    the rest of the record is left as it is."""
    changes = update_record(actor, organization, ENTITY, None, {}, tag_names)
    commit_or_conflict(organization)
    return changes


def get_organization(organization_id: int) -> Organization | None:
    return db.session.get(Organization, organization_id, options=[
        db.selectinload(Organization.memberships).joinedload(Membership.person),
        db.selectinload(Organization.projects),
        db.selectinload(Organization.tags),
    ])


def _criteria(params: ListParams) -> list:
    """The list's filters, each value of a repeated one an alternative: kind, region, theme,
    tag, a live project at a stage, no interaction for N days."""
    themes, tags, days = params.members("theme", Theme), params.ids("tag"), params.idle_days()
    return [
        is_one_of(Organization.kind, params.members("kind", OrganizationKind)),
        is_one_of(Organization.region, params.members("region", Region)),
        has_any_flag(Organization.themes, themes) if themes else None,
        Organization.tags.any(Tag.id.in_(tags)) if tags else None,
        _with_project_at(params.values("stage")),
        _no_interaction_for(days) if days else None,
    ]


def _with_project_at(stage_codes: list[str]):
    """SQL: the organization carries a live (not archived) project at one of these stages;
    None when no stage is asked for. Read from the live projects' stage index."""
    if not stage_codes:
        return None
    return Organization.id.in_(db.select(Project.organization_id).join(Project.stage).where(
        Stage.code.in_(stage_codes), Project.archived_at.is_(None)))


def _no_interaction_for(days: int):
    """SQL: the organization's own last interaction (not its people's or its projects') is
    older than `days` days, or it has none; read from the interactions' organization index."""
    since = local_today() - timedelta(days=days)
    return ~db.exists().where(Interaction.organization_id == Organization.id,
                              Interaction.occurred_on >= since)


def list_organizations(params: ListParams):
    """The select statement behind the list page and its CSV export."""
    query = db.select(Organization)
    query = query.where(Organization.archived_at.is_not(None)
                        if params.filters.get("archived") == "1"
                        else Organization.archived_at.is_(None))
    query = narrow(query, params, _criteria(params))
    if params.q:
        ids = search.matching_ids(ENTITY, params.q)
        if ids is not None:
            query = query.where(Organization.id.in_(ids))
    query = query.options(db.selectinload(Organization.tags))
    return order_by(query, params, SORTS, "name", Organization.id)


def _name_key(name: str) -> str:
    return " ".join(w for w in fold(to_latin(name)).split() if w not in GENERIC_WORDS)


def find_similar_organizations(name: str = "", name_arabic: str = "", legal_identifier: str = "",
                               exclude_id: int | None = None, limit: int = 5) -> list[Match]:
    """Organizations that look like the one described: same legal id or a similar name."""
    matches: dict[int, Match] = {}
    if legal_identifier.strip():
        query = db.select(Organization).where(
            Organization.legal_identifier == legal_identifier.strip())
        for org in db.session.scalars(query):
            matches.setdefault(org.id, Match(org)).reasons.append(_l("same legal identifier"))
    words = {w for w in name_tokens(name, name_arabic) if w not in GENERIC_WORDS and len(w) > 2}
    candidate_ids = search.exact_token_ids(ENTITY, words)
    wanted = [k for k in (_name_key(name), _name_key(name_arabic)) if k]
    if candidate_ids and wanted:
        query = db.select(Organization).where(Organization.id.in_(list(candidate_ids)[:500]))
        for org in db.session.scalars(query):
            theirs = [k for k in (_name_key(org.name), _name_key(org.name_arabic)) if k]
            score = max((_similar(a, b) for a in wanted for b in theirs), default=0)
            if score >= 85:
                match = matches.setdefault(org.id, Match(org))
                match.reasons.append(_l("similar name"))
                match.score = max(match.score, int(score))
    found = [m for oid, m in matches.items()
             if oid != exclude_id and m.record.archived_at is None]
    return sorted(found, key=lambda m: (-len(m.reasons), -m.score))[:limit]


def _similar(a: str, b: str) -> float:
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(skeleton(a), skeleton(b)))


def merge_organizations(actor, survivor: Organization, duplicate: Organization) -> None:
    """Move every link of `duplicate` to `survivor`, fill survivor's blanks, archive the other."""
    if survivor.id == duplicate.id:
        raise ServiceError(_l("An organization cannot be merged with itself."))
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ServiceError(_l("This record was already merged into another one."))
    filled = {}
    for name in FIELDS:
        if getattr(survivor, name) in (None, "", set()) and getattr(duplicate, name) not in (
                None, "", set()):
            filled[name] = getattr(duplicate, name)
    changes = audit.apply_changes(survivor, filled)
    moved = repoint_references(Organization.__table__, duplicate.id, survivor.id,
                               skip={"organizations.merged_into_id"})
    duplicate.merged_into_id = survivor.id
    duplicate.archived_at = duplicate.archived_at or utcnow()
    audit.record(actor, "merge", ENTITY, survivor.id,
                 {"merged_from": [None, duplicate.id], "links_moved": [None, moved], **changes})
    audit.record(actor, "merged_into", ENTITY, duplicate.id, {"merged_into": [None, survivor.id]})
    db.session.flush()
    db.session.expire_all()
    search.index_record(ENTITY, survivor.id, _tokens(survivor))
    db.session.commit()


def archive_organization(actor, organization: Organization) -> None:
    archive_record(actor, organization, ENTITY)


def restore_organization(actor, organization: Organization) -> None:
    restore_record(actor, organization, ENTITY)


def add_member(actor, organization: Organization, person, role: MembershipRole) -> Membership:
    if person.merged_into_id is not None:
        raise ServiceError(_l("This record was already merged into another one."))
    existing = db.session.scalar(db.select(Membership).where(
        Membership.organization_id == organization.id, Membership.person_id == person.id))
    if existing is not None:
        raise ServiceError(_l("This person is already a member of the organization."))
    membership = Membership(organization=organization, person=person, role=role)
    db.session.add(membership)
    audit.record(actor, "update", ENTITY, organization.id,
                 {"member_added": [None, f"{person.display_name} ({role.value})"]})
    db.session.commit()
    return membership


def get_membership(membership_id: int) -> Membership | None:
    return db.session.get(Membership, membership_id)


def change_member_role(actor, membership: Membership, role: MembershipRole) -> None:
    """Give a member another role in the organization (audited with the organization)."""
    if role != membership.role:
        audit.record(actor, "update", ENTITY, membership.organization_id, {
            "member_role": [f"{membership.person.display_name} ({membership.role.value})",
                            f"{membership.person.display_name} ({role.value})"]})
        membership.role = role
        db.session.commit()


def remove_member(actor, membership: Membership) -> None:
    audit.record(actor, "update", ENTITY, membership.organization_id,
                 {"member_removed": [membership.person.display_name, None]})
    db.session.delete(membership)
    db.session.commit()


# The columns of the exports, as organization_rows gives them.
EXPORT_HEADER = (_l("ID"), _l("Name"), _l("Name in Arabic"), _l("Kind"), _l("Region"),
                 _l("City"), _l("Legal identifier"), _l("Founding year"), _l("Website"),
                 _l("Tags"))


def organization_rows(query):
    """Rows of the CSV and Excel exports, in the order of the list; numbers stay numbers."""
    for org in db.session.scalars(query):
        yield [org.id, org.name, org.name_arabic, org.kind.label,
               org.region.label if org.region else "", org.city, org.legal_identifier,
               org.founding_year or "", org.website, tags.tag_names(org.tags)]


def organization_choices() -> list[tuple[int, str]]:
    query = db.select(Organization.id, Organization.name, Organization.name_arabic).where(
        Organization.archived_at.is_(None)).order_by(Organization.name)
    return [(oid, name or arabic) for oid, name, arabic in db.session.execute(query)]


def search_organizations(q: str, limit: int = 10) -> list[Organization]:
    ids = search.matching_ids(ENTITY, q)
    if ids is None:
        return []
    query = db.select(Organization).where(Organization.id.in_(ids),
                                          Organization.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(Organization.name).limit(limit)))

