"""List pages: reading filters and sorting from the query string, paginating."""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select
from sqlalchemy.orm import lazyload
from werkzeug.datastructures import MultiDict

from crm.extensions import db

COUNT_CAP = 1_000  # matches a list counts before it says "more than"


@dataclass
class ListParams:
    """What a list page was asked for: search text, filters, sort key and page."""

    q: str = ""
    filters: dict = field(default_factory=dict)
    sort: str = ""
    descending: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args, filter_names: tuple[str, ...], default_sort: str) -> "ListParams":
        sort = args.get("sort", default_sort)
        descending = sort.startswith("-")
        return cls(
            q=args.get("q", "").strip()[:200],
            filters={name: args.get(name, "").strip() for name in filter_names if args.get(name)},
            sort=sort.lstrip("-"),
            descending=descending,
            page=read_page(args),
        )

    @classmethod
    def from_query(cls, query: str, filter_names: tuple[str, ...],
                   default_sort: str) -> "ListParams":
        """The same, from a list's query string kept aside (a segment, a bulk action)."""
        return cls.from_args(MultiDict(parse_qsl(query or "")), filter_names, default_sort)


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
