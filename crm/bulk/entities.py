"""The lists a bulk action works on: for each, its records as its list page finds them, who
may change them, which actions apply, how its tags change and how it is exported."""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from crm.bulk.models import BulkAction
from crm.common.listing import ListParams
from crm.extensions import db
from crm.organizations import services as organizations
from crm.organizations.models import Membership, Organization
from crm.people import services as people
from crm.people.models import Person
from crm.projects import services as projects
from crm.projects.models import Project


@dataclass(frozen=True)
class Entity:
    name: str  # as in the URLs and BulkJob.entity
    model: type
    noun: str  # its permissions are "<noun>.edit" and "<noun>.export"
    filters: tuple[str, ...]
    list_query: Callable  # ListParams -> Select, the list page's own query
    endpoint: str  # the list page
    actions: tuple[BulkAction, ...]
    set_tags: Callable  # (actor, record, names): audited in the record's history
    export_rows: Callable  # Select -> rows of the list's export
    export_header: tuple
    load: Callable  # () -> loader options: what the permission rules read of each record
    texts: dict  # what the pages say of these records (lazy strings)

    @property
    def tick(self) -> str:
        """The name of the list's tick boxes ("person_id")."""
        return f"{self.noun}_id"

    def query(self, query_string: str, ids: list[int] | None = None):
        """The list's query for its filters kept aside as a query string, kept to `ids` when
        given (the ticked rows, in the list's order)."""
        query = self.list_query(ListParams.from_query(query_string, self.filters, "name"))
        return query if ids is None else query.where(self.model.id.in_(ids))

    def ids(self, query_string: str) -> list[int]:
        """The ids of the whole list, every page."""
        query = self.query(query_string).with_only_columns(self.model.id).order_by(None)
        return list(db.session.scalars(query))


def _project_load() -> list:
    return [db.joinedload(Project.stage), db.selectinload(Project.tags)]


def _person_load() -> list:
    return [db.selectinload(Person.tags), db.selectinload(Person.memberships)
            .joinedload(Membership.organization).selectinload(Organization.projects)]


def _organization_load() -> list:
    return [db.selectinload(Organization.tags), db.selectinload(Organization.projects)]


ENTITIES = {
    "projects": Entity(
        "projects", Project, "project", projects.FILTERS, projects.list_projects,
        "projects.list_projects",
        (BulkAction.MOVE, BulkAction.ASSIGN, BulkAction.TAG, BulkAction.UNTAG,
         BulkAction.FOLLOW_UP),
        projects.set_tags, projects.project_rows, projects.EXPORT_HEADER, _project_load, {
            "title": _l("Projects"), "summary": _l("Act on several projects"),
            "help": _l("Each project is checked as if you changed it alone: those you may "
                       "not change, or that a rule refuses, are skipped and counted. Every "
                       "change goes to the project's history."),
            "ticked": _l("The projects ticked on this page"),
            "all": _l("Every project of this list (all pages)"),
            "confirm": _l("Apply this action to the chosen projects?"),
            "progress": _l("%(done)s done and %(skipped)s skipped of %(total)s projects"),
            "nothing": _l("Tick the projects to act on, or choose the whole list."),
            "back": _l("Back to the projects")}),
    "people": Entity(
        "people", Person, "person", people.FILTERS,
        lambda params: people.list_people(params, with_organizations=False),
        "people.list_people", (BulkAction.TAG, BulkAction.UNTAG, BulkAction.PARTICIPATE),
        people.set_tags, people.person_rows, people.EXPORT_HEADER, _person_load, {
            "title": _l("People"), "summary": _l("Act on several people"),
            "help": _l("Each person is checked as if you changed them alone: those you may "
                       "not change, or that a rule refuses, are skipped and counted. Every "
                       "change goes to the person's history."),
            "ticked": _l("The people ticked on this page"),
            "all": _l("Everyone on this list (all pages)"),
            "confirm": _l("Apply this action to the chosen people?"),
            "progress": _l("%(done)s done and %(skipped)s skipped of %(total)s people"),
            "nothing": _l("Tick the people to act on, or choose the whole list."),
            "back": _l("Back to the people")}),
    "organizations": Entity(
        "organizations", Organization, "organization", organizations.FILTERS,
        organizations.list_organizations, "organizations.list_organizations",
        (BulkAction.TAG, BulkAction.UNTAG),
        organizations.set_tags, organizations.organization_rows, organizations.EXPORT_HEADER,
        _organization_load, {
            "title": _l("Organizations"), "summary": _l("Act on several organizations"),
            "help": _l("Each organization is checked as if you changed it alone: those you "
                       "may not change, or that a rule refuses, are skipped and counted. "
                       "Every change goes to the organization's history."),
            "ticked": _l("The organizations ticked on this page"),
            "all": _l("Every organization of this list (all pages)"),
            "confirm": _l("Apply this action to the chosen organizations?"),
            "progress": _l("%(done)s done and %(skipped)s skipped of %(total)s "
                           "organizations"),
            "nothing": _l("Tick the organizations to act on, or choose the whole list."),
            "back": _l("Back to the organizations")}),
}
