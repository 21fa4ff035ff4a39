"""Lists of the API: keyset pagination over (sort key, id) with an opaque cursor, the sort
asked for, and sparse fields."""

import base64
import json
from datetime import datetime

import sqlalchemy as sa
from flask import abort, jsonify, request
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields
from marshmallow.exceptions import ValidationError

MAX_LIMIT = 100
DEFAULT_LIMIT = 25


def _list_fields() -> dict:
    return {
        "limit": fields.Integer(metadata={"description": "Items per page, 1 to 100 (25)."}),
        "after": fields.String(metadata={"description": "The `next` cursor of the last page."}),
        "sort": fields.String(metadata={"description": "A sort key; `-` first: descending."}),
        "fields": fields.String(metadata={"description": "Fields to return, comma-separated."}),
        "q": fields.String(metadata={"description": "Search text, as in the list pages."}),
    }


def list_args(name: str, filters: tuple[str, ...], sorts: dict) -> type[Schema]:
    """The query arguments of a list, for its document: paging, sort, fields and the list
    page's filters. `page_of` reads them (a filter may be repeated: its values combine with
    OR); arguments the list does not know are ignored, as the pages ignore them."""
    extra = {filter_: fields.String(metadata={"description": "A filter of the list page; "
                                              "repeat it for several values."})
             for filter_ in filters}
    schema = Schema.from_dict({**_list_fields(), **extra}, name=f"{name}ListArgs")
    schema.Meta.unknown = EXCLUDE
    schema.opts.unknown = EXCLUDE
    return schema


def page_schema(name: str, item: type[Schema]) -> Schema:
    """A list's answer, for its document: the items and the cursor of the next page."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item)),
        "next": fields.String(allow_none=True, metadata={
            "description": "Give it as `after` for the next page; null on the last."}),
    }, name=f"{name}Page")()


def _invalid(field: str, message) -> None:
    raise ValidationError({field: [str(message)]})


def _limit() -> int:
    raw = request.args.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw[:4]) <= MAX_LIMIT:
        _invalid("limit", _l("Give a number from 1 to 100."))
    return int(raw)


def _encode(sort: str, value, record_id: int) -> str:
    if isinstance(value, datetime):
        value = {"t": value.isoformat()}
    raw = json.dumps([sort, value, record_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, sort: str):
    """(value, id) of a cursor made for this sort; anything else is a 422."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, value, record_id = json.loads(raw)
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["t"])
        valid = (key == sort and isinstance(record_id, int)
                 and isinstance(value, str | int | datetime) and not isinstance(value, bool))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        valid = False
    if not valid:
        _invalid("after", _l("This cursor is not one this list gave."))
    return value, record_id


def _sort(sorts: dict, default: str) -> tuple[str, bool]:
    raw = request.args.get("sort", default)
    key = raw.lstrip("-")
    if key not in sorts:
        _invalid("sort", _l("Sort by one of: %(keys)s.", keys=", ".join(sorts)))
    return key, raw.startswith("-")


def page_of(query, model, sorts: dict, default: str = "id"):
    """One page of `query` (a list service's select, its filters applied) in keyset order:
    (items, the cursor of the next page or None). A row added or archived between two pages
    neither repeats nor hides another one."""
    key, descending = _sort(sorts, default)
    column, tiebreak, limit = sorts[key], model.id, _limit()
    query = query.order_by(None).order_by(*(
        (column.desc(), tiebreak.desc()) if descending else (column.asc(), tiebreak.asc())))
    cursor = request.args.get("after")
    if cursor:
        value, last_id = _decode(cursor, key)
        after = (column < value) if descending else (column > value)
        beyond = (tiebreak < last_id) if descending else (tiebreak > last_id)
        query = query.where(sa.or_(after, sa.and_(column == value, beyond)))
    from crm.extensions import db

    items = list(db.session.scalars(query.limit(limit + 1)).unique())
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    last = items[-1]
    return items, _encode(key, getattr(last, column.key), last.id)


def sparse(schema: Schema) -> Schema:
    """The schema limited to `?fields=` (all fields when not given); unknown names are a 422."""
    asked = [name.strip() for name in request.args.get("fields", "").split(",") if name.strip()]
    if not asked:
        return schema
    unknown = sorted(set(asked) - set(schema.fields))
    if unknown:
        _invalid("fields", _l("Unknown fields: %(names)s.", names=", ".join(unknown[:10])))
    return type(schema)(only=asked, many=schema.many)


def list_response(items, next_cursor, schema: Schema):
    return jsonify({"items": sparse(schema).dump(items, many=True), "next": next_cursor})


def one_response(record, schema: Schema, status: int = 200):
    """One record (or a short list that is not paged), as `?fields=` asks."""
    response = jsonify(sparse(schema).dump(record))
    response.status_code = status
    return response


def found(record, visible: bool = True):
    """The record, or a 404 when there is none or the token's user may not see it."""
    if record is None or not visible:
        abort(404)
    return record
