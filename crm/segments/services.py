"""Saving a filtered list as a segment, listing the segments one may open, counting them."""

from dataclasses import dataclass
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_

from crm.audit import services as audit
from crm.common.listing import ListParams, read_values
from crm.errors import ServiceError
from crm.extensions import db
from crm.organizations import services as organizations
from crm.people import services as people
from crm.projects import services as projects
from crm.segments.models import Segment


@dataclass(frozen=True)
class Kind:
    """What a segment of one entity filters with, and the list it opens."""

    filters: tuple[str, ...]
    default_sort: str
    query: object  # ListParams -> Select
    endpoint: str


KINDS = {
    "projects": Kind(projects.FILTERS, "name", projects.list_projects,
                     "projects.list_projects"),
    "people": Kind(people.FILTERS, "name", people.list_people, "people.list_people"),
    "organizations": Kind(organizations.FILTERS, "name", organizations.list_organizations,
                          "organizations.list_organizations"),
}
LABELS = {"projects": _l("Projects"), "people": _l("People"),
          "organizations": _l("Organizations")}


def clean_query(entity: str, args) -> str:
    """The list's own search, sort and filters from `args`, every value of a repeated filter
    and `match=any` with them, as a query string (the page and anything else are dropped)."""
    kind = KINDS[entity]
    kept = [(name, args.get(name, "").strip()[:200])
            for name in ("q", "sort") if args.get(name, "").strip()]
    filters = [(name, value) for name in kind.filters for value in read_values(args, name)]
    if filters and args.get("match") == "any":
        kept.append(("match", "any"))
    return urlencode(kept + filters)


def save(actor, entity: str, name: str, args, shared: bool) -> Segment:
    if entity not in KINDS:
        raise ServiceError(_l("Segments are lists of projects, people or organizations."))
    name = name.strip()
    if not name:
        raise ServiceError(_l("Name the segment."), field="name")
    query = clean_query(entity, args)
    if not query:
        raise ServiceError(_l("Filter or search the list before saving it as a segment."))
    taken = db.session.scalar(db.select(Segment.id).where(
        Segment.owner_id == actor.id, Segment.entity == entity, Segment.name == name))
    if taken is not None:
        raise ServiceError(_l("You already have a segment of that name."), field="name")
    segment = Segment(name=name, entity=entity, query=query, owner_id=actor.id, shared=shared)
    db.session.add(segment)
    db.session.flush()
    audit.record(actor, "create", "segment", segment.id,
                 {"name": [None, name], "shared": [None, shared]})
    db.session.commit()
    return segment


def visible_to(user) -> list[Segment]:
    """The user's own segments and those the team shares, by name."""
    query = (db.select(Segment).where(or_(Segment.owner_id == user.id, Segment.shared))
             .options(db.joinedload(Segment.owner)).order_by(Segment.name, Segment.id))
    return list(db.session.scalars(query))


def get_visible(user, segment_id: int) -> Segment | None:
    segment = db.session.get(Segment, segment_id)
    if segment is None or not (segment.owner_id == user.id or segment.shared):
        return None
    return segment


def count(segment: Segment) -> int:
    """How many records the segment holds now."""
    return count_list(segment.entity, segment.query)


def count_list(entity: str, query: str) -> int:
    """How many records the list of `entity` filtered by `query` (as its URL carries it)
    holds now: a segment, or the people a mailing goes to before its exclusions."""
    kind = KINDS[entity]
    params = ListParams.from_query(query, kind.filters, kind.default_sort)
    listed = kind.query(params).order_by(None)
    return db.session.scalar(db.select(func.count()).select_from(listed.subquery())) or 0


def delete(actor, segment: Segment) -> None:
    if segment.owner_id != actor.id:
        raise ServiceError(_l("Only the one who saved a segment can delete it."))
    audit.record(actor, "delete", "segment", segment.id, {"name": [segment.name, None]})
    db.session.delete(segment)
    db.session.commit()
