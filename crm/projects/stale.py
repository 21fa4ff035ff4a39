"""Projects left without activity for longer than their stage allows: no move, no interaction
logged and no follow-up done for `Stage.stale_after_days` (set by an admin, stage by stage)."""

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, false, func, or_

from crm.common.time import utcnow
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction
from crm.pipeline.models import Stage
from crm.projects.models import Project


def condition(now: datetime | None = None):
    """SQL: the project is stale (one condition a stage, so each uses its own threshold and
    the indexes on stage and dates)."""
    now = now or utcnow()
    thresholds = db.session.execute(db.select(Stage.id, Stage.stale_after_days).where(
        Stage.stale_after_days.is_not(None), Stage.active.is_(True))).all()
    per_stage = []
    for stage_id, days in thresholds:
        since = now - timedelta(days=days)
        per_stage.append(and_(
            Project.stage_id == stage_id, Project.stage_entered_at < since,
            ~exists().where(Interaction.project_id == Project.id,
                            Interaction.occurred_on >= since.date()),
            ~exists().where(FollowUp.project_id == Project.id, FollowUp.done_at >= since)))
    if not per_stage:
        return false()
    return and_(Project.archived_at.is_(None), or_(*per_stage))


def stale_projects(officer_id: int | None = None, limit: int | None = None) -> list[Project]:
    """The stale projects (of one officer, when given), the longest in their stage first."""
    query = (db.select(Project).where(condition())
             .options(db.joinedload(Project.stage), db.joinedload(Project.organization))
             .order_by(Project.stage_entered_at, Project.id).limit(limit))
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
