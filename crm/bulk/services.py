"""One action on many projects, people or organizations: each record checked against the
actor's rights and the rules, changed through the same services as one by one (so audited
the same way), and counted as done or skipped with its reason. A few rows run in the
request; more go to the background, with progress on the job's page. A job keeps what it
changed, so that it can be undone (crm.bulk.undo) by another job."""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from crm.auth.models import User
from crm.auth.permissions import can, can_be_assigned
from crm.bulk import undo
from crm.bulk.actions import ACTIONS, Run
from crm.bulk.entities import ENTITIES, Entity
from crm.bulk.models import BulkAction, BulkJob, BulkStatus
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.forums import services as forums
from crm.forums.models import ParticipationRole
from crm.jobs.runner import enqueue
from crm.pipeline import services as pipeline

log = logging.getLogger(__name__)

INLINE_UP_TO = 200  # more rows than this run in the background
PROGRESS_EVERY = 100
REASONS = {
    "not-allowed": _l("not yours to change"),
    "archived": _l("archived"),
    "already": _l("already so"),
    "refused": _l("refused by a rule of the pipeline"),  # moves
    "rule": _l("refused by a rule"),  # any other change
    "missing": _l("no longer exists"),
    "changed-since": _l("changed again since"),
}


def permission_of(entity: Entity, action: BulkAction) -> str:
    """What each record is checked against: the permission of the same change made alone."""
    if action == BulkAction.ASSIGN:
        return "project.assign"
    if action == BulkAction.PARTICIPATE:
        return "forum.manage"
    return f"{entity.noun}.edit"


def allowed_actions(user, entity: Entity) -> list[BulkAction]:
    """The list's actions the user's role may take at all (each record is checked again)."""
    return [a for a in entity.actions if can(user, permission_of(entity, a))]


def get_job(job_id: int) -> BulkJob | None:
    return db.session.get(BulkJob, job_id)


def describe(job: BulkJob) -> str:
    """What the job does, in the reader's language: the action and its object."""
    if job.action == BulkAction.UNDO:
        return f"{job.action.label} — {describe(job.undoes)}" if job.undoes else job.action.label
    return f"{job.action.label} — {_detail(job.action, job.params or {})}"


def _detail(action: BulkAction, params: dict) -> str:
    if action == BulkAction.MOVE:
        try:
            return pipeline.get_stage(params.get("stage", "")).name
        except LookupError:
            return params.get("stage", "")
    if action == BulkAction.ASSIGN:
        officer = db.session.get(User, params["officer_id"]) if params.get("officer_id") else None
        return officer.display_name if officer else str(_l("Nobody"))
    if action == BulkAction.PARTICIPATE:
        session = forums.get_session(params.get("session_id") or 0)
        return f"{session.forum.name} — {session.name}" if session else ""
    if action in (BulkAction.TAG, BulkAction.UNTAG):
        return params.get("tag", "")
    return params.get("title", "")


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
    elif action == BulkAction.PARTICIPATE:
        _check_session(params)


def _check_session(params: dict) -> None:
    if not (params.get("session_id") and forums.get_session(params["session_id"])):
        raise ServiceError(_l("Choose a forum session."), field="session_id")
    if params.get("role") not in ParticipationRole._value2member_map_:
        raise ServiceError(_l("Choose a role."), field="role")


def start(actor, action: BulkAction, params: dict, record_ids: list[int],
          entity: str = "projects") -> BulkJob:
    """Record the job, then run it now (a few records) or in the background."""
    if action not in ENTITIES[entity].actions:
        raise ServiceError(_l("This action does not apply to this list."))
    _check_params(action, params)
    ids = sorted(set(record_ids))
    if not ids:
        raise ServiceError(ENTITIES[entity].texts["nothing"])
    job = BulkJob(action=action, entity=entity, params=params, record_ids=ids, total=len(ids),
                  created_by_id=actor.id)
    db.session.add(job)
    db.session.commit()
    _launch(job)
    return job


def start_undo(actor, job: BulkJob) -> BulkJob:
    """A new job putting back what `job` changed, record by record; a job is undone once,
    by its author or an admin, within undo.UNDO_WITHIN."""
    if job.undone_by is not None:
        raise ServiceError(_l("This bulk action was already undone."))
    if not (undo.undoable(job) and can(actor, "bulk.run", job)):
        raise ServiceError(_l("This bulk action can no longer be undone."))
    ids = sorted(int(record_id) for record_id in job.changes)
    undoing = BulkJob(action=BulkAction.UNDO, entity=job.entity, params={}, record_ids=ids,
                      total=len(ids), undoes=job, created_by_id=actor.id)
    db.session.add(undoing)
    try:
        db.session.commit()
    except IntegrityError as twice:  # another request undid it a moment ago
        db.session.rollback()
        raise ServiceError(_l("This bulk action was already undone.")) from twice
    _launch(undoing)
    return undoing


def _launch(job: BulkJob) -> None:
    if job.total <= INLINE_UP_TO:
        run(job.id)
    else:
        enqueue("bulk.run", job.id)


def run(job_id: int) -> None:
    """The task: every record of the job, progress saved as it goes."""
    job = db.session.get(BulkJob, job_id)
    if job is None or job.status != BulkStatus.WAITING:
        return
    job.status = BulkStatus.RUNNING
    db.session.commit()
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        _run(job)  # the actor and the stage are not read again after each record's commit
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


def _step_of(job: BulkJob, entity: Entity):
    """The shared state of the job's records, the change made to each, and the permission
    each is checked against (an undo: those of the job it undoes)."""
    action = job.undoes.action if job.action == BulkAction.UNDO else job.action
    refused = "refused" if action == BulkAction.MOVE else "rule"
    if job.action != BulkAction.UNDO:
        return (Run(job.created_by, entity, dict(job.params), cache={"refused": refused}),
                ACTIONS[action], permission_of(entity, action))
    undone = job.undoes
    cache = {"before": dict(undone.changes), "job_id": undone.id, "action": action,
             "refused": refused}
    return (Run(job.created_by, entity, dict(undone.params), cache=cache), undo.revert,
            permission_of(entity, action))


def _run(job: BulkJob) -> None:
    """Counts are kept here, not on the job, and saved with the progress: a refused record
    rolls back only what was pending, never the counting."""
    entity = ENTITIES[job.entity]
    state, step, permission = _step_of(job, entity)
    done, skipped, reasons, ids = 0, 0, {}, list(job.record_ids)  # read once
    for start_at in range(0, len(ids), PROGRESS_EVERY):
        chunk = ids[start_at:start_at + PROGRESS_EVERY]
        loaded = {r.id: r for r in db.session.scalars(
            db.select(entity.model).where(entity.model.id.in_(chunk))
            .options(*entity.load()))}
        for record_id in chunk:
            reason = _apply(state, permission, step, loaded.get(record_id))
            if reason is None:
                done += 1
            else:
                skipped += 1
                reasons[reason] = reasons.get(reason, 0) + 1
        job.done, job.skipped, job.reasons = done, skipped, dict(reasons)
        job.changes = dict(state.changes)
        db.session.commit()


def _apply(state: Run, permission: str, step, record) -> str | None:
    """Change one record; None when done, else why it was skipped."""
    if record is None:
        return "missing"
    if record.archived_at is not None:
        return "archived"
    if not can(state.actor, permission, record):
        return "not-allowed"
    try:
        return step(state, record)
    except ServiceError:
        db.session.rollback()
        return state.cache["refused"]
