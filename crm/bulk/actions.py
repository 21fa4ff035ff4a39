"""What a bulk action does to one record, through the service that changes it one at a time
(so its history records it). Each returns None when it changed the record, else why it was
skipped, and notes in `run.changes` what undoing the change will need."""

from dataclasses import dataclass, field
from datetime import date

from crm.auth.models import User
from crm.auth.permissions import can_be_assigned
from crm.bulk.entities import Entity
from crm.bulk.models import BulkAction
from crm.common.text import fold
from crm.extensions import db
from crm.followups import services as followups
from crm.followups.models import FollowUpKind
from crm.forums import services as forums
from crm.forums.models import ParticipationRole
from crm.pipeline import services as pipeline
from crm.projects import services as projects


@dataclass
class Run:
    """What the records of one job share: who acts, on which list, with what (and what was
    looked up once), and what the job changed so far (record id as text -> what undoing
    that change needs)."""

    actor: User
    entity: Entity
    params: dict
    changes: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)


def _move(run: Run, project) -> str | None:
    if "stage" not in run.cache:
        run.cache["stage"] = pipeline.get_stage(run.params["stage"])
    stage = run.cache["stage"]
    if project.stage_id == stage.id:
        return "already"
    before = project.stage.code
    pipeline.move_project(run.actor, project, stage, run.params.get("note", ""))
    run.changes[str(project.id)] = before
    return None


def officer_of(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


def _assign(run: Run, project) -> str | None:
    officer = officer_of(run.params.get("officer_id"))
    if project.officer_id == (officer.id if officer else None):
        return "already"
    before = project.officer_id
    projects.assign_officer(run.actor, project, officer)
    run.changes[str(project.id)] = before
    return None


def has_tag(record, tag: str) -> bool:
    return any(fold(t.name) == fold(tag) for t in record.tags)


def change_tag(run: Run, record, present: bool) -> bool:
    """Add or remove the job's tag through the record's own service; False when it already
    was so."""
    tag = run.params["tag"].strip()
    if has_tag(record, tag) == present:
        return False
    names = [t.name for t in record.tags]
    names = names + [tag] if present else [n for n in names if fold(n) != fold(tag)]
    run.entity.set_tags(run.actor, record, names)
    return True


def _tag(run: Run, record, present: bool = True) -> str | None:
    if not change_tag(run, record, present):
        return "already"
    run.changes[str(record.id)] = not present  # whether the record had the tag before
    return None


def _follow_up(run: Run, project) -> str | None:
    officer = project.officer if project.officer and can_be_assigned(project.officer) else None
    followup = followups.create_followup(
        run.actor, officer or run.actor, FollowUpKind(run.params.get("kind") or "call"),
        run.params["title"], date.fromisoformat(run.params["due_on"]), project=project)
    run.changes[str(project.id)] = followup.id
    return None


def _participate(run: Run, person) -> str | None:
    """List the person in the session; someone listed already (in any role) is so."""
    if "session" not in run.cache:  # looked up once a job, with who is listed already
        run.cache["session"] = session = forums.get_session(run.params["session_id"])
        run.cache["listed"] = set(forums.people_of_session(session)) if session else set()
    if run.cache["session"] is None:
        return "missing"
    if person.id in run.cache["listed"]:
        return "already"
    role = ParticipationRole(run.params.get("role") or "participant")
    participation = forums.add_participation(run.actor, run.cache["session"], person, role,
                                             bool(run.params.get("attended")))
    run.cache["listed"].add(person.id)
    run.changes[str(person.id)] = participation.id
    return None


ACTIONS = {
    BulkAction.MOVE: _move,
    BulkAction.ASSIGN: _assign,
    BulkAction.TAG: _tag,
    BulkAction.UNTAG: lambda run, record: _tag(run, record, present=False),
    BulkAction.FOLLOW_UP: _follow_up,
    BulkAction.PARTICIPATE: _participate,
}
