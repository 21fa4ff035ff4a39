"""Funders, opportunities and campaigns: the money rules, and totals computed in SQL."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func

from crm.audit import services as audit
from crm.common.listing import ListParams, order_by
from crm.common.money import to_decimal
from crm.common.records import (
    archive_record,
    commit_or_conflict,
    restore_record,
    update_record,
)
from crm.errors import ServiceError
from crm.extensions import db
from crm.funding.models import (
    CampaignUpdate,
    CrowdfundingCampaign,
    Funder,
    FunderKind,
    FundingOpportunity,
    Instrument,
    OpportunityStatus,
)
from crm.projects.models import Project
from crm.webhooks import events as webhooks

ZERO = Decimal("0.00")
FUNDER_FIELDS = ["name", "name_arabic", "kind", "organization_id", "website", "notes"]
OPPORTUNITY_FIELDS = ["funder_id", "instrument", "status", "amount_requested",
                      "amount_committed", "amount_disbursed", "applied_on", "committed_on",
                      "disbursed_on", "declined_on", "decline_reason", "officer_id", "notes"]
FUNDER_FILTERS = ("kind", "archived")
FUNDER_SORTS = {"name": Funder.name, "kind": Funder.kind, "created": Funder.created_at}


# -- funders -------------------------------------------------------------------------------

def _clean_funder(data: dict) -> dict:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if not data.get("name") and not data.get("name_arabic"):
        raise ServiceError(_l("Give the name in Latin or in Arabic script."), field="name")
    return data


def create_funder(actor, **data) -> Funder:
    funder = Funder(**_clean_funder(data))
    db.session.add(funder)
    db.session.flush()
    audit.record(actor, "create", "funder", funder.id, audit.snapshot(funder, FUNDER_FIELDS))
    db.session.commit()
    return funder


def update_funder(actor, funder: Funder, expected_version, **data) -> dict:
    changes = update_record(actor, funder, "funder", expected_version, _clean_funder(data))
    commit_or_conflict(funder)
    return changes


def archive_funder(actor, funder: Funder) -> None:
    archive_record(actor, funder, "funder")


def restore_funder(actor, funder: Funder) -> None:
    restore_record(actor, funder, "funder")


def set_funder_contacts(actor, funder: Funder, people: list) -> None:
    old = sorted(p.id for p in funder.contacts)
    funder.contacts = people
    new = sorted(p.id for p in people)
    if old != new:
        audit.record(actor, "update", "funder", funder.id, {"contacts": [old, new]})
    db.session.commit()


def add_funder_contact(actor, funder: Funder, person) -> None:
    """Make `person` one of the funder's contact people."""
    if person in funder.contacts:
        raise ServiceError(_l("%(person)s is already a contact of this funder.",
                              person=person.display_name))
    set_funder_contacts(actor, funder, [*funder.contacts, person])


def remove_funder_contact(actor, funder: Funder, person) -> None:
    set_funder_contacts(actor, funder, [p for p in funder.contacts if p.id != person.id])


def list_funders(params: ListParams):
    query = db.select(Funder)
    f = params.filters
    query = query.where(Funder.archived_at.is_not(None) if f.get("archived") == "1"
                        else Funder.archived_at.is_(None))
    if f.get("kind") in FunderKind._value2member_map_:
        query = query.where(Funder.kind == FunderKind(f["kind"]))
    if params.q:
        like = f"%{params.q}%"
        query = query.where(Funder.name.ilike(like) | Funder.name_arabic.ilike(like))
    query = query.options(db.joinedload(Funder.organization))
    return order_by(query, params, FUNDER_SORTS, "name", Funder.id)


def funder_rows(query) -> Iterator[list]:
    """The export rows of a funders list (same select as the page); dates stay dates."""
    for f in db.session.scalars(query.options(db.selectinload(Funder.contacts))):
        yield [f.id, f.name, f.name_arabic, f.kind.label,
               f.organization.display_name if f.organization else "", f.website,
               "; ".join(p.display_name for p in f.contacts),
               f.archived_at.date() if f.archived_at else ""]


