"""/api/v1/memberships: list and read (staff); add a person to an organization with a role,
change the role, remove them, as the organization and person pages do."""

from crm.api.auth import actor, api_require
from crm.api.common import live_record
from crm.api.fields import ApiSchema, enum, record_id
from crm.api.paging import found, one_response
from crm.api.readonly import columns_schema, read_only
from crm.auth.permissions import ensure
from crm.organizations import services
from crm.organizations.models import Membership, MembershipRole
from crm.people.services import get_person

MembershipOut = columns_schema(Membership, "Membership")
bp = read_only("memberships", "memberships", Membership, "organization.view",
               "Who belongs to which organization, with what role; changed by those who "
               "may edit the organization.",
               {"organization_id": Membership.organization_id,
                "person_id": Membership.person_id}, schema=MembershipOut)


class MembershipCreate(ApiSchema):
    organization_id = record_id(required=True)
    person_id = record_id(required=True)
    role = enum(MembershipRole, required=True)


class MembershipUpdate(ApiSchema):
    role = enum(MembershipRole, required=True)


def _editable(membership_id: int) -> Membership:
    """A membership is changed by whoever may edit its organization (404 otherwise)."""
    membership = found(services.get_membership(membership_id))
    ensure(actor(), "organization.edit", membership.organization)
    return membership


@bp.post("", endpoint="add_member")
@api_require("organization.edit")
@bp.arguments(MembershipCreate)
@bp.response(201, MembershipOut)
def add_member(data: dict):
    """Add a live person to a live organization one may edit (404 for another one)."""
    organization = live_record(services.get_organization, data["organization_id"],
                               "organization_id")
    ensure(actor(), "organization.edit", organization)
    person = live_record(get_person, data["person_id"], "person_id")
    membership = services.add_member(actor(), organization, person, data["role"])
    return one_response(membership, MembershipOut(), 201)


@bp.patch("/<int:membership_id>", endpoint="change_member_role")
@api_require("organization.edit", record=_editable)
@bp.arguments(MembershipUpdate)
@bp.response(200, MembershipOut)
def change_member_role(data: dict, membership_id: int):
    """Give the member another role."""
    membership = _editable(membership_id)
    services.change_member_role(actor(), membership, data["role"])
    return one_response(membership, MembershipOut())


@bp.delete("/<int:membership_id>", endpoint="remove_member")
@api_require("organization.edit", record=_editable)
@bp.response(204)
def remove_member(membership_id: int):
    """The person is no longer a member (the person and the organization stay)."""
    services.remove_member(actor(), _editable(membership_id))
    return "", 204
