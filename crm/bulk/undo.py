"""Undoing a bulk job, record by record: what the job changed is put back through the same
services (so the history records the undo too), unless the record changed again since, which
is never overwritten.

Adding people to a forum session is not undone: the forums domain removes no participation
(one is corrected, and the forum's figures count it). Follow-ups planned in bulk are
cancelled rather than deleted: cancelling is what the follow-ups service offers, and a
follow-up keeps its history (created, perhaps rescheduled or reminded); a cancelled one still
says it was planned and given up. Those closed since are left alone."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from crm.auth.permissions import can
from crm.bulk.actions import Run, change_tag, has_tag, officer_of
from crm.bulk.models import BulkAction, BulkJob, BulkStatus
from crm.common.time import utcnow
from crm.followups import services as followups
from crm.followups.models import FollowUpStatus
from crm.pipeline import services as pipeline
from crm.projects import services as projects

UNDO_WITHIN = timedelta(days=7)
UNDOABLE = (BulkAction.MOVE, BulkAction.ASSIGN, BulkAction.TAG, BulkAction.UNTAG,
            BulkAction.FOLLOW_UP)


def undoable(job: BulkJob) -> bool:
    """Finished, of a kind that is undone, having changed something, not undone yet, and
    recent enough that putting things back still makes sense."""
    return (job.status == BulkStatus.DONE and job.action in UNDOABLE and bool(job.changes)
            and job.undone_by is None and job.finished_at is not None
            and utcnow() - job.finished_at <= UNDO_WITHIN)


def _before(run: Run, record):
    """What the record was before the undone job changed it."""
    return run.cache["before"][str(record.id)]


def _move_back(run: Run, project) -> str | None:
    """Back to the stage it left, if it is still where the job put it; the pipeline's rules
    apply as to any move (a stage no longer in use refuses it)."""
    if project.stage.code != run.params["stage"]:
        return "changed-since"
    try:
        stage = pipeline.get_stage(_before(run, project))
    except LookupError:
        return "refused"
    note = _l("Bulk action %(number)s undone", number=run.cache["job_id"])
    pipeline.move_project(run.actor, project, stage, str(note))
    return None


def _assign_back(run: Run, project) -> str | None:
    if project.officer_id != (run.params.get("officer_id") or None):
        return "changed-since"
    projects.assign_officer(run.actor, project, officer_of(_before(run, project)))
    return None


def _tag_back(run: Run, record, had: bool) -> str | None:
    """Remove the tag the job added (or add back the one it removed), if still so."""
    if has_tag(record, run.params["tag"].strip()) == had:
        return "changed-since"
    change_tag(run, record, had)
    return None


def _cancel_follow_up(run: Run, project) -> str | None:
    followup = followups.get_followup(_before(run, project))
    if followup is None:
        return "missing"
    if followup.status != FollowUpStatus.OPEN:
        return "changed-since"
    if not can(run.actor, "followup.edit", followup):
        return "not-allowed"
    followups.cancel_followup(run.actor, followup)
    return None


REVERTS = {
    BulkAction.MOVE: _move_back,
    BulkAction.ASSIGN: _assign_back,
    BulkAction.TAG: lambda run, record: _tag_back(run, record, had=False),
    BulkAction.UNTAG: lambda run, record: _tag_back(run, record, had=True),
    BulkAction.FOLLOW_UP: _cancel_follow_up,
}


def revert(run: Run, record) -> str | None:
    """Undo the job's change to one record; the undo job notes what it put back."""
    reason = REVERTS[run.cache["action"]](run, record)
    if reason is None:
        run.changes[str(record.id)] = _before(run, record)
    return reason
