"""The expected role × action table of DESIGN.md, which domain tests extend."""

from crm.auth.models import Role

ALL = {Role.ADMIN, Role.MANAGER, Role.OFFICER, Role.INNOVATOR}

EXPECTED: dict[str, set[Role]] = {
    "home.view": ALL,
    "account.manage_own": ALL,
    "users.manage": {Role.ADMIN},
}
