"""Projects: create, update, assign, archive, list and the officer's portfolio."""

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from crm.audit import services as audit
from crm.auth import services as auth
from crm.auth.models import User
from crm.auth.permissions import can_be_assigned
from crm.common.flags import has_any_flag
from crm.common.ids import parse_id
from crm.common.listing import ListParams, any_of, is_one_of, narrow, order_by
from crm.common.records import (
    archive_record,
    commit_or_conflict,
    restore_record,
    update_record,
)
from crm.common.reference import SDG_NUMBERS, Region, Theme
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.forums.models import Forum
from crm.funding.models import FundingOpportunity, OpportunityStatus
from crm.impact import services as impact
from crm.organizations.models import Membership, Organization, OrganizationKind
from crm.pipeline import services as pipeline
from crm.pipeline.models import Stage, StageTransition
from crm.projects import stale
from crm.projects.models import Project
from crm.search import services as search
from crm.search.keys import name_tokens
from crm.tags import services as tags
from crm.tags.models import Tag
from crm.webhooks import events as webhooks

ENTITY = "project"
FIELDS = ["name", "name_arabic", "description", "forum_id", "cohort", "themes", "sdgs",
          "officer_id"]
FILTERS = ("stage", "officer", "cohort", "tag", "theme", "region", "kind", "archived", "idle",
           "funding", "sdg", "indicator", "at_least")
# An impact figure a list may ask for (`at_least`): up to 12 digits, 2 decimals.
FIGURE = re.compile(r"\d{1,12}(?:[.,]\d{1,2})?", re.ASCII)
SORTS = {"name": Project.name, "created": Project.created_at, "stage": Stage.position,
         "cohort": Project.cohort_name, "moved": Project.stage_entered_at,
         "activity": Project.last_activity_at}
# The cards shown in each column of the board; the list page shows the rest.
BOARD_COLUMN_SIZE = 20


def _clean(data: dict) -> dict:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if not data.get("name") and not data.get("name_arabic"):
        raise ServiceError(_l("Give the name in Latin or in Arabic script."), field="name")
    if "forum_id" in data:
        data["forum_id"] = data["forum_id"] or None
        if data["forum_id"] is not None:
            if db.session.get(Forum, data["forum_id"]) is None:
                raise ServiceError(_l("Choose a forum edition from the list."), field="forum_id")
            data["cohort"] = ""  # the edition is the cohort; the text is only a fallback
    return data


def _tokens(project: Project) -> set[str]:
    db.session.flush()
    db.session.expire(project, ["forum"])  # the edition just chosen, not the one loaded
    return name_tokens(project.name, project.name_arabic, project.cohort_name)


def create_project(actor, organization: Organization, stage: Stage | None = None,
                   tag_names: list[str] | None = None, started_at: datetime | None = None,
                   **data) -> Project:
    """Create a project at its first stage (identified unless told), with its first transition
    (dated `started_at` when the project entered the pipeline before it was recorded)."""
    stage = stage or pipeline.get_stage("identified")
    now = started_at or utcnow()
    project = Project(organization=organization, stage=stage, stage_entered_at=now,
                      last_activity_at=now, **_clean(data))
    db.session.add(project)
    project.tags = tags.get_or_create_tags(tag_names or [])
    project.transitions.append(StageTransition(to_stage=stage, at=now,
                                               by_id=actor.id if actor else None))
    db.session.add(project)
    db.session.flush()
    search.index_record(ENTITY, project.id, _tokens(project))
    audit.record(actor, "create", ENTITY, project.id,
                 {**audit.snapshot(project, FIELDS), "organization_id": [None, organization.id],
                  "stage": [None, stage.code]})
    webhooks.emit("project.created", project)
    db.session.commit()
    return project


def update_project(actor, project: Project, expected_version: int | None,
                   tag_names: list[str] | None = None, **data) -> dict:
    changes = update_record(actor, project, ENTITY, expected_version, _clean(data), tag_names)
    search.index_record(ENTITY, project.id, _tokens(project))
    commit_or_conflict(project)
    return changes