def funder_choices() -> list[tuple[int, str]]:
    query = db.select(Funder).where(Funder.archived_at.is_(None)).order_by(Funder.name)
    return [(f.id, f.display_name) for f in db.session.scalars(query)]


def get_funder(funder_id: int) -> Funder | None:
    return db.session.get(Funder, funder_id, options=[db.selectinload(Funder.contacts),
                                                      db.joinedload(Funder.organization)])


# -- opportunities -------------------------------------------------------------------------

def _check_amounts(data: dict, confirm_over_request: bool) -> None:
    for name in ("amount_requested", "amount_committed", "amount_disbursed"):
        if data[name] < ZERO:
            raise ServiceError(_l("An amount cannot be negative."), field=name)
    if data["amount_committed"] > data["amount_requested"] and not confirm_over_request:
        raise ServiceError(_l("The committed amount is above the amount requested. Tick the "
                              "confirmation if this is right."), field="amount_committed")
    if data["amount_disbursed"] > data["amount_committed"]:
        raise ServiceError(_l("The disbursed amount cannot be above the committed amount."),
                           field="amount_disbursed")


def _check_status(data: dict) -> None:
    status = data["status"]
    if status == OpportunityStatus.DECLINED and not data.get("decline_reason"):
        raise ServiceError(_l("Give the reason it was declined."), field="decline_reason")
    if status in (OpportunityStatus.COMMITTED, OpportunityStatus.DISBURSED) and \
            data["amount_committed"] <= ZERO:
        raise ServiceError(_l("A committed opportunity needs the committed amount."),
                           field="amount_committed")
    if status == OpportunityStatus.DISBURSED and data["amount_disbursed"] <= ZERO:
        raise ServiceError(_l("A disbursed opportunity needs the disbursed amount."),
                           field="amount_disbursed")
    today = date.today()
    for state, field in ((OpportunityStatus.APPLIED, "applied_on"),
                         (OpportunityStatus.COMMITTED, "committed_on"),
                         (OpportunityStatus.DISBURSED, "disbursed_on"),
                         (OpportunityStatus.DECLINED, "declined_on")):
        if status == state and not data.get(field):
            data[field] = today  # the date the status was reached, unless given


def _clean_opportunity(data: dict, confirm_over_request: bool) -> dict:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    for name in ("amount_requested", "amount_committed", "amount_disbursed"):
        data[name] = to_decimal(data.get(name))
    data["status"] = OpportunityStatus(data.get("status") or OpportunityStatus.PROSPECT)
    data["instrument"] = Instrument(data["instrument"])
    _check_amounts(data, confirm_over_request)
    _check_status(data)
    return data


def create_opportunity(actor, project: Project, confirm_over_request: bool = False,
                       **data) -> FundingOpportunity:
    """A funding opportunity for a project (the money rules are enforced here)."""
    data = _clean_opportunity(data, confirm_over_request)
    opportunity = FundingOpportunity(project=project, **data)
    db.session.add(opportunity)
    db.session.flush()
    audit.record(actor, "create", "funding_opportunity", opportunity.id,
                 {**audit.snapshot(opportunity, OPPORTUNITY_FIELDS),
                  "project_id": [None, project.id]})
    db.session.commit()
    return opportunity


def update_opportunity(actor, opportunity: FundingOpportunity, expected_version,
                       confirm_over_request: bool = False, **data) -> dict:
    data = _clean_opportunity(data, confirm_over_request)
    changes = update_record(actor, opportunity, "funding_opportunity", expected_version, data)
    if "status" in changes:
        webhooks.emit("funding.status_changed", opportunity)
    commit_or_conflict(opportunity)
    return changes


def get_opportunity(opportunity_id: int) -> FundingOpportunity | None:
    return db.session.get(FundingOpportunity, opportunity_id, options=[
        db.joinedload(FundingOpportunity.funder), db.joinedload(FundingOpportunity.project),
        db.joinedload(FundingOpportunity.campaign)])


