"""/api/v1/interactions: list and read (staff), and log one (a meeting held, a call made) on
a person, an organization and/or a project."""

from marshmallow import fields

from crm.api.auth import actor, api_require
from crm.api.common import TargetIds, targets
from crm.api.fields import enum, text
from crm.api.paging import one_response
from crm.api.readonly import columns_schema, read_only
from crm.interactions import services
from crm.interactions.models import Interaction, InteractionKind

InteractionOut = columns_schema(Interaction, "Interaction")
bp = read_only("interactions", "interactions", Interaction, "project.view",
               "What happened: meetings held, calls made.",
               {"project_id": Interaction.project_id,
                "organization_id": Interaction.organization_id,
                "person_id": Interaction.person_id}, schema=InteractionOut)


class InteractionCreate(TargetIds):
    kind = enum(InteractionKind, required=True)
    occurred_on = fields.Date(required=True, metadata={"description": "Today or before."})
    summary = text(Interaction.summary, required=True)
    notes = text(length=5000, load_default="")


@bp.post("", endpoint="log_interaction")
@api_require("interaction.create")
@bp.arguments(InteractionCreate)
@bp.response(201, InteractionOut)
def log_interaction(data: dict):
    """Record what happened; it counts as the project's latest activity."""
    interaction = services.log_interaction(actor(), data["kind"], data["occurred_on"],
                                           data["summary"], data["notes"], **targets(data))
    return one_response(interaction, InteractionOut(), 201)