def set_tags(actor, project: Project, tag_names: list[str]) -> dict:
    """Replace the project's tags (audited with the project's history)."""
    changes = update_record(actor, project, ENTITY, None, {}, tag_names)
    commit_or_conflict(project)
    return changes


def assign_officer(actor, project: Project, officer: User | None,
                   expected_version: int | None = None) -> None:
    """Give the project to an officer (or to nobody)."""
    if officer is not None and not can_be_assigned(officer):
        raise ServiceError(_l("Projects are assigned to program officers."), field="officer_id")
    update_record(actor, project, ENTITY, expected_version,
                  {"officer_id": officer.id if officer else None})
    commit_or_conflict(project)


def archive_project(actor, project: Project) -> None:
    if project.archived_at is None:  # archiving it again changes nothing, announces nothing
        webhooks.emit("project.archived", project)
    archive_record(actor, project, ENTITY)


def restore_project(actor, project: Project) -> None:
    restore_record(actor, project, ENTITY)


def get_project(project_id: int) -> Project | None:
    return db.session.get(Project, project_id, options=[
        # The project page lists the organization's people: loaded here, not one per row.
        db.joinedload(Project.organization).selectinload(Organization.memberships)
        .joinedload(Membership.person),
        db.joinedload(Project.stage),
        db.joinedload(Project.officer),
        db.joinedload(Project.forum),
        db.selectinload(Project.tags),
        db.selectinload(Project.transitions).joinedload(StageTransition.to_stage),
        db.selectinload(Project.transitions).joinedload(StageTransition.by),
    ])


def _own_criteria(params: ListParams) -> list:
    """Criteria on the project's own fields, each value of a repeated filter an alternative:
    stage, officer (an id or "none"), cohort, tag, theme, SDG."""
    tags, themes = params.ids("tag"), params.members("theme", Theme)
    sdgs = [n for n in params.ids("sdg") if n in SDG_NUMBERS]
    return [
        is_one_of(Stage.code, params.values("stage")),
        any_of(Project.officer_id.is_(None) if "none" in params.values("officer") else None,
               is_one_of(Project.officer_id, params.ids("officer"))),
        any_of(*(Project.in_cohort(cohort) for cohort in params.values("cohort"))),
        Project.tags.any(Tag.id.in_(tags)) if tags else None,
        has_any_flag(Project.themes, themes) if themes else None,
        has_any_flag(Project.sdgs, sdgs) if sdgs else None,
    ]


def _related_criteria(params: ListParams) -> list:
    """Criteria on related facts, as subqueries rather than joins (the page count then reads
    the live projects' index alone): no activity for N days, a funding opportunity in a
    status, the organization's region or kind, an impact figure."""
    days, statuses = params.idle_days(), params.members("funding", OpportunityStatus)
    regions, kinds = params.members("region", Region), params.members("kind", OrganizationKind)
    return [
        Project.last_activity_at < utcnow() - timedelta(days=days) if days else None,
        Project.id.in_(db.select(FundingOpportunity.project_id).where(
            FundingOpportunity.status.in_(statuses))) if statuses else None,
        Project.organization_id.in_(db.select(Organization.id).where(
            Organization.region.in_(regions))) if regions else None,
        Project.organization_id.in_(db.select(Organization.id).where(
            Organization.kind.in_(kinds))) if kinds else None,
        _figure_criterion(params),
    ]


def _figure_criterion(params: ListParams):
    """`indicator=<id>&at_least=<n>`: the projects whose figure for the indicator reaches n
    (`crm.impact.services.projects_reaching` says which figure); one indicator at a time."""
    indicator_id = parse_id(params.filters.get("indicator"))
    if indicator_id is None:
        return None
    at_least = params.filters.get("at_least", "")
    figure = Decimal(at_least.replace(",", ".")) if FIGURE.fullmatch(at_least) else None
    return Project.id.in_(impact.projects_reaching(indicator_id, figure))


