"""/api/v1/followups: list and read (staff), plan one on a person, organization or project,
reschedule or reassign it, mark it done with its outcome, cancel it."""

from marshmallow import fields

from crm.api.auth import actor, api_require
from crm.api.common import TargetIds, targets
from crm.api.fields import ApiSchema, enum, record_id, text, version
from crm.api.paging import found, one_response
from crm.api.readonly import columns_schema, read_only
from crm.auth.permissions import ensure
from crm.followups import services
from crm.followups.models import FollowUp, FollowUpKind

FollowUpOut = columns_schema(FollowUp, "FollowUp")
bp = read_only("followups", "followups", FollowUp, "followup.view",
               "Follow-ups owed to people, organizations and projects: plan, reschedule, "
               "close them.",
               {"project_id": FollowUp.project_id, "organization_id": FollowUp.organization_id,
                "person_id": FollowUp.person_id, "assignee_id": FollowUp.assignee_id,
                "status": FollowUp.status}, schema=FollowUpOut)


class FollowUpCreate(TargetIds):
    kind = enum(FollowUpKind, required=True)
    title = text(FollowUp.title, required=True)
    due_on = fields.Date(required=True)
    assignee_id = record_id(metadata={"description": "Who will do it (you when not given)."})
    shared = fields.Boolean(load_default=False, metadata={
        "description": "Shown to the innovators of the organization or project."})


class FollowUpReschedule(ApiSchema):
    due_on = fields.Date()
    assignee_id = record_id()
    version = version(required=True)


class FollowUpComplete(ApiSchema):
    outcome = text(length=5000, required=True, metadata={
        "description": "What came of it; kept as an interaction on the same record."})
    done_on = fields.Date(metadata={"description": "Today when not given."})
    version = version(required=True)


class FollowUpCancel(ApiSchema):
    version = version(load_default=None)


def _editable(followup_id: int) -> FollowUp:
    """Officers close and reschedule their own follow-ups, admins anyone's (404 otherwise)."""
    followup = found(services.get_followup(followup_id))
    ensure(actor(), "followup.edit", followup)
    return followup


def _assignee(assignee_id: int | None):
    """The user named (None when there is no such user: the service says who may be)."""
    return services.get_assignee(assignee_id) if assignee_id else None


@bp.post("", endpoint="create_followup")
@api_require("followup.create")
@bp.arguments(FollowUpCreate)
@bp.response(201, FollowUpOut)
def create_followup(data: dict):
    """Plan a follow-up owed to a live person, organization or project."""
    user = actor()
    assignee = _assignee(data.get("assignee_id", user.id))
    followup = services.create_followup(user, assignee, data["kind"], data["title"],
                                        data["due_on"], shared=data["shared"],
                                        **targets(data))
    return one_response(followup, FollowUpOut(), 201)


@bp.patch("/<int:followup_id>", endpoint="reschedule_followup")
@api_require("followup.edit", record=_editable)
@bp.arguments(FollowUpReschedule)
@bp.response(200, FollowUpOut)
def reschedule_followup(data: dict, followup_id: int):
    """Move the due date and/or give it to someone else (the fields not sent stay)."""
    followup = _editable(followup_id)
    assignee = _assignee(data.get("assignee_id", followup.assignee_id))
    services.reschedule_followup(actor(), followup, data.get("due_on", followup.due_on),
                                 assignee, expected_version=data["version"])
    return one_response(followup, FollowUpOut())


@bp.post("/<int:followup_id>/complete", endpoint="complete_followup")
@api_require("followup.edit", record=_editable)
@bp.arguments(FollowUpComplete)
@bp.response(200, FollowUpOut)
def complete_followup(data: dict, followup_id: int):
    """Mark it done; its outcome becomes an interaction (`interaction_id`)."""
    followup = _editable(followup_id)
    services.complete_followup(actor(), followup, data["outcome"],
                               expected_version=data["version"], done_on=data.get("done_on"))
    return one_response(followup, FollowUpOut())


@bp.post("/<int:followup_id>/cancel", endpoint="cancel_followup")
@api_require("followup.edit", record=_editable)
@bp.arguments(FollowUpCancel)
@bp.response(200, FollowUpOut)
def cancel_followup(data: dict, followup_id: int):
    """Cancel an open follow-up (`version`, when sent, must be the saved one)."""
    followup = _editable(followup_id)
    services.cancel_followup(actor(), followup, expected_version=data["version"])
    return one_response(followup, FollowUpOut())
