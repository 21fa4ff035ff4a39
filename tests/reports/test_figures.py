"""Every figure of every report, checked against values computed by hand from a small known
dataset (on SQLite, and on PostgreSQL when CRM_TEST_DATABASE_URL points there).

The dataset (dates in 2024 unless said; 2024 is a leap year):
  P1  Coop Souss (Souss-Massa, cooperative), cohort 2024, officer O1:
      identified 01-01, contacted 01-11 (+10), applied 01-31 (+20), assessed 03-01 (+30),
      incubated 04-10 (+40)                                   -> incubated
  P2  Coop Souss, cohort 2024, O1: identified 01-01, contacted 01-21 (+20),
      applied 02-10 (+20), assessed 02-20 (+10), incubated 05-10 (+80)  -> incubated
  P3  Asso Oriental (Oriental, association), cohort 2024, O2: identified 02-01,
      contacted 02-11 (+10), applied 03-02 (+20), declined 04-01 (+30)   -> declined
  P4  Asso Oriental, cohort 2023, O2: identified 2023-01-01, contacted 2023-01-31 (+30)
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from crm.auth.models import Role
from crm.common.reference import Region
from crm.funding import services as funding
from crm.impact import services as impact
from crm.impact import targets
from crm.impact.models import MeasurementSource
from crm.organizations.models import OrganizationKind
from crm.pipeline import services as pipeline
from crm.projects import services as projects
from crm.reports import activity, money
from crm.reports import impact as impact_reports
from crm.reports import pipeline as pipeline_reports
from crm.reports.filters import ReportFilters
from tests.factories import (
    PASSWORD,
    make_followup,
    make_forum,
    make_funder,
    make_membership,
    make_organization,
    make_participation,
    make_person,
    make_user,
)

TODAY = date(2024, 12, 1)
SOUSS = ReportFilters(region=Region("souss-massa"))
C2024 = ReportFilters(cohort="2024")


def _project(org, officer, cohort, name, steps):
    """steps: [(stage code, datetime)], the first is where the project started."""
    (first, started), *moves = steps
    project = projects.create_project(None, org, stage=pipeline.get_stage(first),
                                      started_at=started, name=name, cohort=cohort,
                                      officer_id=officer.id)
    for code, at in moves:
        pipeline.move_project(officer, project, pipeline.get_stage(code),
                              note="Hors critères" if code == "declined" else "", at=at)
    return project


def d(month, day, year=2024):
    return datetime(year, month, day, 9, 0)


@pytest.fixture
def data(db):
    o1 = make_user(Role.OFFICER, full_name="Officer One")
    o2 = make_user(Role.OFFICER, full_name="Officer Two")
    souss = make_organization(name="Coop Souss", region=Region("souss-massa"),
                              kind=OrganizationKind.COOPERATIVE)
    oriental = make_organization(name="Asso Oriental", region=Region("oriental"),
                                 kind=OrganizationKind.ASSOCIATION)
    p1 = _project(souss, o1, "2024", "P1", [("identified", d(1, 1)), ("contacted", d(1, 11)),
                  ("applied", d(1, 31)), ("assessed", d(3, 1)), ("incubated", d(4, 10))])
    p2 = _project(souss, o1, "2024", "P2", [("identified", d(1, 1)), ("contacted", d(1, 21)),
                  ("applied", d(2, 10)), ("assessed", d(2, 20)), ("incubated", d(5, 10))])
    p3 = _project(oriental, o2, "2024", "P3", [("identified", d(2, 1)), ("contacted", d(2, 11)),
                  ("applied", d(3, 2)), ("declined", d(4, 1))])
    p4 = _project(oriental, o2, "2023", "P4", [("identified", d(1, 1, 2023)),
                                               ("contacted", d(1, 31, 2023))])
    return {"o1": o1, "o2": o2, "souss": souss, "oriental": oriental,
            "p1": p1, "p2": p2, "p3": p3, "p4": p4}


def test_the_funnel(data):
    table = pipeline_reports.funnel(ReportFilters())
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["Incubated"] == [2, 50.0] and rows["Declined"] == [1, 25.0]
    assert rows["Contacted"] == [1, 25.0] and rows["Identified"] == [0, 0.0]
    souss = {r[0]: r[1] for r in pipeline_reports.funnel(SOUSS).rows}
    assert souss["Incubated"] == 2 and sum(souss.values()) == 2
    assert sum(r[1] for r in pipeline_reports.funnel(
        ReportFilters(officer_id=data["o2"].id)).rows) == 2


def test_conversion_from_stage_to_stage(data):
    rows = {r[0]: r[1:] for r in pipeline_reports.conversion(ReportFilters()).rows}
    assert rows["Identified → Contacted"] == [4, 4, 100.0]
    assert rows["Contacted → Applied"] == [4, 3, 75.0]
    assert rows["Applied → Assessed"] == [3, 2, 66.7]
    assert rows["Assessed → Incubated"] == [2, 2, 100.0]
    assert rows["Incubated → Accelerated"] == [2, 0, 0.0]
    assert rows["Accelerated → Alumni"] == [0, 0, None]
    january = ReportFilters(start=date(2024, 1, 1), end=date(2024, 1, 31))
    rows = {r[0]: r[1:] for r in pipeline_reports.conversion(january).rows}
    assert rows["Identified → Contacted"] == [2, 2, 100.0]
    assert rows["Contacted → Applied"] == [2, 2, 100.0]
    assert rows["Applied → Assessed"] == [1, 1, 100.0]
    assert rows["Assessed → Incubated"] == [0, 0, None]


def test_conversion_counts_a_skipped_stage_as_passed(data):
    """P5 goes from identified straight to applied: it reached contacted (a later stage)."""
    _project(data["souss"], data["o1"], "2024", "P5",
             [("identified", d(6, 1)), ("applied", d(6, 5))])
    rows = {r[0]: r[1:] for r in pipeline_reports.conversion(ReportFilters()).rows}
    assert rows["Identified → Contacted"] == [5, 5, 100.0]  # P1-P5 all went further
    assert rows["Contacted → Applied"] == [5, 4, 80.0]  # P4 stayed in contacted
    assert rows["Applied → Assessed"] == [4, 2, 50.0]  # P3 declined, P5 still applied


def test_conversion_stays_right_when_an_admin_inserts_a_stage(data):
    """An interview stage between applied (30) and assessed (40) that nobody went through:
    those who reached assessed passed it."""
    before = {r[0]: r[1:] for r in pipeline_reports.conversion(ReportFilters()).rows}
    pipeline.create_stage(make_user(Role.ADMIN), "interview", "مقابلة", "Entretien",
                                   "Interview", position=35)
    rows = {r[0]: r[1:] for r in pipeline_reports.conversion(ReportFilters()).rows}
    assert rows["Applied → Interview"] == before["Applied → Assessed"]
    assert rows["Interview → Assessed"] == [2, 2, 100.0]
    assert rows["Assessed → Incubated"] == before["Assessed → Incubated"]


def test_time_in_each_stage_per_cohort(data):
    rows = {(r[0], r[1]): r[2:] for r in pipeline_reports.time_in_stage(ReportFilters()).rows}
    assert rows[("2024", "Identified")] == [3, 10.0, 15.0]  # 10, 10, 20
    assert rows[("2024", "Contacted")] == [3, 20.0, 20.0]  # 20, 20, 20
    assert rows[("2024", "Applied")] == [3, 30.0, 30.0]  # 30, 10, 30
    assert rows[("2024", "Assessed")] == [2, 60.0, 70.0]  # 40, 80
    assert rows[("2023", "Identified")] == [1, 30.0, 30.0]
    assert ("2024", "Incubated") not in rows  # nobody has left it yet


def test_time_from_applied_to_incubated(data):
    table = pipeline_reports.stage_to_stage(ReportFilters(), "applied", "incubated")
    assert table.rows == [["2024", 2, 80.0, 85.0]]  # 70 and 90 days
    souss_2024 = ReportFilters(region=Region("souss-massa"), cohort="2024")
    assert pipeline_reports.stage_to_stage(souss_2024, "applied", "incubated").rows == [
        ["2024", 2, 80.0, 85.0]]
    assert pipeline_reports.stage_to_stage(ReportFilters(), "identified", "contacted").rows == [
        ["2024", 3, 10.0, 15.0], ["2023", 1, 30.0, 30.0]]


def test_officer_workload(data):
    make_followup(data["o1"], due_on=TODAY - timedelta(days=1), project=data["p1"])
    make_followup(data["o1"], due_on=TODAY + timedelta(days=3), project=data["p2"])
    make_followup(data["o2"], due_on=TODAY + timedelta(days=3), project=data["p4"])
    rows = {r[0]: r[1:] for r in activity.officer_workload(ReportFilters(), today=TODAY).rows}
    assert rows["Officer One"] == [2, 2, 1]
    assert rows["Officer Two"] == [1, 1, 0]  # P3 left the pipeline


def test_forum_outcomes(data):
    held_on = date.today() - timedelta(days=10)
    forum = make_forum(name="Forum test", held_on=held_on)
    session = forum.sessions[1]
    followed, silent, founder = (make_person(first_name=n) for n in ("Aya", "Badr", "Chama"))
    for person in (followed, silent, founder):
        make_participation(session, person)
    make_followup(data["o1"], person=followed)
    make_membership(data["souss"], founder)  # its projects were recorded after the forum
    rows = activity.forum_outcomes(ReportFilters()).rows
    assert rows == [["Forum test", held_on, 3, 1, 1, 33.3]]
    assert activity.forum_outcomes(ReportFilters(end=held_on - timedelta(days=1))).rows == []


def _opportunity(project, instrument, status, requested, committed="0", disbursed="0",
                 applied_on=None, **extra):
    return funding.create_opportunity(
        None, project, funder_id=make_funder().id, instrument=instrument, status=status,
        amount_requested=Decimal(requested), amount_committed=Decimal(committed),
        amount_disbursed=Decimal(disbursed), applied_on=applied_on, **extra)


@pytest.fixture
def money_data(data):
    _opportunity(data["p1"], "grant", "committed", "100000", "80000", "50000",
                 date(2024, 2, 1), committed_on=date(2024, 3, 1), disbursed_on=date(2024, 4, 1))
    _opportunity(data["p2"], "grant", "applied", "50000", applied_on=date(2024, 3, 1))
    _opportunity(data["p3"], "loan", "declined", "20000", applied_on=date(2024, 3, 5),
                 declined_on=date(2024, 4, 1), decline_reason="Trop tôt")
    for project, instrument, goal, raised, ends in (
            (data["p4"], "crowd-donation", "10000", "12000", date(2024, 6, 30)),
            (data["p1"], "crowd-reward", "5000", "1000", date(2024, 5, 31))):
        opportunity = _opportunity(project, instrument, "applied", goal,
                                   applied_on=date(2024, 4, 1))
        campaign = funding.create_campaign(None, opportunity, goal=Decimal(goal),
                                           starts_on=date(2024, 4, 1), ends_on=ends)
        funding.record_campaign_update(None, campaign, ends, Decimal(raised), backers=10)
    return data


def test_crowdfunding_raised_amounts_reach_the_funding_totals(money_data):
    rows = {(r[0], r[1]): r[2:] for r in money.funding(ReportFilters()).rows}
    assert rows[("Crowdfunding: donation", "Applied")][-2] == Decimal("12000")
    organization_id = money_data["p1"].organization_id
    panel = funding.funding_panel(organization_id=organization_id)
    assert panel["total"]["raised"] == Decimal("1000")  # p1's reward campaign
    by_instrument = {r["key"].value: r["raised"] for r in panel["by_instrument"]}
    assert by_instrument["crowd-reward"] == Decimal("1000")
    assert by_instrument["grant"] == 0


def test_the_funding_report_counts_what_campaigns_raised_in_the_secured_amount(money_data,
                                                                              client, login_as):
    """Secured = disbursed, or what the campaign raised when that is more: the grant 50,000
    disbursed; the donation campaign 12,000 and the reward campaign 1,000 raised, nothing
    disbursed; the declined loan nothing."""
    rows = {(r[0], r[1]): r[-1] for r in money.funding(ReportFilters()).rows}
    assert rows == {("Grant", "Committed"): Decimal("50000"), ("Grant", "Applied"): 0,
                    ("Loan", "Declined"): 0, ("Crowdfunding: donation", "Applied"):
                    Decimal("12000"), ("Crowdfunding: reward", "Applied"): Decimal("1000")}
    login_as(Role.MANAGER)
    csv = client.get("/reports/funding/export.csv").get_data(as_text=True)
    assert "Secured" in csv.splitlines()[0]
    page = client.get("/reports/funding").get_data(as_text=True)
    assert "what its campaign raised from the backers when that is more" in page


def test_funding_by_instrument_and_status(money_data):
    rows = {(r[0], r[1]): r[2:] for r in money.funding(ReportFilters()).rows}
    assert rows[("Grant", "Committed")] == [1, Decimal("100000"), Decimal("80000"),
                                            Decimal("50000"), 0, Decimal("50000")]
    assert rows[("Grant", "Applied")] == [1, Decimal("50000"), 0, 0, 0, 0]
    assert rows[("Loan", "Declined")] == [1, Decimal("20000"), 0, 0, 0, 0]
    assert len(rows) == 5
    souss = {(r[0], r[1]) for r in money.funding(SOUSS).rows}
    assert souss == {("Grant", "Committed"), ("Grant", "Applied"),
                     ("Crowdfunding: reward", "Applied")}
    march = ReportFilters(start=date(2024, 3, 1), end=date(2024, 3, 31))
    assert {(r[0], r[1]) for r in money.funding(march).rows} == {("Grant", "Applied"),
                                                                 ("Loan", "Declined")}


def test_crowdfunding_success(money_data):
    rows = {r[0]: r[1:] for r in money.crowdfunding(ReportFilters(), today=TODAY).rows}
    assert rows["Crowdfunding: donation"] == [1, 1, 100.0, Decimal("10000"), Decimal("12000")]
    assert rows["Crowdfunding: reward"] == [1, 0, 0.0, Decimal("5000"), Decimal("1000")]
    assert rows["All campaigns"] == [2, 1, 50.0, Decimal("15000"), Decimal("13000")]
    assert money.crowdfunding(ReportFilters(), today=date(2024, 6, 1)).rows[-1][1:3] == [1, 0]


@pytest.fixture
def impact_data(data):
    def figure(project, code, start, end, value, verified=False):
        source = MeasurementSource.VERIFIED if verified else MeasurementSource.SELF_REPORTED
        impact.record_measurement(data["o1"], project, impact.get_indicator(code), start, end,
                                  Decimal(value), source=source)

    h1, h2 = (date(2024, 1, 1), date(2024, 6, 30)), (date(2024, 7, 1), date(2024, 12, 31))
    figure(data["p1"], "jobs", *h1, "5", verified=True)
    figure(data["p1"], "jobs_women", *h1, "2")
    figure(data["p1"], "jobs_youth", *h1, "3")
    figure(data["p1"], "jobs", *h2, "4")
    figure(data["p1"], "jobs_women", *h2, "1")
    figure(data["p2"], "jobs", *h1, "3")
    figure(data["p2"], "jobs_youth", *h1, "1")
    figure(data["p1"], "beneficiaries", *h1, "100")
    figure(data["p4"], "jobs", date(2023, 1, 1), date(2023, 6, 30), "7")
    jobs = impact.get_indicator("jobs")
    targets.save_target(None, None, indicator_id=jobs.id, year=2024, value=Decimal("20"))
    targets.save_target(None, None, indicator_id=jobs.id, year=2024, value=Decimal("15"),
                        cohort="2024")
    return data


def test_impact_against_targets(impact_data):
    rows = {(r[0], r[1]): r[2:] for r in impact_reports.impact_against_targets(
        ReportFilters()).rows}
    assert rows[(2024, "Jobs created")] == [Decimal("12"), Decimal("5"), Decimal("20"), 60.0]
    assert rows[(2024, "Jobs created — of which women")][:2] == [Decimal("3"), 0]
    assert rows[(2024, "Jobs created — of which youth")][:2] == [Decimal("4"), 0]
    assert rows[(2024, "Beneficiaries reached")][:1] == [Decimal("100")]
    assert rows[(2023, "Jobs created")] == [Decimal("7"), 0, None, None]


def test_a_target_is_compared_only_with_the_selection_it_was_set_for(impact_data):
    def jobs_2024(filters):
        rows = impact_reports.impact_against_targets(filters).rows
        return next(r[2:] for r in rows if r[:2] == [2024, "Jobs created"])

    assert jobs_2024(ReportFilters(cohort="2024"))[2] == Decimal("15")
    assert jobs_2024(ReportFilters())[2] == Decimal("20")
    officer = impact_data["o1"]
    for narrowed in (ReportFilters(officer_id=officer.id),
                     ReportFilters(kind=OrganizationKind("cooperative")),
                     ReportFilters(cohort="2024", officer_id=officer.id)):
        assert jobs_2024(narrowed)[2:] == [None, None], narrowed


NO_TARGET_NOTE = "No target is shown for"


def test_a_narrowed_impact_report_shows_no_foundation_target_and_says_why(impact_data):
    """The foundation's 2024 target (20 jobs) is compared with the foundation's 12 jobs only:
    not with half a year's 4 (20 %), nor with a portfolio, a kind or a theme."""
    def report(filters):
        table = impact_reports.impact_against_targets(filters)
        jobs = next(r[2:] for r in table.rows if r[:2] == [2024, "Jobs created"])
        targets_charted = [s for s in table.chart.series if s["label"].startswith("Target")]
        notes = " ".join(table.notes)
        return jobs, targets_charted, notes

    whole_year = ReportFilters(start=date(2024, 1, 1), end=date(2024, 12, 31))
    for unnarrowed in (ReportFilters(), whole_year):
        jobs, charted, notes = report(unnarrowed)
        assert jobs == [Decimal("12"), Decimal("5"), Decimal("20"), 60.0]
        assert charted and NO_TARGET_NOTE not in notes
    half = ReportFilters(start=date(2024, 7, 1), end=date(2024, 12, 31))
    for narrowed in (half, ReportFilters(officer_id=impact_data["o1"].id),
                     ReportFilters(kind=OrganizationKind("cooperative")),
                     ReportFilters(region=Region("souss-massa"))):
        jobs, charted, notes = report(narrowed)
        assert jobs[2:] == [None, None] and charted == [], narrowed
        assert NO_TARGET_NOTE in notes, narrowed
    assert report(half)[0][0] == Decimal("4")


def test_an_officer_sees_their_impact_without_the_foundation_target(impact_data, client):
    client.post("/login", data={"email": impact_data["o1"].email, "password": PASSWORD})
    page = client.get("/reports/impact").get_data(as_text=True)
    assert "Jobs created" in page and "60%" not in page and "Target: " not in page
    assert NO_TARGET_NOTE in page


def test_the_question_of_the_issue(impact_data):
    """How many jobs did the 2024 cohort's projects in Souss-Massa create, women and youth
    included, and how long did they take from applied to incubated?"""
    filters = ReportFilters(cohort="2024", region=Region("souss-massa"))
    rows = {(r[0], r[1]): r[2:] for r in impact_reports.impact_against_targets(filters).rows}
    # The 2024 cohort's target covers every region: not a yardstick for Souss-Massa alone.
    assert rows[(2024, "Jobs created")] == [Decimal("12"), Decimal("5"), None, None]
    assert rows[(2024, "Jobs created — of which women")][0] == Decimal("3")
    assert rows[(2024, "Jobs created — of which youth")][0] == Decimal("4")
    assert (2023, "Jobs created") not in rows
    assert pipeline_reports.stage_to_stage(filters, "applied", "incubated").rows == [
        ["2024", 2, 80.0, 85.0]]

