"""The expected role × action table of DESIGN.md, written independently of the code."""

from crm.auth.models import Role

A, M, OF, IN, R = Role.ADMIN, Role.MANAGER, Role.OFFICER, Role.INNOVATOR, Role.REVIEWER
ALL = {A, M, OF, IN, R}
STAFF = {A, M, OF}

EXPECTED: dict[str, set[Role]] = {
    "home.view": ALL,
    "account.manage_own": ALL,
    # personal API tokens: staff and innovators (never external reviewers)
    "api.use": STAFF | {IN},
    "users.manage": {A},
    "stages.manage": {A},
    "search.use": STAFF,
    "pipeline.view": STAFF,
    "interaction.create": {A, OF},
    # officers read everything and create anything; managers read and export
    "organization.view": STAFF,
    "organization.export": STAFF,
    "organization.create": {A, OF},
    "organization.edit": {A, OF},
    "person.view": STAFF,
    "person.export": STAFF,
    "person.create": {A, OF},
    "person.edit": {A, OF},
    "project.view": STAFF,
    "project.export": STAFF,
    "project.create": {A, OF},
    "project.edit": {A, OF},
    # managers change assignments
    "project.assign": {A, M},
    # forums, attendee imports and follow-ups
    "forum.view": STAFF,
    "forum.manage": {A, OF},
    "import.run": {A, OF},
    # calls for applications: officers write them, the whole team reads the applications
    "call.view": STAFF,
    "call.manage": {A, OF},
    # external reviewers: the applications given to them, nothing else
    "application.view": STAFF | {R},
    "application.review": {A, OF, R},
    "application.decide": {A, OF},
    # documents: everyone reads what they may see of the record; managers add nothing
    "document.view": ALL,
    "document.add": {A, OF, IN},
    "document.remove": {A, OF},
    "followup.view": STAFF,
    "followup.create": {A, OF},
    "followup.edit": {A, OF},
    "calendar.own": STAFF,
    # funding and impact: officers record, managers read, admins keep the catalog
    "funder.view": STAFF,
    "funder.manage": {A, OF},
    "funding.view": STAFF,
    "funding.edit": {A, OF},
    "impact.view": STAFF,
    "impact.edit": {A, OF},
    "impact.verify": {A, OF},
    "indicators.manage": {A},
    # reports: managers and admins see everything, officers their own portfolio
    "report.view": STAFF,
    # the team's activity today
    "activity.view": STAFF,
    # saved segments of the lists
    "segment.use": STAFF,
    # bulk actions: every row checked against the action's own permission
    "bulk.run": STAFF,
    # mailings: the team reads them; those who edit people write and send them
    "mailing.view": STAFF,
    "mailing.send": {A, OF},
    # the portal: officers invite and record consents; only admins anonymize
    "invitation.manage": {A, OF},
    "consent.manage": {A, OF},
    "person.anonymize": {A},
    "privacy.register": {A},
    # webhooks: only admins register endpoints, see their secrets and deliveries
    "webhook.manage": {A},
    "portal.use": {IN},
    "portal.edit_organization": {IN},
    "portal.edit_project": {IN},
    "portal.report_impact": {IN},
}
