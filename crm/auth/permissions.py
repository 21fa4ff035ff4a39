"""Who may do what: the action × role table, object rules, the view decorators and `can`.

Every route declares its permission with `require(action)` or `public`; a test walks
`app.url_map` and fails on any route that declares nothing.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from crm.auth.models import Role

ADMIN, MANAGER, OFFICER, INNOVATOR = Role.ADMIN, Role.MANAGER, Role.OFFICER, Role.INNOVATOR
REVIEWER = Role.REVIEWER
EVERYONE = frozenset(Role)
STAFF = frozenset({ADMIN, MANAGER, OFFICER})

EDITORS = frozenset({ADMIN, OFFICER})
ASSIGNERS = frozenset({ADMIN, MANAGER})
# Who may be given projects and follow-ups: those who may act on them ("project.edit",
# "followup.edit"). Every picker and the workload report read this one rule.
ASSIGNABLE = EDITORS


# Two-factor sign-in is always required of these roles; an administrator may require it of
# these (crm.auth.two_factor); everyone else may turn it on for themselves.
TWO_FACTOR_ALWAYS = frozenset({ADMIN})
TWO_FACTOR_ENFORCEABLE = frozenset({MANAGER, OFFICER})


def can_be_assigned(user) -> bool:
    """Whether projects and follow-ups may be given to `user`."""
    return user is not None and user.active and user.role in ASSIGNABLE

# action -> roles that may perform it (before any object rule).
PERMISSIONS: dict[str, frozenset[Role]] = {
    "home.view": EVERYONE,
    "account.manage_own": EVERYONE,
    # Personal API tokens; what a token reaches is what its user may (crm.api).
    "api.use": STAFF | {INNOVATOR},
    "users.manage": frozenset({ADMIN}),
    "stages.manage": frozenset({ADMIN}),
    "search.use": STAFF,
    "pipeline.view": STAFF,
    "interaction.create": EDITORS,
    "organization.view": STAFF,
    "organization.export": STAFF,
    "organization.create": EDITORS,
    "organization.edit": EDITORS,
    "person.view": STAFF,
    "person.export": STAFF,
    "person.create": EDITORS,
    "person.edit": EDITORS,
    "project.view": STAFF,
    "project.export": STAFF,
    "project.create": EDITORS,
    "project.edit": EDITORS,
    "project.assign": ASSIGNERS,
    "forum.view": STAFF,
    "forum.manage": EDITORS,
    "import.run": EDITORS,
    "call.view": STAFF,
    "call.manage": EDITORS,
    # External reviewers see and score only the applications given to them (object rule).
    "application.view": STAFF | {REVIEWER},
    "application.review": EDITORS | {REVIEWER},  # the views check the reviewer was assigned
    "application.decide": EDITORS,
    # Documents follow the record they are attached to (the object rules below).
    "document.view": EVERYONE,
    "document.add": frozenset({ADMIN, OFFICER, INNOVATOR}),
    "document.remove": EDITORS,
    "followup.view": STAFF,
    "followup.create": EDITORS,
    "followup.edit": EDITORS,
    "calendar.own": STAFF,
    "funder.view": STAFF,
    "funder.manage": EDITORS,
    "funding.view": STAFF,
    "funding.edit": EDITORS,
    "impact.view": STAFF,
    "impact.edit": EDITORS,
    "impact.verify": EDITORS,
    "indicators.manage": frozenset({ADMIN}),
    "report.view": STAFF,
    "activity.view": STAFF,
    "segment.use": STAFF,
    "mailing.view": STAFF,
    "mailing.send": EDITORS,
    "bulk.run": STAFF,  # each record is checked as if changed alone (crm.bulk.services)
    "invitation.manage": EDITORS,
    "consent.manage": EDITORS,
    "person.anonymize": frozenset({ADMIN}),
    "privacy.register": frozenset({ADMIN}),
    "webhook.manage": frozenset({ADMIN}),
    # The portal: innovators, on their own person, organizations and projects only.
    "portal.use": frozenset({INNOVATOR}),
    "portal.edit_organization": frozenset({INNOVATOR}),
    "portal.edit_project": frozenset({INNOVATOR}),
    "portal.report_impact": frozenset({INNOVATOR}),
}


def _officers_of_project(project) -> set:
    return {project.officer_id}


def _officers_of_organization(organization) -> set:
    return {p.officer_id for p in organization.projects if p.archived_at is None}


def _officers_of_person(person) -> set:
    officers = set()
    for membership in person.memberships:
        officers |= _officers_of_organization(membership.organization)
    return officers


def _in_portfolio(officers_of: Callable) -> Callable:
    """Officers change what is theirs or nobody's; admins change everything."""

    def rule(user, obj) -> bool:
        if user.role == ADMIN:
            return True
        return officers_of(obj) <= {None, user.id}

    return rule


# action -> rule(user, obj) checked when an object is given.
def _own_followup(user, followup) -> bool:
    """Officers close and reschedule their own follow-ups; admins anyone's."""
    return user.role == ADMIN or followup.assignee_id == user.id


def _officers_of_projects_record(record) -> set:
    """Funding and impact records follow the project they belong to (or are a project)."""
    return _officers_of_project(getattr(record, "project", None) or record)


