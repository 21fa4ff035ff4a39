"""List pages: reading filters and sorting from the query string, paginating."""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Select

from crm.extensions import db


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


def paginate(query: Select, page: int):
    return db.paginate(
        query, page=page, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False
    )
