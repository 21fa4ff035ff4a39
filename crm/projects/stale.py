"""Projects left without activity for longer than their stage allows: no move and no
interaction (a follow-up done logs one) for `Stage.stale_after_days`, set by an admin stage by
stage. `Project.last_activity_at` is kept here, so the check reads one index."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy import and_, false, func, or_

from crm.common.time import utcnow
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.pipeline.models import Stage
from crm.projects.models import Project


def note_activity(project_id: int | None, when: datetime | date) -> None:
    """Something happened on the project then (never moves the date back). A plain UPDATE:
    the project's version is not bumped, so nobody's open form of it goes stale."""
    if project_id is None:
        return
    if not isinstance(when, datetime):
        when = utcnow() if when >= date.today() else datetime.combine(when, time.min)
    db.session.execute(sa.update(Project).where(
        Project.id == project_id, Project.last_activity_at < when)
        .values(last_activity_at=when).execution_options(synchronize_session=False))


def recompute_last_activity() -> None:
    """Every project's last activity, from its stage entry and its interactions (after a bulk
    load, which writes rows without the services). The latest interaction of every project is
    found in one pass (GROUP BY), then joined: asked project by project, PostgreSQL walked the
    date index of every interaction for each project that had few or none (20,000 projects
    and 200,000 interactions: stopped after 16 minutes)."""
    latest = (sa.select(Interaction.project_id, func.max(Interaction.occurred_on).label("day"))
              .where(Interaction.project_id.is_not(None))
              .group_by(Interaction.project_id).subquery())
    if db.session.get_bind().dialect.name == "sqlite":
        at = func.datetime(latest.c.day)  # a date read as the start of its day
    else:
        at = sa.cast(latest.c.day, sa.DateTime)
    db.session.execute(sa.update(Project).values(last_activity_at=Project.stage_entered_at))
    db.session.execute(sa.update(Project)
                       .where(Project.id == latest.c.project_id, at > Project.last_activity_at)
                       .values(last_activity_at=at))


def condition(now: datetime | None = None):
    """SQL: the project is stale (one condition a stage, each with its own threshold)."""
    now = now or utcnow()
    thresholds = db.session.execute(db.select(Stage.id, Stage.stale_after_days).where(
        Stage.stale_after_days.is_not(None), Stage.active.is_(True))).all()
    per_stage = [and_(Project.stage_id == stage_id,
                      Project.last_activity_at < now - timedelta(days=days))
                 for stage_id, days in thresholds]
    if not per_stage:
        return false()
    return and_(Project.archived_at.is_(None), or_(*per_stage))


def stale_projects(officer_id: int | None = None, limit: int | None = None) -> list[Project]:
    """The stale projects (of one officer, when given), the longest idle first."""
    query = (db.select(Project).where(condition())
             .options(db.joinedload(Project.stage), db.joinedload(Project.organization))
             .order_by(Project.last_activity_at, Project.id).limit(limit))
    if officer_id is not None:
        query = query.where(Project.officer_id == officer_id)
    return list(db.session.scalars(query))


def count_stale(officer_id: int | None = None) -> int:
    query = db.select(func.count(Project.id)).where(condition())
    if officer_id is not None:
        query = query.where(Project.officer_id == officer_id)
    return db.session.scalar(query) or 0


def stale_by_stage() -> list[tuple[Stage, int]]:
    """Each stage that flags projects, with how many it flags today (all officers)."""
    counts = dict(db.session.execute(db.select(Project.stage_id, func.count(Project.id))
                                     .where(condition()).group_by(Project.stage_id)).all())
    stages = db.session.scalars(db.select(Stage).where(Stage.stale_after_days.is_not(None),
                                                       Stage.active.is_(True))
                                .order_by(Stage.position))
    return [(stage, counts.get(stage.id, 0)) for stage in stages]