def _own_bulk_job(user, job) -> bool:
    """A bulk job is seen, and undone, by whoever ran it and by admins; whoever ran a job
    also sees the job that undid it."""
    if user.role == ADMIN or job.created_by_id == user.id:
        return True
    return job.undoes is not None and job.undoes.created_by_id == user.id


def _member_of_organization(user, organization) -> bool:
    """An innovator acts on an organization they belong to (the query is one indexed lookup)."""
    from crm.extensions import db
    from crm.organizations.models import Membership

    if user.person_id is None or organization.archived_at is not None:
        return False
    return db.session.scalar(db.select(Membership.id).where(
        Membership.person_id == user.person_id,
        Membership.organization_id == organization.id).limit(1)) is not None


def _member_of_projects_organization(user, project) -> bool:
    return project.archived_at is None and _member_of_organization(user, project.organization)


def _document_owner(document):
    """The organization, person, project or application a document is attached to."""
    from crm.documents.models import owner_models
    from crm.extensions import db

    return db.session.get(owner_models()[document.owner_type], document.owner_id)


# What an innovator may do on the records of their own side, by kind of record.
_INNOVATOR_RULES = {
    "organizations": _member_of_organization,
    "projects": _member_of_projects_organization,
    "people": lambda user, person: user.person_id == person.id,
}


def is_own_record(user, record) -> bool:
    """An innovator's own person, an organization they belong to, or one of its live projects
    (what the portal and the API show them)."""
    rule = _INNOVATOR_RULES.get(getattr(record, "__tablename__", ""))
    return (user is not None and user.is_authenticated and user.role == INNOVATOR
            and rule is not None and bool(rule(_unproxied(user), record)))


def _may_add_document(user, owner) -> bool:
    """Staff add to what they may edit; innovators to their own person, organization and
    projects; nobody adds to an application but the applicant, through their link."""
    table = owner.__tablename__
    if table == "applications":
        return False
    if user.role == INNOVATOR:
        return _INNOVATOR_RULES[table](user, owner)
    action = {"organizations": "organization", "people": "person", "projects": "project"}[table]
    return can(user, f"{action}.edit", owner)


def _may_read_document(user, document) -> bool:
    owner = _document_owner(document)
    if owner is None:
        return False
    if user.role == INNOVATOR:
        return owner.__tablename__ != "applications" and _INNOVATOR_RULES[owner.__tablename__](
            user, owner)
    return can(user, f"{document.owner_type}.view", owner)  # reviewers: their applications


def _may_remove_document(user, document) -> bool:
    owner = _document_owner(document)
    if owner is None or owner.__tablename__ == "applications":
        return owner is not None and user.role in EDITORS
    return _may_add_document(user, owner)


def _reviews_it_or_staff(user, application) -> bool:
    """Staff read every application; an external reviewer only those given to them."""
    if user.role != REVIEWER:
        return True
    return any(review.reviewer_id == user.id for review in application.reviews)


OBJECT_RULES: dict[str, Callable] = {
    "application.view": _reviews_it_or_staff,
    "bulk.run": _own_bulk_job,
    "document.view": _may_read_document,
    "document.add": _may_add_document,
    "document.remove": _may_remove_document,
    "followup.edit": _own_followup,
    "funding.edit": _in_portfolio(_officers_of_projects_record),
    "impact.edit": _in_portfolio(_officers_of_projects_record),
    "impact.verify": _in_portfolio(_officers_of_projects_record),
    "project.edit": _in_portfolio(_officers_of_project),
    "organization.edit": _in_portfolio(_officers_of_organization),
    "person.edit": _in_portfolio(_officers_of_person),
    "invitation.manage": _in_portfolio(_officers_of_person),
    "consent.manage": _in_portfolio(_officers_of_person),
    "portal.edit_organization": _member_of_organization,
    "portal.report_impact": _member_of_projects_organization,
    "portal.edit_project": _member_of_projects_organization,
}


def can(user, action: str, obj=None) -> bool:
    """True when `user` may perform `action` (on `obj`, when given)."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown permission {action!r}")
    user = _unproxied(user)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role not in PERMISSIONS[action]:
        return False
    if getattr(obj, "merged_into_id", None) is not None and not action.endswith(".view"):
        return False  # a record merged into another is read-only: act on the one kept
    rule = OBJECT_RULES.get(action)
    if obj is not None and rule is not None:
        return bool(rule(user, obj))
    return True


def _unproxied(user):
    """The user behind `current_user`: every attribute read through the proxy looks the user
    up again, and a permission check reads several."""
    get_user = getattr(user, "_get_current_object", None)
    return get_user() if get_user is not None else user


def ensure(user, action: str, obj=None) -> None:
    """Abort with 404 (not 403: ids must leak nothing) unless `user` may act."""
    if not can(user, action, obj):
        abort(404)


def require(action: str):
    """View decorator: login required, then the role must be allowed `action`."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown permission {action!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            ensure(current_user, action)
            return view(*args, **kwargs)

        protected = login_required(wrapped)
        protected.required_permission = action
        return protected

    return decorator


def public(view):
    """Marks a view that anyone may reach, logged in or not (login page, health check)."""
    view.required_permission = "public"
    return view