def list_projects(params: ListParams):
    """The projects the list page asks for: the archived ones or the live ones, matching the
    search, narrowed by the filters (all of them, or any)."""
    query = db.select(Project).join(Project.stage)
    query = query.where(Project.archived_at.is_not(None) if params.filters.get("archived") == "1"
                        else Project.archived_at.is_(None))
    query = narrow(query, params, _own_criteria(params) + _related_criteria(params))
    if params.q:
        ids = search.matching_ids(ENTITY, params.q)
        if ids is not None:
            query = query.where(Project.id.in_(ids))
    query = query.options(db.contains_eager(Project.stage), db.joinedload(Project.organization),
                          db.joinedload(Project.officer), db.joinedload(Project.forum),
                          db.selectinload(Project.tags))
    return order_by(query, params, SORTS, "name", Project.id)


# The columns of the exports, as project_rows gives them.
EXPORT_HEADER = (_l("ID"), _l("Name"), _l("Name in Arabic"), _l("Organization"), _l("Stage"),
                 _l("Program officer"), _l("Cohort"), _l("In this stage since"), _l("Tags"))


def project_rows(query):
    """Rows of the CSV and Excel exports; the date in the stage stays a date."""
    for p in db.session.scalars(query):
        yield [p.id, p.name, p.name_arabic, p.organization.display_name, p.stage.name,
               p.officer.display_name if p.officer else "", p.cohort_name,
               p.stage_entered_at.date(), tags.tag_names(p.tags)]


def list_cohorts() -> list[str]:
    """The cohorts in use, newest first: the forum editions projects came through (latest
    held first), then the other cohorts' texts in reverse order ("2025" before "2024")."""
    names = list(dict.fromkeys(db.session.scalars(_editions_query())))
    return names + [text for text in db.session.scalars(_cohort_texts_query())
                    if text not in names]


def sort_cohorts(names: Iterable[str]) -> list[str]:
    """`names` once each, newest first as `list_cohorts` orders them; "" (no cohort) last."""
    rank = {name: index for index, name in enumerate(list_cohorts())}
    return sorted(set(names), key=lambda name: (rank.get(name, len(rank)), name))


# The two statements of `list_cohorts` are built once: they hold no parameter, and building
# the recursive one took four times as long as running it (0.6 against 0.15 ms).
@cache
def _editions_query():
    """The names of the forum editions projects came through, latest held first."""
    return db.select(Forum.name).where(Forum.id.in_(
        db.select(Project.forum_id).where(Project.forum_id.is_not(None)))).order_by(
        Forum.held_on.desc(), Forum.id.desc())


@cache
def _cohort_texts_query():
    """The free-text cohorts, descending, read as a "loose index scan": one step down the
    cohort index per cohort (there are a handful) rather than DISTINCT over every project."""
    named = Project.cohort != ""
    steps = db.select(func.max(Project.cohort).label("cohort")).where(named).cte(
        "cohorts", recursive=True)
    below = db.select(func.max(Project.cohort)).where(named, Project.cohort < steps.c.cohort)
    steps = steps.union_all(db.select(below.scalar_subquery()).where(
        steps.c.cohort.is_not(None)))
    return db.select(steps.c.cohort).where(steps.c.cohort.is_not(None))


def forum_choices() -> list[tuple[int, str]]:
    """(id, name) of the forum editions a project's cohort can be, newest first."""
    query = db.select(Forum.id, Forum.name).order_by(Forum.held_on.desc(), Forum.id.desc())
    return [(row.id, row.name) for row in db.session.execute(query)]


def officer_choices() -> list[tuple[int, str]]:
    """(id, name) of the people who may follow projects, for filter forms (no objects built)."""
    query = auth.assignable_users().with_only_columns(User.id, User.full_name, User.email)
    return [(user_id, name or email) for user_id, name, email in db.session.execute(query)]


def list_officers() -> list[User]:
    """Who a project may be given to (`auth.services.list_assignable_users`)."""
    return auth.list_assignable_users()


