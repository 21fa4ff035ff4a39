"""The funding rules, proven through the services: money rules, status dates, exact totals,
crowdfunding campaigns and funders."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.common.listing import ListParams
from crm.common.records import ConflictError
from crm.errors import ServiceError
from crm.funding import services
from crm.funding.models import (
    CampaignUpdate,
    CrowdfundingCampaign,
    Funder,
    FunderKind,
    FundingOpportunity,
    Instrument,
    OpportunityStatus,
)
from tests.factories import (
    make_funder,
    make_opportunity,
    make_organization,
    make_person,
    make_project,
    make_user,
)

D = Decimal


def _count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _data(funder, **changes) -> dict:
    data = {"funder_id": funder.id, "instrument": "grant", "status": "prospect",
            "amount_requested": D("1000.00"), "amount_committed": D("0"),
            "amount_disbursed": D("0"), "applied_on": None, "committed_on": None,
            "disbursed_on": None, "declined_on": None, "decline_reason": "",
            "officer_id": None, "notes": ""}
    return data | changes


# --- the money rules --------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["amount_requested", "amount_committed", "amount_disbursed"])
def test_no_amount_may_be_negative(app, db, field):
    project, funder = make_project(), make_funder()
    with pytest.raises(ServiceError) as error:
        services.create_opportunity(None, project, **_data(funder, **{field: D("-0.01")}))
    assert error.value.field == field
    assert str(error.value.message) == "An amount cannot be negative."
    assert _count(db, FundingOpportunity) == 0


def test_committed_above_requested_needs_a_confirmation(app, db):
    project, funder = make_project(), make_funder()
    data = _data(funder, status="committed", amount_requested=D("1000.00"),
                 amount_committed=D("1000.01"))
    with pytest.raises(ServiceError) as error:
        services.create_opportunity(None, project, **data)
    assert error.value.field == "amount_committed"
    assert "above the amount requested" in str(error.value.message)
    assert _count(db, FundingOpportunity) == 0
    opportunity = services.create_opportunity(None, project, confirm_over_request=True, **data)
    assert opportunity.amount_committed == D("1000.01")


def test_committed_equal_to_requested_needs_no_confirmation(app):
    opportunity = services.create_opportunity(None, make_project(), **_data(
        make_funder(), status="committed", amount_committed=D("1000.00")))
    assert opportunity.amount_committed == opportunity.amount_requested


def test_disbursed_may_not_exceed_committed_even_when_confirmed(app, db):
    data = _data(make_funder(), status="disbursed", amount_committed=D("500.00"),
                 amount_disbursed=D("500.01"))
    with pytest.raises(ServiceError) as error:
        services.create_opportunity(None, make_project(), confirm_over_request=True, **data)
    assert error.value.field == "amount_disbursed"
    assert _count(db, FundingOpportunity) == 0


def test_a_declined_opportunity_needs_a_reason(app, db):
    with pytest.raises(ServiceError) as error:
        services.create_opportunity(None, make_project(), **_data(
            make_funder(), status="declined", decline_reason="   "))
    assert error.value.field == "decline_reason"
    assert _count(db, FundingOpportunity) == 0


@pytest.mark.parametrize("status, field", [("committed", "amount_committed"),
                                           ("disbursed", "amount_disbursed")])
def test_committed_and_disbursed_statuses_need_their_amount(app, db, status, field):
    data = _data(make_funder(), status=status,
                 amount_committed=D("0") if status == "committed" else D("800"))
    with pytest.raises(ServiceError) as error:
        services.create_opportunity(None, make_project(), **data)
    assert error.value.field == field
    assert _count(db, FundingOpportunity) == 0


def test_the_date_a_status_was_reached_defaults_to_today_and_keeps_a_given_one(app):
    project, funder = make_project(), make_funder()
    applied = services.create_opportunity(None, project, **_data(funder, status="applied"))
    assert applied.applied_on == date.today()
    declined = services.create_opportunity(None, project, **_data(
        funder, status="declined", decline_reason="Hors cible", declined_on=date(2024, 3, 1)))
    assert declined.declined_on == date(2024, 3, 1)
    assert declined.status is OpportunityStatus.DECLINED


def test_amounts_are_kept_to_the_centime(app, db):
    opportunity = make_opportunity(requested="1234567.89", committed="0.10")
    db.session.expire_all()
    saved = db.session.get(FundingOpportunity, opportunity.id)
    assert saved.amount_requested == D("1234567.89")
    assert saved.amount_committed == D("0.10")


def test_an_update_obeys_the_same_rules_and_changes_nothing_when_refused(app, db):
    officer = make_user(Role.OFFICER)
    opportunity = make_opportunity(requested="1000", status="applied")
    version = opportunity.version
    for changes in ({"amount_committed": D("2000"), "status": "committed"},
                    {"amount_disbursed": D("10")},
                    {"status": "declined"},
                    {"amount_requested": D("-5")}):
        with pytest.raises(ServiceError):
            services.update_opportunity(officer, opportunity, version, **_data(
                opportunity.funder, **{"status": "applied"} | changes))
    db.session.expire_all()
    saved = db.session.get(FundingOpportunity, opportunity.id)
    assert (saved.version, saved.status, saved.amount_requested) == (
        version, OpportunityStatus.APPLIED, D("1000.00"))
    services.update_opportunity(officer, saved, version, **_data(
        saved.funder, status="committed", amount_committed=D("900"), notes="Comité du 3 mai"))
    assert saved.committed_on == date.today() and saved.version == version + 1
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "funding_opportunity", AuditEntry.action == "update")).one()
    assert entry.changes["amount_committed"] == ["0.00", "900.00"]


def test_an_update_from_a_stale_form_is_refused(app, db):
    opportunity = make_opportunity(requested="1000")
    services.update_opportunity(None, opportunity, opportunity.version, **_data(
        opportunity.funder, notes="First save"))
    with pytest.raises(ConflictError):
        services.update_opportunity(None, opportunity, opportunity.version - 1, **_data(
            opportunity.funder, notes="Second save"))
    db.session.expire_all()
    assert db.session.get(FundingOpportunity, opportunity.id).notes == "First save"


# --- totals -----------------------------------------------------------------------------------

def test_totals_are_exact_sums_by_status_and_by_instrument(app):
    project = make_project()
    funder = make_funder()
    make_opportunity(project, funder, instrument="grant", requested="0.10")
    make_opportunity(project, funder, instrument="grant", requested="0.20")
    make_opportunity(project, funder, instrument="equity", status="committed",
                     requested="1234567.89", committed="1234567.89")
    by_status = {row["key"]: row for row in services.totals("status", project_id=project.id)}
    assert by_status[OpportunityStatus.PROSPECT]["requested"] == D("0.30")
    assert by_status[OpportunityStatus.PROSPECT]["count"] == 2
    assert by_status[OpportunityStatus.COMMITTED]["committed"] == D("1234567.89")
    by_instrument = services.totals("instrument", project_id=project.id)
    assert [row["key"] for row in by_instrument] == [Instrument.EQUITY, Instrument.GRANT]
    total = services.grand_total(by_instrument)
    assert total["requested"] == D("1234568.19") and total["count"] == 3
    assert services.grand_total(services.totals("status", project_id=project.id)) == total


def test_totals_are_scoped_to_a_project_an_organization_or_a_funder(app):
    organization = make_organization()
    first, second = make_project(organization=organization), make_project(
        organization=organization)
    elsewhere = make_project()
    funder, other_funder = make_funder(), make_funder()
    make_opportunity(first, funder, requested="100.01")
    make_opportunity(second, other_funder, requested="200.02")
    make_opportunity(elsewhere, funder, requested="400.04")

    def requested(**scope) -> Decimal:
        return services.grand_total(services.totals("status", **scope))["requested"]

    assert requested(project_id=first.id) == D("100.01")
    assert requested(organization_id=organization.id) == D("300.03")
    assert requested(funder_id=funder.id) == D("500.05")
    assert requested() == D("700.07")
    assert services.grand_total([])["requested"] == D("0.00")


def test_the_funding_panel_gives_totals_and_each_opportunity(app):
    organization = make_organization()
    project = make_project(organization=organization)
    a = make_opportunity(project, requested="0.10", instrument="crowd-reward")
    b = make_opportunity(project, requested="0.20", status="declined", decline_reason="Non")
    panel = services.funding_panel(organization_id=organization.id)
    assert panel["scope"] == "organization"
    assert {o.id for o in panel["opportunities"]} == {a.id, b.id}
    assert panel["total"]["requested"] == D("0.30")
    assert {row["key"] for row in panel["by_status"]} == {OpportunityStatus.PROSPECT,
                                                         OpportunityStatus.DECLINED}
    assert {row["key"] for row in panel["by_instrument"]} == {Instrument.CROWD_REWARD,
                                                             Instrument.GRANT}
    assert services.funding_panel(project_id=project.id)["scope"] == "project"
    empty = services.funding_panel(project_id=make_project().id)
    assert empty["opportunities"] == [] and empty["total"]["count"] == 0


# --- crowdfunding -----------------------------------------------------------------------------

def _crowd(requested="50000") -> FundingOpportunity:
    return make_opportunity(make_project(), make_funder(kind="crowdfunding-platform"),
                            instrument="crowd-donation", status="applied", requested=requested)


def test_only_a_crowdfunding_opportunity_has_one_campaign(app, db):
    grant = make_opportunity(instrument="grant")
    start = date.today() - timedelta(days=3)
    with pytest.raises(ServiceError):
        services.create_campaign(None, grant, "1000", start, start + timedelta(days=30))
    crowd = _crowd()
    services.create_campaign(None, crowd, "1000", start, start + timedelta(days=30))
    with pytest.raises(ServiceError):
        services.create_campaign(None, crowd, "1000", start, start + timedelta(days=30))
    assert _count(db, CrowdfundingCampaign) == 1


@pytest.mark.parametrize("goal, days, field", [("0", 30, "goal"), ("-1", 30, "goal"),
                                               ("1000", -1, "ends_on")])
def test_a_campaign_needs_a_goal_and_an_end_after_its_start(app, db, goal, days, field):
    start = date(2024, 1, 10)
    with pytest.raises(ServiceError) as error:
        services.create_campaign(None, _crowd(), goal, start, start + timedelta(days=days))
    assert error.value.field == field
    assert _count(db, CrowdfundingCampaign) == 0


def _campaign(days_ago: int = 20, length: int = 60, goal: str = "10000") -> CrowdfundingCampaign:
    start = date.today() - timedelta(days=days_ago)
    return services.create_campaign(None, _crowd(), goal, start, start + timedelta(days=length))


def test_a_campaign_is_changed_under_the_same_rules_and_audited(app, db):
    officer = make_user(Role.OFFICER)
    campaign = _campaign()
    start, version = campaign.starts_on, campaign.version
    changes = services.update_campaign(officer, campaign, version, goal="25000.5",
                                       ends_on=start + timedelta(days=90),
                                       url=" https://example.org/c ")
    assert set(changes) == {"goal", "ends_on", "url"}
    db.session.expire_all()
    saved = db.session.get(CrowdfundingCampaign, campaign.id)
    assert (saved.goal, saved.ends_on, saved.url) == (
        D("25000.50"), start + timedelta(days=90), "https://example.org/c")
    assert saved.starts_on == start and saved.version == version + 1
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.entity_type == "campaign", AuditEntry.action == "update"))
    assert entry.actor_id == officer.id and entry.changes["url"][1] == "https://example.org/c"
    for data, field in (({"goal": "0"}, "goal"),
                        ({"ends_on": start - timedelta(days=1)}, "ends_on")):
        with pytest.raises(ServiceError) as error:
            services.update_campaign(officer, saved, saved.version, **data)
        assert error.value.field == field
        db.session.rollback()
    with pytest.raises(ConflictError):
        services.update_campaign(officer, saved, version, goal="1")
    db.session.rollback()
    assert db.session.get(CrowdfundingCampaign, campaign.id).goal == D("25000.50")


@pytest.mark.parametrize("days_from_today, raised, backers, field", [
    (0, "-1", 3, "raised"),
    (0, "100", -1, "backers"),
    (-21, "100", 3, "on"),  # the campaign started 20 days ago
    (1, "100", 3, "on"),
])
def test_campaign_updates_are_checked(app, db, days_from_today, raised, backers, field):
    # Days counted when the test runs, not when it is collected (which may be before midnight).
    campaign = _campaign()
    on = date.today() + timedelta(days=days_from_today)
    with pytest.raises(ServiceError) as error:
        services.record_campaign_update(None, campaign, on, raised, backers)
    assert error.value.field == field
    db.session.expire_all()
    assert _count(db, CampaignUpdate) == 0
    assert db.session.get(CrowdfundingCampaign, campaign.id).raised == D("0.00")


def test_the_latest_update_is_the_campaigns_figure(app, db):
    campaign = _campaign()
    today = date.today()
    services.record_campaign_update(None, campaign, today - timedelta(days=2), "3500.50", 41)
    services.record_campaign_update(None, campaign, today - timedelta(days=10), "1200", 12)
    db.session.expire_all()
    campaign = services.get_campaign(campaign.id)
    assert (campaign.raised, campaign.backers) == (D("3500.50"), 41)
    assert [u.on for u in campaign.updates] == [today - timedelta(days=10),
                                                today - timedelta(days=2)]


def test_campaign_progress_with_fixed_dates(app):
    campaign = CrowdfundingCampaign(goal=D("10000.00"), raised=D("2500.00"), backers=10,
                                    starts_on=date(2024, 10, 1), ends_on=date(2024, 10, 31))
    running = services.campaign_progress(campaign, today=date(2024, 10, 17))
    assert running == {"percent": 25, "ratio": D("0.25"), "days_left": 14, "started": True,
                       "finished": False, "succeeded": False}
    last_day = services.campaign_progress(campaign, today=date(2024, 10, 31))
    assert last_day["days_left"] == 0 and not last_day["finished"]
    before = services.campaign_progress(campaign, today=date(2024, 9, 20))
    assert not before["started"] and before["days_left"] == 41
    campaign.raised = D("12000.00")
    over = services.campaign_progress(campaign, today=date(2024, 11, 2))
    assert over["finished"] and over["succeeded"] and over["percent"] == 120
    assert over["days_left"] == 0


# --- funders ----------------------------------------------------------------------------------

def test_a_funder_needs_a_name_in_one_script(app, db):
    with pytest.raises(ServiceError) as error:
        services.create_funder(None, name=" ", name_arabic="", kind="bank")
    assert error.value.field == "name"
    funder = services.create_funder(None, name="", name_arabic="بنك الأمل", kind="bank")
    assert funder.display_name == "بنك الأمل"


def test_contacts_are_added_once_removed_and_audited(app, db):
    funder, person = make_funder(), make_person(first_name="Amal", last_name="Bennis")
    services.add_funder_contact(None, funder, person)
    with pytest.raises(ServiceError):
        services.add_funder_contact(None, funder, person)
    assert [p.id for p in services.get_funder(funder.id).contacts] == [person.id]
    services.remove_funder_contact(None, funder, person)
    db.session.expire_all()
    assert services.get_funder(funder.id).contacts == []
    changes = [e.changes for e in db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "funder", AuditEntry.action == "update"))]
    assert changes == [{"contacts": [[], [person.id]]}, {"contacts": [[person.id], []]}]


def test_the_funders_list_filters_searches_and_exports(app, db):
    bank = make_funder(name="Bank Al-Amal", name_arabic="بنك الأمل", kind="bank",
                       website="alamal.ma")
    make_funder(name="Programme INDH", kind="public-program")
    archived = make_funder(name="Ancien Fonds", kind="fund")
    services.archive_funder(None, archived)

    def names(q: str = "", **filters) -> list[str]:
        params = ListParams(q=q, filters=filters, sort="name")
        return [f.name for f in db.session.scalars(services.list_funders(params))]

    assert names() == ["Bank Al-Amal", "Programme INDH"]
    assert names(kind="bank") == ["Bank Al-Amal"]
    assert names("indh") == ["Programme INDH"]
    assert names("الأمل") == ["Bank Al-Amal"]
    assert names(archived="1") == ["Ancien Fonds"]
    person = make_person(first_name="Omar", last_name="Tazi")
    services.add_funder_contact(None, bank, person)
    rows = list(services.funder_rows(services.list_funders(ListParams(q="bank"))))
    assert rows == [[bank.id, "Bank Al-Amal", "بنك الأمل", "Bank", "", "alamal.ma",
                     "Omar Tazi", ""]]
    assert _count(db, Funder) == 3


# --- demo data --------------------------------------------------------------------------------

def test_the_demo_has_every_kind_of_funder_every_status_and_two_campaigns(app, db):
    from crm.demo import seed_users
    from crm.demo.funding import seed_funding
    from crm.demo.portfolio import seed_portfolio

    officers = [u for u in seed_users() if u.role == Role.OFFICER]
    seed_portfolio(officers)
    seed_funding()
    funders = list(db.session.scalars(db.select(Funder)))
    assert {f.kind for f in funders} == set(FunderKind)
    opportunities = list(db.session.scalars(db.select(FundingOpportunity)))
    assert {o.status for o in opportunities} == set(OpportunityStatus)
    assert len({o.instrument for o in opportunities}) >= 8
    assert all(o.project.archived_at is None for o in opportunities)
    campaigns = list(db.session.scalars(db.select(CrowdfundingCampaign)))
    assert len(campaigns) == 2 and all(len(c.updates) >= 3 for c in campaigns)
    progress = [services.campaign_progress(c) for c in campaigns]
    assert sorted(p["finished"] for p in progress) == [False, True]
    counts = (_count(db, Funder), _count(db, FundingOpportunity), _count(db, CampaignUpdate))
    seed_funding()
    assert (_count(db, Funder), _count(db, FundingOpportunity),
            _count(db, CampaignUpdate)) == counts
