"""Read-only resources for staff (list with filters and keyset pages, read one): indicators;
and the list and read routes of the resources that add writing to them (memberships,
follow-ups, interactions, funding, forums, participations, campaigns). Their schemas are
read from the models' columns."""

import datetime as dt
import enum
from decimal import Decimal

from flask import request
from marshmallow import Schema, ValidationError, fields

from crm.api.auth import api_require
from crm.api.core import make_blueprint
from crm.api.fields import MESSAGES
from crm.api.paging import found, list_response, one_response, page_of, page_schema
from crm.common.ids import parse_id
from crm.extensions import db
from crm.impact.models import Indicator

_SIMPLE = [(bool, fields.Boolean), (int, fields.Integer), (str, fields.String),
           (dt.datetime, fields.DateTime), (dt.date, fields.Date)]


def _field_for(column) -> fields.Field:
    """The marshmallow field that writes `column`'s values (enums by value, money as text)."""
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = str
    if isinstance(python_type, type) and issubclass(python_type, enum.Enum):
        return fields.Enum(python_type, by_value=True, dump_only=True)
    if isinstance(python_type, type) and issubclass(python_type, Decimal):
        return fields.Decimal(as_string=True, dump_only=True)
    if python_type is set:
        return fields.Function(lambda obj, key=column.key: sorted(getattr(obj, key) or ()),
                               dump_only=True)
    for kind, field in _SIMPLE:
        if isinstance(python_type, type) and issubclass(python_type, kind):
            return field(dump_only=True, allow_none=column.nullable)
    return fields.String(dump_only=True)


def columns_schema(model, name: str, leave_out: tuple[str, ...] = ()) -> type[Schema]:
    """An output schema of the model's columns (those in `leave_out` left out)."""
    columns = [c for c in model.__table__.columns if c.key not in leave_out]
    return Schema.from_dict({c.key: _field_for(c) for c in columns}, name=f"{name}Out")


def filtered(query, model, filters: dict):
    """`?<filter>=<value>`: an id column equal to an id, an enum column to one of its values;
    anything else is a 422 on that filter."""
    for name, column in filters.items():
        raw = request.args.get(name)
        if raw is None:
            continue
        value = _filter_value(column, raw)
        if value is None:
            raise ValidationError({name: [str(MESSAGES["Must be one of:"])]})
        query = query.where(column == value)
    return query


def _filter_value(column, raw: str):
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return None
    if issubclass(python_type, enum.Enum):
        return python_type(raw) if raw in python_type._value2member_map_ else None
    if python_type is bool:
        return {"true": True, "false": False}.get(raw)
    return parse_id(raw)


def query_args(model, filters: dict) -> type[Schema]:
    """The query arguments of a list in id order, for its document."""
    return Schema.from_dict({
        "limit": fields.Integer(), "after": fields.String(), "fields": fields.String(),
        **{f: fields.String() for f in filters}}, name=f"{model.__name__}ListArgs")


def read_only(name: str, path: str, model, action: str, description: str,
              filters: dict | None = None, leave_out: tuple[str, ...] = (), schema=None):
    """A blueprint with `GET /<path>` (filters, keyset pages on id) and `GET /<path>/<id>`,
    open to the roles allowed `action`; `schema` (else one read from the columns) is given
    by a module that adds writing routes answering with it."""
    bp = make_blueprint(name, path, description)
    schema = schema or columns_schema(model, model.__name__, leave_out)
    filters = filters or {}
    sorts = {"id": model.id}
    args = query_args(model, filters)

    @bp.get("", endpoint=f"list_{name}")
    @api_require(action)
    @bp.arguments(args, location="query", as_kwargs=True)
    @bp.response(200, page_schema(model.__name__, schema))
    def list_records(**_args):
        query = filtered(db.select(model), model, filters)
        return list_response(*page_of(query, model, sorts), schema())

    id_name = ID_NAMES[name]

    @bp.get(f"/<int:{id_name}>", endpoint=f"get_{name}")
    @api_require(action)
    @bp.response(200, schema)
    def get_record(**ids):
        return one_response(found(db.session.get(model, ids[id_name])), schema())

    list_records.__doc__ = f"The {path}, oldest first (filters: {', '.join(filters) or '-'})."
    get_record.__doc__ = f"One of the {path}."
    return bp


# The URL argument naming each resource's id, as the pages name it.
ID_NAMES = {"memberships": "membership_id", "followups": "followup_id",
            "interactions": "interaction_id", "forums": "forum_id",
            "participations": "participation_id", "opportunities": "opportunity_id",
            "campaigns": "campaign_id", "indicators": "indicator_id"}


def blueprints() -> list:
    return [
        read_only("indicators", "indicators", Indicator, "impact.view",
                  "The catalog of impact indicators."),
    ]