def opportunities(project_id=None, organization_id=None, funder_id=None):
    query = (db.select(FundingOpportunity)
             .options(db.joinedload(FundingOpportunity.funder),
                      db.joinedload(FundingOpportunity.project).joinedload(Project.organization),
                      db.joinedload(FundingOpportunity.officer),
                      db.joinedload(FundingOpportunity.campaign))
             .order_by(FundingOpportunity.status, FundingOpportunity.id))
    return list(db.session.scalars(_scoped(query, project_id, organization_id, funder_id)))


def opportunities_of_projects(project_ids: list[int]) -> list[FundingOpportunity]:
    """The opportunities of several projects at once (an innovator's portal), with funders."""
    query = (db.select(FundingOpportunity)
             .where(FundingOpportunity.project_id.in_(project_ids))
             .options(db.joinedload(FundingOpportunity.funder))
             .order_by(FundingOpportunity.status, FundingOpportunity.id))
    return list(db.session.scalars(query))


def _scoped(query, project_id, organization_id, funder_id):
    if project_id:
        query = query.where(FundingOpportunity.project_id == project_id)
    if funder_id:
        query = query.where(FundingOpportunity.funder_id == funder_id)
    if organization_id:
        query = query.where(FundingOpportunity.project_id.in_(
            db.select(Project.id).where(Project.organization_id == organization_id)))
    return query


def secured_amount():
    """SQL: an opportunity's secured amount, its campaign outer-joined. The money the project
    has got or is sure to get: the disbursed amount, or what its crowdfunding campaign raised
    from the backers when that is more (the platform pays it out later, and then it is the
    disbursed amount: counted once, never added). A declined opportunity's campaign counts
    for nothing. `FundingOpportunity.amount_secured` is the same rule for one opportunity."""
    opportunity = FundingOpportunity
    raised = func.coalesce(CrowdfundingCampaign.raised, ZERO)
    return case((and_(opportunity.status != OpportunityStatus.DECLINED,
                      raised > opportunity.amount_disbursed), raised),
                else_=opportunity.amount_disbursed)


def totals(group: str, project_id=None, organization_id=None, funder_id=None) -> list[dict]:
    """Sums of requested, committed and disbursed amounts, of what crowdfunding campaigns
    raised from their backers, and of the secured amounts (see `secured_amount`: what the
    campaigns raised counts there once), by "status" or "instrument", computed by the
    database."""
    column = FundingOpportunity.status if group == "status" else FundingOpportunity.instrument
    query = (db.select(column, func.count(), func.sum(FundingOpportunity.amount_requested),
                       func.sum(FundingOpportunity.amount_committed),
                       func.sum(FundingOpportunity.amount_disbursed),
                       func.sum(CrowdfundingCampaign.raised), func.sum(secured_amount()))
             .outerjoin(FundingOpportunity.campaign).group_by(column))
    rows = db.session.execute(_scoped(query, project_id, organization_id, funder_id)).all()
    return [{"key": key, "count": count, "requested": req or ZERO, "committed": com or ZERO,
             "disbursed": dis or ZERO, "raised": raised or ZERO, "secured": secured or ZERO}
            for key, count, req, com, dis, raised, secured in sorted(
                rows, key=lambda r: list(type(r[0])).index(r[0]))]


def grand_total(rows: list[dict]) -> dict:
    return {name: sum((r[name] for r in rows), ZERO)
            for name in ("requested", "committed", "disbursed", "raised", "secured")} | {
        "count": sum(r["count"] for r in rows)}


def funding_panel(project_id: int | None = None, organization_id: int | None = None,
                  funder_id: int | None = None) -> dict:
    """What a project, organization or funder page shows of funding: totals by status and by
    instrument, the grand total and each opportunity."""
    scope = {"project_id": project_id, "organization_id": organization_id,
             "funder_id": funder_id}
    by_status = totals("status", **scope)
    # which record the page is about, so that its own column is not repeated on each row
    about = next((name[:-3] for name, value in scope.items() if value), "all")
    return {"scope": about, "by_status": by_status,
            "by_instrument": totals("instrument", **scope), "total": grand_total(by_status),
            "opportunities": opportunities(**scope)}


# -- crowdfunding --------------------------------------------------------------------------

