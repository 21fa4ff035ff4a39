"""`flask crm seed-synthetic`: counts that follow the scale, and data the reports can trust."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.demo.synthetic import seed_synthetic, target_counts
from crm.followups.models import FollowUp, FollowUpStatus
from crm.funding.models import (
    CampaignUpdate,
    CrowdfundingCampaign,
    FundingOpportunity,
    OpportunityStatus,
)
from crm.impact.models import Indicator, Measurement, MeasurementSource
from crm.interactions.models import Interaction
from crm.organizations.models import Membership, Organization, OrganizationKind
from crm.people.models import Person
from crm.people.services import person_tokens, search_people
from crm.pipeline.models import Stage, StageTransition
from crm.projects.models import Project
from crm.search.models import SearchToken
from crm.search.services import search_everything
from tests.factories import make_person, make_project

SCALE = 0.005  # 50 organizations, 500 people, 100 projects, 1,000 transitions, ...
TODAY = date(2026, 11, 29)  # the day the data is built on, so that every figure is fixed
HEADLINE = {"organizations": Organization, "people": Person, "projects": Project,
            "stage_transitions": StageTransition, "follow_ups": FollowUp,
            "measurements": Measurement}
ALL_TABLES = ["users", "organizations", "people", "memberships", "projects",
              "stage_transitions", "forums", "forum_sessions", "participations",
              "interactions", "follow_ups", "funders", "funding_opportunities",
              "crowdfunding_campaigns", "campaign_updates", "measurements", "search_tokens"]


@pytest.fixture
def seeded(app, db):
    return seed_synthetic(SCALE, seed=2024, today=TODAY)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_command_writes_counts_that_follow_the_scale(runner, db):
    result = runner.invoke(args=["crm", "seed-synthetic", "--scale", "0.002"])
    assert result.exit_code == 0, result.output
    expected = target_counts(0.002)
    assert expected["people"] == 200 and expected["measurements"] == 1000
    for name, model in HEADLINE.items():
        assert count(db, model) == expected[name], name
        assert f"{name} " in result.output
    assert "rows in" in result.output
    officers = db.session.scalars(select(User).where(User.role == Role.OFFICER)).all()
    assert len(officers) == 3  # at least three, even for 40 projects
    assert all(u.email.endswith("@synthetic.crm") for u in officers)


def test_counts_follow_the_scale_when_called_directly(seeded, db):
    expected = target_counts(SCALE)
    for name, model in HEADLINE.items():
        assert count(db, model) == expected[name] == seeded.counts[name], name
    for table in ALL_TABLES:
        assert seeded.counts[table] > 0, table
    assert seeded.counts["forums"] == 6 and seeded.counts["forum_sessions"] == 72
    # every person is a member of one organization, some of two
    assert expected["people"] < count(db, Membership) < 1.3 * expected["people"]
    assert db.session.scalar(select(func.count(func.distinct(Membership.person_id)))) == 500


def test_running_twice_refuses_and_says_how_to_start_again(runner, db):
    assert runner.invoke(args=["crm", "seed-synthetic", "--scale", "0.002"]).exit_code == 0
    people = count(db, Person)
    result = runner.invoke(args=["crm", "seed-synthetic", "--scale", "0.002"])
    assert result.exit_code != 0
    assert "already holds synthetic data" in result.output
    assert "flask db upgrade" in result.output
    assert count(db, Person) == people


def test_the_same_seed_and_day_give_the_same_data(seeded, db):
    def fingerprint():
        return (db.session.execute(select(Person.id, Person.first_name, Person.email,
                                          Person.phone).order_by(Person.id)).all(),
                db.session.execute(select(StageTransition.project_id, StageTransition.to_stage_id,
                                          StageTransition.at).order_by(StageTransition.id)).all(),
                db.session.scalar(select(func.sum(Measurement.value))))

    first = fingerprint()
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in ("stages", "indicators"):
            db.session.execute(table.delete())
    db.session.commit()
    seed_synthetic(SCALE, seed=2024, today=TODAY)
    assert fingerprint() == first
    db.session.rollback()


def _histories(db) -> dict[int, list]:
    rows = db.session.execute(select(
        StageTransition.project_id, StageTransition.from_stage_id, StageTransition.to_stage_id,
        StageTransition.at, StageTransition.note).order_by(
        StageTransition.project_id, StageTransition.at, StageTransition.id)).all()
    histories = defaultdict(list)
    for row in rows:
        histories[row.project_id].append(row)
    return histories


def test_every_stage_history_is_consistent(seeded, db):
    stages = {s.id: s for s in db.session.scalars(select(Stage))}
    histories = _histories(db)
    projects = db.session.scalars(select(Project)).all()
    assert len(histories) == len(projects)
    for project in projects:
        history = histories[project.id]
        assert history[0].from_stage_id is None
        assert stages[history[0].to_stage_id].code == "identified"
        assert history[0].at == project.created_at
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_stage_id == before.to_stage_id
            assert after.at > before.at
            assert after.to_stage_id != after.from_stage_id
            if stages[after.to_stage_id].is_exit:
                assert after.note, "an exit needs its reason"
        assert history[-1].to_stage_id == project.stage_id
        assert history[-1].at == project.stage_entered_at
        assert history[-1].at.date() < TODAY


def test_histories_go_back_and_forth_and_stages_form_a_funnel(seeded, db):
    stages = {s.id: s for s in db.session.scalars(select(Stage))}
    histories = _histories(db)
    went_back = sum(1 for history in histories.values() if any(
        not stages[t.to_stage_id].is_exit and t.from_stage_id and
        not stages[t.from_stage_id].is_exit and
        stages[t.to_stage_id].position < stages[t.from_stage_id].position for t in history))
    assert went_back > len(histories) / 4
    now = dict(db.session.execute(select(Stage.code, func.count(Project.id)).join(
        Project.stage).group_by(Stage.code)).all())
    assert now.get("declined", 0) > 0 and now.get("withdrawn", 0) > 0
    early = now["identified"] + now["contacted"]
    assert early > now["incubated"] + now["accelerated"] + now.get("alumni", 0)
    assert now["identified"] > now.get("alumni", 0) and now["contacted"] > now.get("alumni", 0)
    officers = db.session.scalar(select(func.count()).where(Project.officer_id.is_not(None)))
    assert officers > 0.8 * len(histories)


def test_parts_never_exceed_totals_and_periods_never_overlap(seeded, db):
    part, total = aliased(Measurement), aliased(Measurement)
    part_indicator = aliased(Indicator)
    pairs = db.session.execute(
        select(part.value, total.value).join(part_indicator, part.indicator_id ==
                                              part_indicator.id)
        .join(total, (total.project_id == part.project_id) &
              (total.indicator_id == part_indicator.part_of_id) &
              (total.period_start == part.period_start) & (total.period_end == part.period_end))
    ).all()
    parts = select(func.count()).select_from(Measurement).join(Measurement.indicator).where(
        Indicator.part_of_id.is_not(None))
    assert len(pairs) == db.session.scalar(parts) > 0  # every part has its total
    assert all(part_value <= total_value for part_value, total_value in pairs)
    a, b = aliased(Measurement), aliased(Measurement)
    overlapping = select(func.count()).select_from(a).join(
        b, (a.project_id == b.project_id) & (a.indicator_id == b.indicator_id) & (a.id < b.id)
        & (a.period_start <= b.period_end) & (a.period_end >= b.period_start))
    assert db.session.scalar(overlapping) == 0


def test_measurements_are_semesters_of_late_stage_projects_a_third_verified(seeded, db):
    rows = db.session.execute(select(Measurement, Indicator.code, Stage.code).join(
        Measurement.indicator).join(Project, Project.id == Measurement.project_id).join(
        Project.stage)).all()
    for measurement, indicator, _stage in rows:
        start, end = measurement.period_start, measurement.period_end
        assert (start.month, start.day, end.month, end.day) in ((1, 1, 6, 30), (7, 1, 12, 31))
        assert end < TODAY
        if indicator != "revenue":  # counts: whole numbers, stored as centimes
            assert measurement.value == measurement.value.to_integral_value()
            assert Decimal(0) <= measurement.value < 10_000
        verified = measurement.source == MeasurementSource.VERIFIED
        assert verified == (measurement.verified_at is not None) == (
            measurement.verified_by_id is not None)
    late = {"assessed", "incubated", "accelerated", "alumni", "declined", "withdrawn"}
    assert sum(1 for *_, stage in rows if stage in late) > 0.9 * len(rows)
    verified = sum(1 for m, *_ in rows if m.source == MeasurementSource.VERIFIED)
    assert 0.2 < verified / len(rows) < 0.5


def test_money_follows_the_rules(seeded, db):
    opportunities = db.session.scalars(select(FundingOpportunity)).all()
    statuses = {o.status for o in opportunities}
    assert statuses == set(OpportunityStatus)
    for o in opportunities:
        assert Decimal(0) <= o.amount_disbursed <= o.amount_committed <= o.amount_requested
        if o.status == OpportunityStatus.DECLINED:
            assert o.decline_reason and o.declined_on and o.amount_committed == 0
        if o.status in (OpportunityStatus.COMMITTED, OpportunityStatus.DISBURSED):
            assert o.amount_committed > 0 and o.applied_on <= o.committed_on < TODAY
        if o.status == OpportunityStatus.DISBURSED:
            assert o.amount_disbursed > 0 and o.committed_on <= o.disbursed_on < TODAY
        if o.status == OpportunityStatus.PROSPECT:
            assert o.applied_on is None and o.amount_committed == 0
    campaigns = db.session.scalars(select(CrowdfundingCampaign)).all()
    assert campaigns and all(c.opportunity.instrument.is_crowdfunding for c in campaigns)
    assert any(c.raised >= c.goal for c in campaigns)
    assert any(c.raised < c.goal for c in campaigns)
    for campaign in campaigns:
        latest = db.session.scalars(select(CampaignUpdate).where(
            CampaignUpdate.campaign_id == campaign.id).order_by(CampaignUpdate.on.desc())).first()
        assert (latest.raised, latest.backers) == (campaign.raised, campaign.backers)
        assert campaign.starts_on <= latest.on < TODAY


def test_follow_ups_are_mostly_done_some_overdue_some_upcoming(seeded, db):
    followups = db.session.scalars(select(FollowUp)).all()
    officers = set(db.session.scalars(select(User.id).where(User.role == Role.OFFICER)))
    assert all(f.assignee_id in officers for f in followups)
    assert all(f.project_id or f.organization_id or f.person_id for f in followups)
    done = [f for f in followups if f.status == FollowUpStatus.DONE]
    opened = [f for f in followups if f.status == FollowUpStatus.OPEN]
    assert len(done) > len(followups) / 2
    assert any(f.due_on < TODAY for f in opened) and any(f.due_on >= TODAY for f in opened)
    assert all(f.due_on < TODAY and f.done_at.date() < TODAY for f in done)
    assert any(f.participation_id for f in followups)
    interactions = {i.id: i for i in db.session.scalars(select(Interaction))}
    assert len(interactions) == len(done)
    for followup in done:
        interaction = interactions[followup.interaction_id]
        assert (interaction.person_id, interaction.organization_id, interaction.project_id) == (
            followup.person_id, followup.organization_id, followup.project_id)
        assert interaction.notes == followup.outcome != ""


def test_stored_values_read_back_as_the_models_expect(seeded, db):
    organization = db.session.scalars(select(Organization).order_by(Organization.id)).first()
    assert isinstance(organization.kind, OrganizationKind) and organization.themes
    assert organization.name_arabic and organization.region is not None
    project = db.session.scalars(select(Project).order_by(Project.id)).first()
    assert project.themes and project.sdgs <= set(range(1, 18))
    phones = db.session.scalars(select(Person.phone).where(Person.phone.is_not(None))).all()
    assert phones and all(p[:5] in ("+2126", "+2127") and len(p) == 13 for p in phones)


def test_synthetic_people_and_organizations_are_found_by_the_search(seeded, db):
    person = db.session.scalars(select(Person).where(
        Person.email.is_not(None), Person.first_name != "", Person.name_arabic != "")
        .order_by(Person.id)).first()
    assert search_people(person.email) == [person]
    assert person in search_people(f"0{person.phone[4:]}")  # as typed, national format
    assert person.id in {p.id for p in search_people(
        f"{person.first_name} {person.last_name} {person.email.split('@')[0]}")}
    arabic_first = person.name_arabic.split()[0]
    assert person in search_people(f"{arabic_first} {person.email.split('@')[0]}")
    stored = set(db.session.scalars(select(SearchToken.token).where(
        SearchToken.entity_type == "person", SearchToken.entity_id == person.id)))
    fields = ("first_name", "last_name", "name_arabic", "email", "phone", "city")
    assert stored == person_tokens({f: getattr(person, f) for f in fields})
    organization = db.session.scalars(select(Organization).order_by(Organization.id)).first()
    assert organization in search_everything(organization.name)["organizations"]


def test_synthetic_users_cannot_log_in(seeded, db):
    users = db.session.scalars(select(User).where(User.email.like("%@synthetic.crm"))).all()
    assert {u.role for u in users} == {Role.OFFICER, Role.MANAGER}
    assert len([u for u in users if u.role == Role.MANAGER]) == 1
    assert auth_services.authenticate(users[0].email, users[0].password_hash) is None


def test_records_created_afterwards_get_new_ids(seeded, db):
    """On PostgreSQL the sequences were moved past the ids written by the seeder."""
    person = make_person()
    project = make_project()
    assert person.id > target_counts(SCALE)["people"]
    assert project.id > target_counts(SCALE)["projects"]


def test_it_runs_on_a_database_with_the_demo_data(runner, db):
    assert runner.invoke(args=["crm", "seed-demo"]).exit_code == 0
    demo_people = count(db, Person)
    result = runner.invoke(args=["crm", "seed-synthetic", "--scale", "0.002"])
    assert result.exit_code == 0, result.output
    assert count(db, Person) == demo_people + 200
    tag_keys = db.session.execute(select(func.count(), func.count(func.distinct(
        db.text("key")))).select_from(db.text("tags"))).one()
    assert tag_keys[0] == tag_keys[1]
