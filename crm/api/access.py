"""What a token's user may see and change through the API, read from the one permission
module: staff by their role's actions and portfolio rules, innovators only their own records
and only the fields the portal offers them."""

from crm.auth.models import Role
from crm.auth.permissions import can, is_own_record
from crm.portal import services as portal
from crm.portal.services import ORGANIZATION_FIELDS, PROFILE_FIELDS, PROJECT_FIELDS

# Kind of record -> (the innovator's edit permission, the fields the portal lets them change).
INNOVATOR_EDITS = {
    "organization": ("portal.edit_organization", ORGANIZATION_FIELDS),
    "project": ("portal.edit_project", PROJECT_FIELDS),
    "person": ("portal.use", PROFILE_FIELDS),
}


def is_innovator(user) -> bool:
    return user.role == Role.INNOVATOR


def may_see(user, kind: str, record) -> bool:
    """Staff: `<kind>.view`; an innovator: their own person, organizations and projects."""
    if is_innovator(user):
        return is_own_record(user, record)
    return can(user, f"{kind}.view", record)


def may_edit(user, kind: str, record) -> bool:
    if is_innovator(user):
        action, _fields = INNOVATOR_EDITS[kind]
        return is_own_record(user, record) and can(user, action, record)
    return can(user, f"{kind}.edit", record)


def fields_refused(user, kind: str, data: dict) -> list[str]:
    """The fields sent that this user may not change (an innovator: those the portal does
    not offer); staff may change every field of the schema."""
    if not is_innovator(user):
        return []
    return sorted(set(data) - set(INNOVATOR_EDITS[kind][1]) - {"version"})


def own_organization_ids(user) -> list[int]:
    return [organization.id for organization in portal.my_organizations(user)]
