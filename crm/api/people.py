"""/api/v1/people: list, read, create, update, archive and restore people; an innovator
reads and updates their own record only."""

from flask import abort, request
from marshmallow import fields, validate

from crm.api import access
from crm.api.auth import actor, api_require
from crm.api.common import RecordOut, VersionIn, merged, refuse_fields, tag_names, tags_field
from crm.api.core import make_blueprint
from crm.api.fields import ApiSchema, enum, text
from crm.api.paging import (
    found,
    list_args,
    list_response,
    one_response,
    page_of,
    page_schema,
)
from crm.auth.permissions import ensure
from crm.common.listing import ListParams
from crm.common.reference import Region
from crm.people import services
from crm.people.models import Gender, Person

bp = make_blueprint("people", "people", "People known to the foundation: an innovator sees "
                    "their own record only.")
SORTS = {"id": Person.id, "name": Person.last_name, "first_name": Person.first_name,
         "created": Person.created_at, "updated": Person.updated_at}
KIND = "person"


class PersonFields(ApiSchema):
    first_name = text(Person.first_name)
    last_name = text(Person.last_name)
    name_arabic = text(Person.name_arabic)
    email = text(Person.email, allow_none=True)
    phone = text(Person.phone, length=40, allow_none=True)
    gender = enum(Gender, allow_none=True)
    city = text(Person.city)
    region = enum(Region, allow_none=True)
    notes = text(Person.notes, metadata={"description": "Internal: never shown to innovators."})
    language = fields.String(allow_none=True, validate=validate.OneOf(services.LANGUAGES))
    do_not_contact = fields.Boolean()
    tags = tags_field()


class PersonOut(RecordOut, PersonFields):
    merged_into_id = fields.Integer(dump_only=True, allow_none=True)
    organization_ids = fields.Function(
        lambda person: [m.organization_id for m in person.memberships], dump_only=True)


class PersonUpdate(VersionIn, PersonFields):
    pass


def _out() -> PersonOut:
    """What the token's user reads of a person: innovators never the internal notes."""
    if access.is_innovator(actor()):
        return PersonOut(exclude=("notes",))
    return PersonOut()


def _visible(person_id: int) -> Person:
    person = services.get_person(person_id)
    return found(person, person is not None and access.may_see(actor(), KIND, person))


def _editable(person_id: int) -> Person:
    person = _visible(person_id)
    if not access.may_edit(actor(), KIND, person):
        abort(404)
    return person


@bp.get("")
@api_require("api.use")
@bp.arguments(list_args("Person", services.FILTERS, SORTS), location="query", as_kwargs=True)
@bp.response(200, page_schema("Person", PersonOut))
def list_people(**_args):
    """The people (the list page's filters apply); an innovator: themselves."""
    user = actor()
    query = services.list_people(ListParams.from_args(request.args, services.FILTERS, "name"))
    if access.is_innovator(user):
        query = query.where(Person.id == user.person_id)
    else:
        ensure(user, "person.view")
    return list_response(*page_of(query, Person, SORTS), _out())


@bp.get("/<int:person_id>")
@api_require("api.use")
@bp.response(200, PersonOut)
def get_person(person_id: int):
    return one_response(_visible(person_id), _out())


@bp.post("")
@api_require("person.create")
@bp.arguments(PersonFields)
@bp.response(201, PersonOut)
def create_person(data: dict):
    person = services.create_person(actor(), tag_names=tag_names(data),
                                    **{k: v for k, v in data.items() if k != "tags"})
    return one_response(services.get_person(person.id), _out(), 201)


@bp.patch("/<int:person_id>")
@api_require("api.use", record=_editable)
@bp.arguments(PersonUpdate)
@bp.response(200, PersonOut)
def update_person(data: dict, person_id: int):
    """Change the fields sent; `version` is the one read (409 when it is stale). An
    innovator changes their profile's fields, never their email (their login)."""
    person = _editable(person_id)
    refuse_fields(actor(), KIND, {k: v for k, v in data.items() if k != "version"})
    services.update_person(actor(), person, data["version"], tag_names=tag_names(data),
                           **merged(person, services.FIELDS, data))
    return one_response(services.get_person(person.id), _out())


@bp.post("/<int:person_id>/archive")
@api_require("person.edit")
@bp.response(200, PersonOut)
def archive_person(person_id: int):
    person = _editable(person_id)
    services.archive_person(actor(), person)
    return one_response(person, _out())


@bp.post("/<int:person_id>/restore")
@api_require("person.edit")
@bp.response(200, PersonOut)
def restore_person(person_id: int):
    person = _visible(person_id)
    ensure(actor(), "person.edit", person)
    services.restore_person(actor(), person)
    return one_response(person, _out())
