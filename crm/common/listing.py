"""List pages: reading filters and sorting from the query string, paginating."""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select
from sqlalchemy.orm import lazyload
from werkzeug.datastructures import MultiDict

from crm.common.ids import parse_id
from crm.extensions import db

COUNT_CAP = 1_000  # matches a list counts before it says "more than"
# Values one filter may repeat in a URL, and their length: a link repeating a filter a
# thousand times asks for no more than this.
MAX_VALUES = 20
MAX_VALUE_LENGTH = 200
# "Nothing for N days" choices of the lists (no activity, no interaction), in days.
IDLE_DAYS = (30, 90, 180, 365)


@dataclass
class ListParams:
    """What a list page was asked for: search text, filters, sort key and page.

    A filter may be repeated in the URL (`?stage=applied&stage=assessed`): its values combine
    with OR, read with `values`; `filters` keeps each one's first value for the callers that
    take one. The filters combine with AND, or with OR when `match_any` (`match=any`); the
    search text and the archived scope always narrow the list. A value that cannot be one of
    the filter's (not an id, not a member of its enum) is ignored; a well-formed one that
    names nothing (a tag id since deleted) matches nothing, as it did alone."""

    q: str = ""
    filters: dict = field(default_factory=dict)
    sort: str = ""
    descending: bool = False
    page: int = 1
    chosen: dict = field(default_factory=dict)  # every value of each filter, in URL order
    match_any: bool = False

    def __post_init__(self) -> None:
        for name, value in self.filters.items():  # built by hand with `filters` alone
            self.chosen.setdefault(name, [value] if value else [])

    @classmethod
    def from_args(cls, args, filter_names: tuple[str, ...], default_sort: str) -> "ListParams":
        sort = args.get("sort", default_sort)
        descending = sort.startswith("-")
        chosen = {name: read_values(args, name) for name in filter_names}
        chosen = {name: values for name, values in chosen.items() if values}
        return cls(
            q=args.get("q", "").strip()[:200],
            filters={name: values[0] for name, values in chosen.items()},
            sort=sort.lstrip("-"),
            descending=descending,
            page=read_page(args),
            chosen=chosen,
            match_any=args.get("match") == "any",
        )

    @classmethod
    def from_query(cls, query: str, filter_names: tuple[str, ...],
                   default_sort: str) -> "ListParams":
        """The same, from a list's query string kept aside (a segment, a bulk action)."""
        return cls.from_args(MultiDict(parse_qsl(query or "")), filter_names, default_sort)

    def values(self, name: str) -> list[str]:
        """Every value given for the filter `name` (none: the filter is not used)."""
        return self.chosen.get(name, [])

    def ids(self, name: str) -> list[int]:
        """The filter's values that are record ids; the others are ignored."""
        return [i for i in map(parse_id, self.values(name)) if i is not None]

    def members(self, name: str, enum) -> list:
        """The filter's values that name a member of `enum`, as members; the others are
        ignored."""
        return [enum(v) for v in self.values(name) if v in enum._value2member_map_]

    def idle_days(self) -> int | None:
        """The `idle` ("nothing for N days") filter's days, one of IDLE_DAYS; repeated, the
        fewest (nothing for 30 days, or for 90, is nothing for 30)."""
        days = [d for d in map(parse_id, self.values("idle")) if d in IDLE_DAYS]
        return min(days) if days else None


def read_values(args, name: str) -> list[str]:
    """The values given for `name`, trimmed, once each, at most MAX_VALUES of at most
    MAX_VALUE_LENGTH characters; blank ones are left out."""
    values = (value.strip()[:MAX_VALUE_LENGTH] for value in args.getlist(name))
    return list(dict.fromkeys(value for value in values if value))[:MAX_VALUES]


def list_args(query: str) -> dict:
    """A list's query string kept aside, as `url_for` arguments that keep repeated filters."""
    return MultiDict(parse_qsl(query or "")).to_dict(flat=False)


def narrow(query: Select, params: ListParams, criteria: list) -> Select:
    """`query` narrowed by the filters' criteria (None: a filter not used): all of them, or
    any of them when the list was asked to match any."""
    criteria = [c for c in criteria if c is not None]
    if not criteria:
        return query
    return query.where(sa.or_(*criteria) if params.match_any else sa.and_(*criteria))


def is_one_of(column, values: list):
    """SQL: `column` holds one of `values`; None (no criterion) when no value was given."""
    return column.in_(values) if values else None


def any_of(*conditions):
    """SQL: any of the conditions given (None for one not used); None when none is."""
    conditions = [c for c in conditions if c is not None]
    return sa.or_(*conditions) if conditions else None


MAX_PAGE = 100_000  # far past any list's end; keeps OFFSET inside what the engines take


def read_page(args) -> int:
    """The `page` asked for, from 1 to MAX_PAGE; anything unreadable is the first page."""
    page = args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def order_by(query: Select, params: ListParams, columns: dict, default: str, tiebreak) -> Select:
    """Sort by a whitelisted key; `tiebreak` (the id) keeps pages from overlapping."""
    key = params.sort if params.sort in columns else default
    column = columns[key]
    primary = column.desc() if params.descending else column.asc()
    return query.order_by(primary, tiebreak)


class CappedPagination(SelectPagination):
    """A page of a list that counts its matches up to COUNT_CAP, then says "more than":
    counting the 10,000 people a common prefix matches cost more than showing 25 of them."""

    more = False  # more matches than COUNT_CAP

    def _query_count(self) -> int:
        select = self._query_args["select"]
        counted = select.options(lazyload("*")).order_by(None).limit(COUNT_CAP + 1).subquery()
        total = self._query_args["session"].scalar(
            sa.select(sa.func.count()).select_from(counted))
        self.more = total > COUNT_CAP
        return min(total, COUNT_CAP)

    @property
    def has_next(self) -> bool:
        full = len(self.items) == self.per_page
        return self.page < self.pages or (self.more and full)


def paginate(query: Select, page: int) -> CappedPagination:
    return CappedPagination(select=query, session=db.session(), page=page,
                            per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
