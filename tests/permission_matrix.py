"""The expected role × action table of DESIGN.md, written independently of the code."""

from crm.auth.models import Role

A, M, O, I = Role.ADMIN, Role.MANAGER, Role.OFFICER, Role.INNOVATOR
ALL = {A, M, O, I}  # noqa: E741 (I is the innovator)
STAFF = {A, M, O}

EXPECTED: dict[str, set[Role]] = {
    "home.view": ALL,
    "account.manage_own": ALL,
    "users.manage": {A},
    "stages.manage": {A},
    "search.use": STAFF,
    "pipeline.view": STAFF,
    "interaction.create": {A, O},
    # officers read everything and create anything; managers read and export
    "organization.view": STAFF,
    "organization.export": STAFF,
    "organization.create": {A, O},
    "organization.edit": {A, O},
    "person.view": STAFF,
    "person.export": STAFF,
    "person.create": {A, O},
    "person.edit": {A, O},
    "project.view": STAFF,
    "project.export": STAFF,
    "project.create": {A, O},
    "project.edit": {A, O},
    # managers change assignments
    "project.assign": {A, M},
}
