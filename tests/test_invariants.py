"""The money, date and history rules hold in the database itself (migration 0012): a row
written past the services, straight into a table, is refused on SQLite as on PostgreSQL."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crm.demo.synthetic import seed_synthetic
from crm.followups.models import FollowUp
from crm.funding import services as funding
from crm.funding.models import CampaignUpdate, CrowdfundingCampaign, FundingOpportunity
from crm.impact import services as impact
from crm.impact.models import Measurement
from crm.people.models import Person
from crm.pipeline import services as pipeline
from crm.pipeline.models import StageTransition
from crm.privacy import services as privacy
from crm.privacy.models import Consent
from crm.projects.models import Project
from tests.factories import make_followup, make_opportunity, make_person, make_project, make_user

DAY = date(2025, 3, 1)


def _copy(db, model, row_id: int, **changes) -> None:
    """Insert a copy of a row the services wrote, with `changes`, past every service."""
    table = model.__table__
    values = dict(db.session.execute(sa.select(table).where(table.c.id == row_id))
                  .mappings().one())
    values.pop("id")
    db.session.execute(sa.insert(table).values(**{**values, **changes}))
    db.session.flush()


def _refused(db, expected: tuple[str, ...], write) -> None:
    """`write` raises IntegrityError naming the constraint (PostgreSQL names the constraint,
    SQLite the CHECK's name or the unique columns)."""
    with pytest.raises(IntegrityError) as error:
        write()
    db.session.rollback()
    message = str(error.value.orig)
    assert any(fragment in message for fragment in expected), message


def _opportunity(instrument="grant"):
    return make_opportunity(instrument=instrument, status="disbursed", requested="1000",
                            committed="800", disbursed="500")


def _campaign(db):
    opportunity = _opportunity("crowd-donation")
    campaign = funding.create_campaign(None, opportunity, Decimal("5000"), DAY,
                                       DAY + timedelta(days=30))
    funding.record_campaign_update(None, campaign, DAY + timedelta(days=2), Decimal("100"), 3)
    return campaign


def _measurement(db):
    return impact.record_measurement(None, make_project(), impact.get_indicator("jobs"),
                                     DAY, DAY + timedelta(days=180), Decimal("4"))


OPPORTUNITY_CASES = [
    ({"amount_requested": Decimal("-1")}, "amounts_not_negative"),
    ({"amount_committed": Decimal("-1"), "amount_disbursed": Decimal("0")},
     "amounts_not_negative"),
    ({"amount_disbursed": Decimal("-1")}, "amounts_not_negative"),
    ({"amount_disbursed": Decimal("800.01")}, "disbursed_within_committed"),
    ({"status": "declined", "decline_reason": ""}, "declined_has_reason"),
    ({"status": "declined", "decline_reason": "   "}, "declined_has_reason"),
]


@pytest.mark.parametrize(("changes", "name"), OPPORTUNITY_CASES)
def test_an_opportunity_breaking_the_money_rules_is_refused(db, changes, name):
    opportunity = _opportunity()
    _refused(db, (f"ck_funding_opportunities_{name}",),
             lambda: _copy(db, FundingOpportunity, opportunity.id, **changes))


def test_a_declined_opportunity_with_its_reason_is_accepted(db):
    opportunity = _opportunity()
    _copy(db, FundingOpportunity, opportunity.id, status="declined", decline_reason="Hors cible")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FundingOpportunity)) == 2


CAMPAIGN_CASES = [
    ({"goal": Decimal("0")}, "goal_positive"),
    ({"goal": Decimal("-5")}, "goal_positive"),
    ({"raised": Decimal("-1")}, "figures_not_negative"),
    ({"backers": -1}, "figures_not_negative"),
    ({"ends_on": DAY - timedelta(days=1)}, "ends_after_start"),
]


@pytest.mark.parametrize(("changes", "name"), CAMPAIGN_CASES)
def test_a_campaign_breaking_the_rules_is_refused(db, changes, name):
    campaign = _campaign(db)
    other = make_opportunity(instrument="crowd-reward")  # the campaign's own is taken
    _refused(db, (f"ck_crowdfunding_campaigns_{name}",),
             lambda: _copy(db, CrowdfundingCampaign, campaign.id, opportunity_id=other.id,
                           **changes))