CAMPAIGN_FIELDS = ["goal", "starts_on", "ends_on", "url"]


def _clean_campaign(data: dict) -> dict:
    """The rules of a campaign, opened or changed: a goal above zero, an end after the start."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    data["goal"] = to_decimal(data["goal"])
    if data["goal"] <= ZERO:
        raise ServiceError(_l("The goal must be above zero."), field="goal")
    if data["ends_on"] < data["starts_on"]:
        raise ServiceError(_l("The campaign cannot end before it starts."), field="ends_on")
    return data


def create_campaign(actor, opportunity: FundingOpportunity, goal, starts_on: date,
                    ends_on: date, url: str = "") -> CrowdfundingCampaign:
    if not opportunity.instrument.is_crowdfunding:
        raise ServiceError(_l("Only a crowdfunding opportunity can have a campaign."))
    if opportunity.campaign is not None:
        raise ServiceError(_l("This opportunity already has its campaign."))
    campaign = CrowdfundingCampaign(opportunity=opportunity, **_clean_campaign(
        {"goal": goal, "starts_on": starts_on, "ends_on": ends_on, "url": url}))
    db.session.add(campaign)
    db.session.flush()
    audit.record(actor, "create", "campaign", campaign.id, audit.snapshot(
        campaign, CAMPAIGN_FIELDS))
    db.session.commit()
    return campaign


def update_campaign(actor, campaign: CrowdfundingCampaign, expected_version, **data) -> dict:
    """Change a campaign's goal, dates or page address (the fields not given stay), if
    `expected_version` is still the saved one (a ConflictError otherwise)."""
    unknown = set(data) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"update_campaign() got unknown fields {sorted(unknown)}")
    data = _clean_campaign({name: data.get(name, getattr(campaign, name))
                            for name in CAMPAIGN_FIELDS})
    changes = update_record(actor, campaign, "campaign", expected_version, data)
    commit_or_conflict(campaign)
    return changes


def record_campaign_update(actor, campaign: CrowdfundingCampaign, on: date, raised,
                           backers: int) -> CampaignUpdate:
    """Where the campaign stands on a day; the latest update is the campaign's figure."""
    raised = to_decimal(raised)
    if raised < ZERO:
        raise ServiceError(_l("An amount cannot be negative."), field="raised")
    if backers < 0:
        raise ServiceError(_l("The number of backers cannot be negative."), field="backers")
    if on < campaign.starts_on or on > date.today():
        raise ServiceError(_l("The date must be between the start of the campaign and today."),
                           field="on")
    update = CampaignUpdate(campaign=campaign, on=on, raised=raised, backers=backers)
    db.session.add(update)
    db.session.flush()
    latest = max(campaign.updates, key=lambda u: (u.on, u.id))
    changes = audit.apply_changes(campaign, {"raised": latest.raised, "backers": latest.backers})
    audit.record(actor, "update", "campaign", campaign.id,
                 {**changes, "on": [None, on.isoformat()]})
    commit_or_conflict(campaign)
    return update


def campaign_progress(campaign: CrowdfundingCampaign, today: date | None = None) -> dict:
    """Where the campaign stands against its goal and its dates (`ratio` 1 = the goal)."""
    today = today or date.today()
    percent = int(campaign.raised * 100 / campaign.goal) if campaign.goal else 0
    ratio = (campaign.raised / campaign.goal) if campaign.goal else ZERO
    return {"percent": percent, "ratio": ratio,
            "days_left": max(0, (campaign.ends_on - today).days),
            "started": today >= campaign.starts_on,
            "finished": today > campaign.ends_on,
            "succeeded": campaign.raised >= campaign.goal}


def get_campaign(campaign_id: int) -> CrowdfundingCampaign | None:
    return db.session.get(CrowdfundingCampaign, campaign_id, options=[
        db.selectinload(CrowdfundingCampaign.updates),
        db.joinedload(CrowdfundingCampaign.opportunity).joinedload(FundingOpportunity.funder),
        db.joinedload(CrowdfundingCampaign.opportunity).joinedload(FundingOpportunity.project)])