def board(officer_id: int | None = None, cohort: str = "", unassigned: bool = False):
    """The pipeline board: each active stage with how many (non-archived) projects it holds and
    the BOARD_COLUMN_SIZE that have waited there longest (the list pages show them all)."""
    conditions = [Project.archived_at.is_(None)]
    if unassigned:
        conditions.append(Project.officer_id.is_(None))
    elif officer_id:
        conditions.append(Project.officer_id == officer_id)
    if cohort:
        conditions.append(Project.in_cohort(cohort))
    totals = dict(db.session.execute(db.select(Project.stage_id, func.count())
                                     .where(*conditions).group_by(Project.stage_id)).all())
    columns = []
    for stage in pipeline.list_stages():
        waiting = (db.select(Project).where(Project.stage_id == stage.id, *conditions)
                   .options(db.joinedload(Project.organization), db.joinedload(Project.officer))
                   .order_by(Project.stage_entered_at, Project.id).limit(BOARD_COLUMN_SIZE))
        projects = list(db.session.scalars(waiting)) if totals.get(stage.id) else []
        columns.append((stage, projects, totals.get(stage.id, 0)))
    return columns


def days_in_stage(project: Project) -> int:
    """Whole days since the project entered its current stage."""
    return (utcnow() - project.stage_entered_at).days


def count_by_stage(active_only: bool = True,
                   include_archived: bool = False) -> list[tuple[Stage, int]]:
    """Each stage with its number of projects (all officers), counted in one query."""
    query = db.select(Project.stage_id, db.func.count(Project.id)).group_by(Project.stage_id)
    if not include_archived:
        query = query.where(Project.archived_at.is_(None))
    counts = {stage_id: count for stage_id, count in db.session.execute(query)}
    return [(stage, counts.get(stage.id, 0))
            for stage in pipeline.list_stages(active_only=active_only)]


def count_unassigned() -> int:
    """Projects in the pipeline that no officer follows."""
    query = db.select(db.func.count(Project.id)).where(Project.officer_id.is_(None),
                                                        Project.archived_at.is_(None))
    return db.session.scalar(query) or 0


def board_filtered_by(officer: str = "", cohort: str = ""):
    """The board as its filter form asks: an officer's id or "none" (unassigned), a cohort."""
    return board(officer_id=int(officer) if officer.isdigit() else None, cohort=cohort,
                 unassigned=officer == "none")


def portfolio(officer: User) -> dict:
    """An officer's home: how many projects in each stage, and the ones left without activity
    for longer than their stage allows (the longest waiting first, BOARD_COLUMN_SIZE of them;
    how many in all)."""
    mine = [Project.officer_id == officer.id, Project.archived_at.is_(None)]
    counts = db.session.execute(db.select(Stage, func.count(Project.id)).join(Project.stage)
                                .where(*mine).group_by(Stage.id).order_by(Stage.position)).all()
    return {"by_stage": [(stage, count) for stage, count in counts],
            "total": sum(count for _stage, count in counts),
            "stale": stale.stale_projects(officer.id, limit=BOARD_COLUMN_SIZE),
            "stale_count": stale.count_stale(officer.id)}


def projects_of_organization(organization_id: int) -> list[Project]:
    query = (db.select(Project).where(Project.organization_id == organization_id)
             .options(db.joinedload(Project.stage), db.joinedload(Project.officer),
                      db.joinedload(Project.forum))
             .order_by(Project.archived_at.is_not(None), Project.name))
    return list(db.session.scalars(query))


def search_projects(q: str, limit: int = 10) -> list[Project]:
    ids = search.matching_ids(ENTITY, q)
    if ids is None:
        return []
    query = (db.select(Project).where(Project.id.in_(ids), Project.archived_at.is_(None))
             .options(db.joinedload(Project.organization), db.joinedload(Project.stage)))
    return list(db.session.scalars(query.order_by(Project.name).limit(limit)))
