"""Funding by instrument and status, and how crowdfunding campaigns end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func

from crm.extensions import db
from crm.funding import services as funding_services
from crm.funding.models import CrowdfundingCampaign, FundingOpportunity, Instrument
from crm.funding.models import OpportunityStatus as Status
from crm.projects.models import Project
from crm.reports.filters import ReportFilters, project_conditions, scoped_project_ids
from crm.reports.tables import Chart, Column, ReportTable, share

ZERO = Decimal("0")


def funding(filters: ReportFilters) -> ReportTable:
    """Sums by instrument and status, with what crowdfunding campaigns raised from their
    backers and the secured amounts (`funding.secured_amount`: raised money counted once);
    with a period, the opportunities applied for in it."""
    opp = FundingOpportunity
    query = (db.select(opp.instrument, opp.status, func.count(), func.sum(opp.amount_requested),
                       func.sum(opp.amount_committed), func.sum(opp.amount_disbursed),
                       func.sum(CrowdfundingCampaign.raised),
                       func.sum(funding_services.secured_amount()))
             .outerjoin(opp.campaign)
             .where(opp.project_id.in_(scoped_project_ids(filters)),
                    *filters.within_dates(opp.applied_on))
             .group_by(opp.instrument, opp.status))
    found = {(i, s): (n, *(amount or ZERO for amount in amounts))
             for i, s, n, *amounts in db.session.execute(query)}
    rows = [[instrument.label, status.label, *found[(instrument, status)]]
            for instrument in Instrument for status in Status if (instrument, status) in found]
    by_instrument = {}
    for (instrument, _status), (_n, *amounts) in found.items():
        sums = by_instrument.setdefault(instrument, [ZERO] * 5)
        for index, amount in enumerate(amounts):
            sums[index] += amount
    labels = [i for i in Instrument if i in by_instrument]
    series = [{"label": label, "values": [by_instrument[i][index] for i in labels]}
              for index, label in enumerate((_("Requested"), _("Committed"), _("Disbursed"),
                                             _("Raised by crowdfunding"), _("Secured")))]
    return ReportTable(
        columns=[Column("instrument", _("Instrument")), Column("status", _("Status")),
                 Column("count", _("Opportunities"), "int"),
                 Column("requested", _("Requested"), "money"),
                 Column("committed", _("Committed"), "money"),
                 Column("disbursed", _("Disbursed"), "money"),
                 Column("raised", _("Raised by crowdfunding"), "money"),
                 Column("secured", _("Secured"), "money")],
        rows=rows,
        chart=Chart("bar", [i.label for i in labels], series,
                    _("Amounts requested, committed and disbursed by instrument; the numbers "
                      "are in the table.")),
        notes=[_("With a period: the opportunities applied for during it."),
               _("Raised by crowdfunding: what the campaigns report from their backers; it "
                 "counts as disbursed once the platform pays it out."),
               _("Secured: the disbursed amount, or what its campaign raised from the backers "
                 "when that is more (counted once, never added); nothing raised counts for a "
                 "declined opportunity.")])


def crowdfunding(filters: ReportFilters, today: date | None = None) -> ReportTable:
    """Campaigns that ended (in the period): how many reached their goal, by instrument.

    Joined to the projects rather than `IN (their ids)`: SQLite then reads the few campaigns
    first instead of every project's opportunities."""
    today = today or date.today()
    campaign, opp = CrowdfundingCampaign, FundingOpportunity
    succeeded = func.sum(case((campaign.raised >= campaign.goal, 1), else_=0))
    query = (db.select(opp.instrument, func.count(), succeeded, func.sum(campaign.goal),
                       func.sum(campaign.raised))
             .join(opp, opp.id == campaign.opportunity_id)
             .join(Project, Project.id == opp.project_id)
             .where(*project_conditions(filters), campaign.ends_on < today,
                    *filters.within_dates(campaign.ends_on))
             .group_by(opp.instrument))
    found = {i: (n, int(ok or 0), goal or ZERO, raised or ZERO)
             for i, n, ok, goal, raised in db.session.execute(query)}
    rows = [[i.label, n, ok, share(ok, n), goal, raised]
            for i in Instrument if i in found for n, ok, goal, raised in [found[i]]]
    if rows:
        n, ok = sum(r[1] for r in rows), sum(r[2] for r in rows)
        rows.append([_("All campaigns"), n, ok, share(ok, n),
                     sum((r[4] for r in rows), ZERO), sum((r[5] for r in rows), ZERO)])
    return ReportTable(
        columns=[Column("instrument", _("Instrument")),
                 Column("ended", _("Campaigns ended"), "int"),
                 Column("succeeded", _("Reached their goal"), "int"),
                 Column("rate", _("Success rate (%)"), "percent"),
                 Column("goal", _("Goals"), "money"), Column("raised", _("Raised"), "money")],
        rows=rows,
        chart=Chart("bar", [r[0] for r in rows], [{"label": _("Success rate (%)"),
                                                   "values": [r[3] for r in rows]}],
                    _("Share of the ended campaigns that reached their goal; the numbers are "
                      "in the table.")),
        notes=[_("Campaigns over by today (ended during the period when one is chosen); a "
                 "campaign succeeds when it raised at least its goal.")])
