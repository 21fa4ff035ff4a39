"""One action on many projects: each project checked against the actor's rights and the
pipeline's rules, changed through the same services as one by one (so audited the same way),
and counted as done or skipped with its reason. A few rows run in the request; more go to the
background, with progress on the job's page."""

import logging
from datetime import date

from flask_babel import lazy_gettext as _l

from crm.auth.models import User
from crm.auth.permissions import can, can_be_assigned
from crm.bulk.models import BulkAction, BulkJob, BulkStatus
from crm.common.text import fold
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.followups import services as followups
from crm.followups.models import FollowUpKind
from crm.jobs.runner import enqueue
from crm.pipeline import services as pipeline
from crm.projects import services as projects
from crm.projects.models import Project

log = logging.getLogger(__name__)

INLINE_UP_TO = 200  # more rows than this run in the background
PROGRESS_EVERY = 100
REASONS = {
    "not-allowed": _l("not yours to change"),
    "archived": _l("archived"),
    "already": _l("already so"),
    "refused": _l("refused by a rule of the pipeline"),
    "missing": _l("no longer exists"),
}


def describe(job: BulkJob) -> str:
    """What the job does, in the reader's language: the action and its object."""
    params = job.params or {}
    detail = ""
    if job.action == BulkAction.MOVE:
        try:
            detail = pipeline.get_stage(params.get("stage", "")).name
        except LookupError:
            detail = params.get("stage", "")
    elif job.action == BulkAction.ASSIGN:
        officer = db.session.get(User, params["officer_id"]) if params.get("officer_id") else None
        detail = officer.display_name if officer else str(_l("Nobody"))
    elif job.action in (BulkAction.TAG, BulkAction.UNTAG):
        detail = params.get("tag", "")
    else:
        detail = params.get("title", "")
    return f"{job.action.label} — {detail}"


def _check_params(action: BulkAction, params: dict) -> None:
    if action == BulkAction.MOVE:
        try:
            stage = pipeline.get_stage(params.get("stage", ""))
        except LookupError as missing:
            raise ServiceError(_l("Choose a stage."), field="stage") from missing
        if stage.is_exit and not params.get("note", "").strip():
            raise ServiceError(_l("Give the reason why the projects leave the pipeline."),
                               field="note")
    elif action == BulkAction.ASSIGN and params.get("officer_id"):
        officer = db.session.get(User, params["officer_id"])
        if officer is None or not can_be_assigned(officer):
            raise ServiceError(_l("Projects are assigned to program officers."),
                               field="officer_id")
    elif action in (BulkAction.TAG, BulkAction.UNTAG) and not params.get("tag", "").strip():
        raise ServiceError(_l("Give the tag."), field="tag")
    elif action == BulkAction.FOLLOW_UP and not (params.get("title", "").strip()
                                                  and params.get("due_on")):
        raise ServiceError(_l("Give the follow-up a title and a due date."), field="title")


def start(actor, action: BulkAction, params: dict, project_ids: list[int]) -> BulkJob:
    """Record the job, then run it now (a few projects) or in the background."""
    _check_params(action, params)
    ids = sorted(set(project_ids))
    if not ids:
        raise ServiceError(_l("Tick the projects to act on, or choose the whole list."))
    job = BulkJob(action=action, params=params, project_ids=ids, total=len(ids),
                  created_by_id=actor.id)
    db.session.add(job)
    db.session.commit()
    if len(ids) <= INLINE_UP_TO:
        run(job.id)
    else:
        enqueue("bulk.run", job.id)
    return job


def run(job_id: int) -> None:
    """The task: every project of the job, progress saved as it goes."""
    job = db.session.get(BulkJob, job_id)
    if job is None or job.status != BulkStatus.WAITING:
        return
    job.status = BulkStatus.RUNNING
    db.session.commit()
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        _run(job)  # the actor and the stage are not read again after each project's commit
    except Exception:
        db.session.rollback()
        job.status, job.finished_at = BulkStatus.FAILED, utcnow()
        db.session.commit()
        log.exception("bulk job %s failed", job_id)
        return
    finally:
        session.expire_on_commit = expiring
    job.status, job.finished_at = BulkStatus.DONE, utcnow()
    db.session.commit()


def _run(job: BulkJob) -> None:
    """Counts are kept here, not on the job, and saved with the progress: a refused project
    rolls back only what was pending, never the counting."""
    actor, done, skipped, reasons = job.created_by, 0, 0, {}
    action, params, ids = job.action, dict(job.params), list(job.project_ids)  # read once
    for start in range(0, len(ids), PROGRESS_EVERY):
        chunk = ids[start:start + PROGRESS_EVERY]
        loaded = {p.id: p for p in db.session.scalars(
            db.select(Project).where(Project.id.in_(chunk))
            .options(db.joinedload(Project.stage)))}
        for project_id in chunk:
            reason = _apply(actor, action, params, loaded.get(project_id))
            if reason is None:
                done += 1
            else:
                skipped += 1
                reasons[reason] = reasons.get(reason, 0) + 1
        job.done, job.skipped, job.reasons = done, skipped, dict(reasons)
        db.session.commit()


def _apply(actor, action: BulkAction, params: dict, project: Project | None) -> str | None:
    """Change one project; None when done, else why it was skipped."""
    if project is None:
        return "missing"
    if project.archived_at is not None:
        return "archived"
    permission = "project.assign" if action == BulkAction.ASSIGN else "project.edit"
    if not can(actor, permission, project):
        return "not-allowed"
    try:
        return ACTIONS[action](actor, project, params)
    except ServiceError:
        db.session.rollback()
        return "refused"


def _move(actor, project: Project, params: dict) -> str | None:
    if "_stage" not in params:  # looked up once a job
        params["_stage"] = pipeline.get_stage(params["stage"])
    stage = params["_stage"]
    if project.stage_id == stage.id:
        return "already"
    pipeline.move_project(actor, project, stage, params.get("note", ""))
    return None


def _assign(actor, project: Project, params: dict) -> str | None:
    officer = db.session.get(User, params["officer_id"]) if params.get("officer_id") else None
    if project.officer_id == (officer.id if officer else None):
        return "already"
    projects.assign_officer(actor, project, officer)
    return None


def _tags(project: Project, tag: str, present: bool) -> list[str] | None:
    """The project's tag names with `tag` added or removed; None when nothing changes."""
    names = [t.name for t in project.tags]
    has = any(fold(name) == fold(tag) for name in names)
    if has == present:
        return None
    return names + [tag] if present else [n for n in names if fold(n) != fold(tag)]


def _tag(actor, project: Project, params: dict, present: bool = True) -> str | None:
    names = _tags(project, params["tag"].strip(), present)
    if names is None:
        return "already"
    projects.set_tags(actor, project, names)
    return None


def _follow_up(actor, project: Project, params: dict) -> str | None:
    officer = project.officer if project.officer and can_be_assigned(project.officer) else actor
    followups.create_followup(actor, officer, FollowUpKind(params.get("kind") or "call"),
                              params["title"], date.fromisoformat(params["due_on"]),
                              project=project)
    return None


ACTIONS = {
    BulkAction.MOVE: _move,
    BulkAction.ASSIGN: _assign,
    BulkAction.TAG: _tag,
    BulkAction.UNTAG: lambda actor, project, params: _tag(actor, project, params, False),
    BulkAction.FOLLOW_UP: _follow_up,
}
