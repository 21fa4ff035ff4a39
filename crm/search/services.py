"""Keeping search tokens in step with records, and finding records by prefix."""

from sqlalchemy import and_, delete, intersect, select

from crm.extensions import db
from crm.search.keys import clip, query_prefixes
from crm.search.models import SearchToken


def _upper_bound(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def index_record(entity_type: str, entity_id: int, tokens: set[str]) -> None:
    """Replace the tokens of one record (flushes)."""
    db.session.execute(
        delete(SearchToken).where(
            SearchToken.entity_type == entity_type, SearchToken.entity_id == entity_id
        )
    )
    db.session.add_all(
        SearchToken(entity_type=entity_type, entity_id=entity_id, token=token)
        for token in sorted(clip(tokens))
    )
    db.session.flush()


def matching_ids(entity_type: str, query: str):
    """A subquery of the ids whose tokens start with every word of `query`, or None."""
    prefixes = query_prefixes(query)
    if not prefixes:
        return None
    selects = [
        select(SearchToken.entity_id).where(
            and_(
                SearchToken.entity_type == entity_type,
                SearchToken.token >= prefix,
                SearchToken.token < _upper_bound(prefix),
            )
        )
        for prefix in prefixes
    ]
    if len(selects) == 1:
        return selects[0]
    return select(intersect(*selects).subquery().c[0])


def exact_token_ids(entity_type: str, tokens: set[str]) -> set[int]:
    if not tokens:
        return set()
    query = select(SearchToken.entity_id).where(
        SearchToken.entity_type == entity_type, SearchToken.token.in_(clip(tokens))
    )
    return set(db.session.scalars(query.distinct()))


def search_everything(q: str, limit: int = 10) -> dict:
    """The first people, organizations and projects matching `q`."""
    from crm.organizations.services import search_organizations
    from crm.people.services import search_people
    from crm.projects.services import search_projects

    return {
        "people": search_people(q, limit),
        "organizations": search_organizations(q, limit),
        "projects": search_projects(q, limit),
    }