@pytest.mark.parametrize("changes", [{"raised": Decimal("-1")}, {"backers": -1}])
def test_a_campaign_update_with_a_negative_figure_is_refused(db, changes):
    update = _campaign(db).updates[0]
    _refused(db, ("ck_campaign_updates_figures_not_negative",),
             lambda: _copy(db, CampaignUpdate, update.id, **changes))


def test_a_negative_figure_is_refused(db):
    measurement = _measurement(db)
    _refused(db, ("ck_measurements_value_not_negative",),
             lambda: _copy(db, Measurement, measurement.id, value=Decimal("-1"),
                           period_start=DAY.replace(year=2026), period_end=date(2026, 6, 30)))


def test_a_period_ending_before_it_starts_is_refused(db):
    measurement = _measurement(db)
    _refused(db, ("ck_measurements_period_ends_after_start",),
             lambda: _copy(db, Measurement, measurement.id, period_start=date(2026, 3, 1),
                           period_end=date(2026, 2, 28)))


def test_a_second_figure_for_the_same_project_indicator_and_period_is_refused(db):
    measurement = _measurement(db)
    _refused(db, ("uq_measurements_project_id_indicator_id_period_start",
                  "UNIQUE constraint failed: measurements.project_id"),
             lambda: _copy(db, Measurement, measurement.id, value=Decimal("7")))


def test_a_consent_withdrawn_before_it_was_given_is_refused(db):
    consent = privacy.record_consent(None, make_person(), "support", "paper-form", DAY)
    _refused(db, ("ck_consents_withdrawn_after_given",),
             lambda: _copy(db, Consent, consent.id, withdrawn_on=DAY - timedelta(days=1)))


def test_a_follow_up_about_nobody_is_refused(db):
    followup = make_followup(make_user())
    _refused(db, ("ck_follow_ups_has_target",),
             lambda: _copy(db, FollowUp, followup.id, person_id=None))


def test_a_second_open_stay_in_the_pipeline_is_refused(db):
    project = make_project()
    first = project.transitions[0]
    _refused(db, ("uq_stage_transitions_open_stay",
                  "UNIQUE constraint failed: stage_transitions.project_id"),
             lambda: _copy(db, StageTransition, first.id))


def test_moving_a_project_keeps_one_open_stay(db):
    project = make_project()
    for code in ("contacted", "applied", "declined"):
        pipeline.move_project(None, project, pipeline.get_stage(code), note="Raison")
    open_stays = db.session.scalar(sa.select(sa.func.count()).select_from(StageTransition)
                                   .where(StageTransition.left_at.is_(None)))
    assert open_stays == 1


FOREIGN_KEY = ("FOREIGN KEY constraint failed", "violates foreign key constraint")


@pytest.mark.parametrize("history", ["transition", "measurement", "funding", "follow-up"])
def test_a_project_with_history_cannot_be_deleted(db, history):
    project = make_project()
    if history == "measurement":
        impact.record_measurement(None, project, impact.get_indicator("jobs"), DAY,
                                  DAY + timedelta(days=30), Decimal("1"))
    elif history == "funding":
        make_opportunity(project=project)
    elif history == "follow-up":
        make_followup(make_user(), project=project)
    if history != "transition":  # its first transition is history enough: only the other one
        db.session.execute(sa.delete(StageTransition).where(
            StageTransition.project_id == project.id))
        db.session.commit()
    _refused(db, FOREIGN_KEY, lambda: db.session.execute(
        sa.delete(Project).where(Project.id == project.id)))
    assert db.session.get(Project, project.id) is not None


def test_deleting_a_project_through_the_orm_is_refused_too(db):
    project = make_project()
    db.session.delete(project)
    _refused(db, FOREIGN_KEY, db.session.flush)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageTransition)) == 1


def test_a_person_with_follow_ups_cannot_be_deleted(db):
    person = make_person()
    make_followup(make_user(), person=person)
    _refused(db, FOREIGN_KEY, lambda: db.session.execute(
        sa.delete(Person).where(Person.id == person.id)))
    assert db.session.get(Person, person.id) is not None


def test_the_synthetic_loader_writes_only_rows_the_rules_accept(app, db):
    """The loader writes past the services: the constraints would stop it at the first bad
    row, so a load that goes through obeys them."""
    seed_synthetic(0.002, seed=7, today=date(2026, 11, 29))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measurement)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CrowdfundingCampaign)) > 0
    declined = db.session.scalar(sa.select(sa.func.count()).select_from(FundingOpportunity)
                                 .where(FundingOpportunity.status == "declined"))
    assert declined > 0
