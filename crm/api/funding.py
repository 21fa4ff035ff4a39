"""/api/v1/funding-opportunities: list and read (staff); create one for a project, update it
with its version, change its status, by those who may edit the project's funding."""

from marshmallow import ValidationError, fields

from crm.api.auth import actor, api_require
from crm.api.common import live_record, merged
from crm.api.fields import MESSAGES, ApiSchema, enum, figure, record_id, text, version
from crm.api.paging import found, one_response
from crm.api.readonly import columns_schema, read_only
from crm.auth.permissions import ensure
from crm.funding import services
from crm.funding.models import FundingOpportunity, Instrument, OpportunityStatus
from crm.projects.services import get_project, list_officers

OpportunityOut = columns_schema(FundingOpportunity, "FundingOpportunity")
bp = read_only("opportunities", "funding-opportunities", FundingOpportunity, "funding.view",
               "Funding opportunities of projects (amounts in MAD, as decimal texts): "
               "created and changed by those who may edit the project's funding.",
               {"project_id": FundingOpportunity.project_id,
                "status": FundingOpportunity.status}, schema=OpportunityOut)
CONFIRM = {"description": "Say yes to a committed amount above the amount requested."}


class OpportunityFields(ApiSchema):
    funder_id = record_id()
    instrument = enum(Instrument)
    status = enum(OpportunityStatus)
    amount_requested = figure()
    amount_committed = figure()
    amount_disbursed = figure()
    applied_on = fields.Date(allow_none=True)
    committed_on = fields.Date(allow_none=True)
    disbursed_on = fields.Date(allow_none=True)
    declined_on = fields.Date(allow_none=True)
    decline_reason = text(length=5000)
    officer_id = record_id(allow_none=True)
    notes = text(length=20_000)
    confirm_over_request = fields.Boolean(metadata=CONFIRM)


class OpportunityCreate(OpportunityFields):
    project_id = record_id(required=True)
    funder_id = record_id(required=True)
    instrument = enum(Instrument, required=True)


class OpportunityUpdate(OpportunityFields):
    version = version(required=True)


class StatusIn(ApiSchema):
    status = enum(OpportunityStatus, required=True)
    decline_reason = text(length=5000, metadata={"description": "Required to decline."})
    amount_committed = figure(metadata={"description": "Required to commit."})
    amount_disbursed = figure(metadata={"description": "Required to disburse."})
    confirm_over_request = fields.Boolean(metadata=CONFIRM)
    version = version(required=True)


def _editable(opportunity_id: int) -> FundingOpportunity:
    """The opportunity, when the user may edit its project's funding (404 otherwise)."""
    opportunity = found(services.get_opportunity(opportunity_id))
    ensure(actor(), "funding.edit", opportunity)
    return opportunity


def _check_choices(data: dict, saved: FundingOpportunity | None = None) -> None:
    """A funder that is live and an officer who may be given projects (or the saved ones,
    as the form keeps them listed): anything else would break a foreign key, not a rule."""
    refused = str(MESSAGES["Must be one of:"])
    allowed = {"funder_id": {funder_id for funder_id, _name in services.funder_choices()},
               "officer_id": {officer.id for officer in list_officers()} | {None}}
    for name, choices in allowed.items():
        if name in data and data[name] not in choices | {getattr(saved, name, None)}:
            raise ValidationError({name: [refused]})


def _changes(opportunity: FundingOpportunity, data: dict) -> dict:
    """The service's arguments for an edit: the fields sent over the saved ones; the
    confirmation stays given when the saved amounts needed it (as the edit form ticks it)."""
    over = opportunity.amount_committed > opportunity.amount_requested
    return merged(opportunity, services.OPPORTUNITY_FIELDS, data) | {
        "confirm_over_request": data.get("confirm_over_request", over)}


@bp.post("", endpoint="create_opportunity")
@api_require("funding.edit")
@bp.arguments(OpportunityCreate)
@bp.response(201, OpportunityOut)
def create_opportunity(data: dict):
    """A funding opportunity of a live project one may edit (404 for another one); the
    officer is the project's unless given."""
    project = live_record(get_project, data.pop("project_id"), "project_id")
    ensure(actor(), "funding.edit", project)
    _check_choices(data)
    data.setdefault("officer_id", project.officer_id)
    opportunity = services.create_opportunity(actor(), project, **data)
    return one_response(opportunity, OpportunityOut(), 201)


@bp.patch("/<int:opportunity_id>", endpoint="update_opportunity")
@api_require("funding.edit", record=_editable)
@bp.arguments(OpportunityUpdate)
@bp.response(200, OpportunityOut)
def update_opportunity(data: dict, opportunity_id: int):
    """Change the fields sent; `version` is the one read (409 when it is stale)."""
    opportunity = _editable(opportunity_id)
    _check_choices(data, opportunity)
    services.update_opportunity(actor(), opportunity, data.pop("version"),
                                **_changes(opportunity, data))
    return one_response(opportunity, OpportunityOut())


@bp.post("/<int:opportunity_id>/status", endpoint="change_opportunity_status")
@api_require("funding.edit", record=_editable)
@bp.arguments(StatusIn)
@bp.response(200, OpportunityOut)
def change_opportunity_status(data: dict, opportunity_id: int):
    """Move the opportunity to another status, with what that status needs (the reason it
    was declined, the amount committed or disbursed); the date reached is today's."""
    opportunity = _editable(opportunity_id)
    services.update_opportunity(actor(), opportunity, data.pop("version"),
                                **_changes(opportunity, data))
    return one_response(opportunity, OpportunityOut())
