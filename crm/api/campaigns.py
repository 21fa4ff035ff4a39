"""/api/v1/campaigns: list and read (staff); open the crowdfunding campaign of an opportunity,
change its goal, dates or address, and post where it stands (amount raised, backers), by
those who may edit the project's funding, as the campaign pages do."""

from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

from crm.api.auth import actor, api_require
from crm.api.common import live_record
from crm.api.fields import ApiSchema, figure, record_id, text, version
from crm.api.paging import found, one_response
from crm.api.readonly import columns_schema, read_only
from crm.auth.permissions import ensure
from crm.common.ids import INTEGER_MAX
from crm.common.records import check_version
from crm.funding import services
from crm.funding.models import CrowdfundingCampaign

CampaignOut = columns_schema(CrowdfundingCampaign, "CrowdfundingCampaign")
bp = read_only("campaigns", "campaigns", CrowdfundingCampaign, "funding.view",
               "Crowdfunding campaigns (amounts in MAD, as decimal texts): opened and "
               "updated by those who may edit the project's funding.",
               {"opportunity_id": CrowdfundingCampaign.opportunity_id}, schema=CampaignOut)


def _count(value: int) -> None:
    """A count the integer columns hold; the service refuses a negative one on its field."""
    if value > INTEGER_MAX:
        raise ValidationError(_l("Give a whole number."))


class CampaignCreate(ApiSchema):
    opportunity_id = record_id(required=True)
    goal = figure(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    url = text(CrowdfundingCampaign.url)


class CampaignEdit(ApiSchema):
    goal = figure()
    starts_on = fields.Date()
    ends_on = fields.Date()
    url = text(CrowdfundingCampaign.url)
    version = version(required=True)


class CampaignUpdateIn(ApiSchema):
    on = fields.Date(metadata={"description": "The day of the figures; today when left out."})
    raised = figure(required=True)
    backers = fields.Integer(strict=True, load_default=0, validate=[_count])
    version = version(required=True)


def _editable(campaign_id: int) -> CrowdfundingCampaign:
    """The campaign, when the user may edit its opportunity's funding (404 otherwise)."""
    campaign = found(services.get_campaign(campaign_id))
    ensure(actor(), "funding.edit", campaign.opportunity)
    return campaign


@bp.post("", endpoint="create_campaign")
@api_require("funding.edit")
@bp.arguments(CampaignCreate)
@bp.response(201, CampaignOut)
def create_campaign(data: dict):
    """The campaign of a crowdfunding opportunity one may edit (404 for another one); an
    opportunity has at most one."""
    opportunity = live_record(services.get_opportunity, data.pop("opportunity_id"),
                              "opportunity_id")
    ensure(actor(), "funding.edit", opportunity)
    campaign = services.create_campaign(actor(), opportunity, **data)
    return one_response(campaign, CampaignOut(), 201)


@bp.patch("/<int:campaign_id>", endpoint="update_campaign")
@api_require("funding.edit", record=_editable)
@bp.arguments(CampaignEdit)
@bp.response(200, CampaignOut)
def update_campaign(data: dict, campaign_id: int):
    """Change the fields sent (the goal above zero, the end not before the start); `version`
    is the one read (409 when it is stale)."""
    campaign = _editable(campaign_id)
    services.update_campaign(actor(), campaign, data.pop("version"), **data)
    return one_response(campaign, CampaignOut())


@bp.post("/<int:campaign_id>/updates", endpoint="add_campaign_update")
@api_require("funding.edit", record=_editable)
@bp.arguments(CampaignUpdateIn)
@bp.response(201, CampaignOut)
def add_campaign_update(data: dict, campaign_id: int):
    """Where the campaign stands on a day; the latest day's figures become the campaign's
    (answered). `version` is the campaign's as read: a stale one gets 409, as the figures
    change the campaign."""
    campaign = _editable(campaign_id)
    check_version(campaign, data.pop("version"))
    services.record_campaign_update(actor(), campaign, data.get("on") or date.today(),
                                    data["raised"], data["backers"])
    return one_response(campaign, CampaignOut(), 201)
