"""/api/v1/organizations: list, read, create, update, archive and restore organizations."""

from flask import abort, request
from marshmallow import fields, validate

from crm.api import access
from crm.api.auth import actor, api_require
from crm.api.common import RecordOut, VersionIn, merged, refuse_fields, tag_names, tags_field
from crm.api.core import make_blueprint
from crm.api.fields import ApiSchema, FlagList, enum, text
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
from crm.common.reference import SDG_NUMBERS, Region, Theme
from crm.organizations import services
from crm.organizations.models import Organization, OrganizationKind

bp = make_blueprint("organizations", "organizations", "Organizations (associations, "
                    "cooperatives, ...): innovators see those they belong to.")
SORTS = {"id": Organization.id, "name": Organization.name, "created": Organization.created_at,
         "updated": Organization.updated_at}
KIND = "organization"


class OrganizationFields(ApiSchema):
    name = text(Organization.name)
    name_arabic = text(Organization.name_arabic)
    kind = enum(OrganizationKind)
    legal_identifier = text(Organization.legal_identifier)
    founding_year = fields.Integer(strict=True, allow_none=True,
                                   validate=validate.Range(1900, 2100))
    region = enum(Region, allow_none=True)
    city = text(Organization.city)
    address = text(Organization.address)
    website = text(Organization.website)
    description = text(Organization.description)
    themes = FlagList(enum(Theme))
    sdgs = FlagList(fields.Integer(strict=True, validate=validate.OneOf(SDG_NUMBERS)))
    tags = tags_field()


class OrganizationOut(RecordOut, OrganizationFields):
    merged_into_id = fields.Integer(dump_only=True, allow_none=True)


class OrganizationCreate(OrganizationFields):
    kind = enum(OrganizationKind, required=True)


class OrganizationUpdate(VersionIn, OrganizationFields):
    pass


def _visible(organization_id: int) -> Organization:
    organization = services.get_organization(organization_id)
    return found(organization, organization is not None
                 and access.may_see(actor(), KIND, organization))


def _editable(organization_id: int) -> Organization:
    organization = _visible(organization_id)
    if not access.may_edit(actor(), KIND, organization):
        abort(404)
    return organization


@bp.get("")
@api_require("api.use")
@bp.arguments(list_args("Organization", services.FILTERS, SORTS), location="query",
              as_kwargs=True)
@bp.response(200, page_schema("Organization", OrganizationOut))
def list_organizations(**_args):
    """The organizations (the list page's filters apply); innovators: their own."""
    query = services.list_organizations(ListParams.from_args(
        request.args, services.FILTERS, "name"))
    user = actor()
    if access.is_innovator(user):
        query = query.where(Organization.id.in_(access.own_organization_ids(user)))
    else:
        ensure(user, "organization.view")
    return list_response(*page_of(query, Organization, SORTS), OrganizationOut())


@bp.get("/<int:organization_id>")
@api_require("api.use")
@bp.response(200, OrganizationOut)
def get_organization(organization_id: int):
    return one_response(_visible(organization_id), OrganizationOut())


@bp.post("")
@api_require("organization.create")
@bp.arguments(OrganizationCreate)
@bp.response(201, OrganizationOut)
def create_organization(data: dict):
    organization = services.create_organization(actor(), tag_names=tag_names(data), **{
        k: v for k, v in data.items() if k != "tags"})
    return one_response(organization, OrganizationOut(), 201)


@bp.patch("/<int:organization_id>")
@api_require("api.use", record=_editable)
@bp.arguments(OrganizationUpdate)
@bp.response(200, OrganizationOut)
def update_organization(data: dict, organization_id: int):
    """Change the fields sent; `version` is the one read (409 when it is stale)."""
    organization = _editable(organization_id)
    refuse_fields(actor(), KIND, {k: v for k, v in data.items() if k != "version"})
    services.update_organization(actor(), organization, data["version"],
                                 tag_names=tag_names(data),
                                 **merged(organization, services.FIELDS, data))
    return one_response(organization, OrganizationOut())


@bp.post("/<int:organization_id>/archive")
@api_require("organization.edit")
@bp.response(200, OrganizationOut)
def archive_organization(organization_id: int):
    organization = _editable(organization_id)
    services.archive_organization(actor(), organization)
    return one_response(organization, OrganizationOut())


@bp.post("/<int:organization_id>/restore")
@api_require("organization.edit")
@bp.response(200, OrganizationOut)
def restore_organization(organization_id: int):
    organization = _visible(organization_id)
    ensure(actor(), "organization.edit", organization)
    services.restore_organization(actor(), organization)
    return one_response(organization, OrganizationOut())
