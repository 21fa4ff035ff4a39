"""Which services announce which events, and what each endpoint may receive of them: never
more than the account it acts as may see."""

from datetime import date, timedelta
from decimal import Decimal

from crm.auth.models import Role
from crm.bulk import services as bulk
from crm.bulk.models import BulkAction
from crm.calls import services as calls
from crm.extensions import db as _db
from crm.followups import services as followups
from crm.funding import services as funding
from crm.impact import services as impact
from crm.people import services as people
from crm.pipeline import services as pipeline
from crm.projects import services as projects
from crm.webhooks.events import EVENTS
from crm.webhooks.models import Delivery
from tests.factories import (
    application_data,
    make_call,
    make_followup,
    make_innovator,
    make_membership,
    make_opportunity,
    make_organization,
    make_person,
    make_project,
    make_user,
)

PORTAL_PROJECT_KEYS = {"type", "id", "name", "name_arabic", "description", "organization_id",
                       "stage"}


def _events_delivered(receiver) -> list[str]:
    assert all(r.valid for r in receiver.received)
    return receiver.events


def test_each_service_announces_its_event(app, endpoint_for, receiver):
    endpoint_for(*EVENTS, acting_as=make_user(Role.ADMIN))
    officer = make_user(Role.OFFICER)
    project = make_project(officer, officer=officer, stage="applied")
    pipeline.move_project(officer, project, pipeline.get_stage("assessed"))
    projects.archive_project(officer, project)
    projects.archive_project(officer, project)  # already archived: nothing new
    survivor, duplicate = make_person(officer), make_person(officer)
    people.merge_people(officer, survivor, duplicate)
    followup = make_followup(officer, due_on=date.today())
    followups.announce_due_followups(date.today())
    followups.complete_followup(officer, followup, "Rendez-vous fixé")
    live = make_project(officer, officer=officer)
    opportunity = make_opportunity(live, actor=officer, requested="1000")
    funding.update_opportunity(officer, opportunity, None, funder_id=opportunity.funder_id,
                               instrument="grant", status="applied", amount_requested="1000",
                               amount_committed="0", amount_disbursed="0",
                               applied_on=date.today())
    figure = impact.record_measurement(officer, live, impact.get_indicator("jobs"),
                                       date(2024, 1, 1), date(2024, 6, 30), Decimal(4))
    impact.verify_measurement(officer, figure)
    call = make_call(officer)
    calls.submit_application(call, {k: v for k, v in application_data(call).items()
                                    if k in calls.APPLICANT_FIELDS} | {"phone": None},
                             {}, language="fr", notice_version="1", address="",
                             today=call.opens_on)
    delivered = _events_delivered(receiver)
    assert set(delivered) == set(EVENTS)
    assert delivered.count("project.archived") == 1
    merged = next(r.json["data"] for r in receiver.received if r.json["event"] == "person.merged")
    assert merged["id"] == duplicate.id and merged["merged_into_id"] == survivor.id
    status = next(r.json["data"] for r in receiver.received
                  if r.json["event"] == "funding.status_changed")
    assert status["status"] == "applied" and status["amount_requested"] == "1000.00"


def test_changes_that_keep_the_status_announce_no_status_change(app, endpoint_for, receiver):
    endpoint_for("funding.status_changed")
    opportunity = make_opportunity(requested="1000")
    funding.update_opportunity(None, opportunity, None, funder_id=opportunity.funder_id,
                               instrument="grant", status="prospect", amount_requested="2000",
                               amount_committed="0", amount_disbursed="0")
    assert receiver.received == []


def _innovator_of(organization):
    person = make_person(email=f"innov{organization.id}@example.org")
    make_membership(organization, person, "founder")
    return make_innovator(person)


def test_an_innovators_endpoint_hears_only_of_its_own_projects_with_the_portal_fields(
        app, endpoint_for, receiver):
    own, other = make_organization(name="Coopérative Atlas"), make_organization(name="Rif")
    endpoint_for("project.moved", "person.created", "measurement.recorded",
                 acting_as=_innovator_of(own))
    officer = make_user(Role.OFFICER)
    mine = make_project(officer, own, stage="incubated", officer=officer, cohort="2024")
    theirs = make_project(officer, other, stage="incubated", officer=officer)
    pipeline.move_project(officer, mine, pipeline.get_stage("accelerated"))
    pipeline.move_project(officer, theirs, pipeline.get_stage("accelerated"))
    make_person(officer)
    jobs = impact.get_indicator("jobs")
    for project in (mine, theirs):
        impact.record_measurement(officer, project, jobs, date(2024, 1, 1), date(2024, 6, 30), 3)

    assert _events_delivered(receiver) == ["project.moved", "measurement.recorded"]
    moved, figure = (r.json["data"] for r in receiver.received)
    assert moved["id"] == mine.id and set(moved) == PORTAL_PROJECT_KEYS  # no officer, cohort
    assert figure["project_id"] == mine.id and "version" not in figure


def test_a_staff_endpoint_gets_every_field_and_a_reviewers_or_a_deactivated_one_nothing(
        app, endpoint_for, receiver, admin):
    from crm.webhooks import services

    officer = make_user(Role.OFFICER)
    endpoint_for("project.created", acting_as=officer)
    services.create_endpoint(admin, receiver.url, ["project.created"], make_user(Role.REVIEWER))
    gone = make_user(Role.MANAGER)
    services.create_endpoint(admin, receiver.url, ["project.created"], gone)
    gone.active = False
    _db.session.commit()
    make_project(officer, officer=officer, cohort="2024")
    [got] = receiver.received
    assert got.json["data"]["officer_id"] == officer.id and got.json["data"]["cohort"] == "2024"
    assert _db.session.scalar(_db.select(_db.func.count(Delivery.id))) == 1


def test_a_bulk_move_writes_one_delivery_per_project_only_when_subscribed(
        app, endpoint_for, receiver):
    officer = make_user(Role.OFFICER)
    endpoint_for("project.created", acting_as=officer)
    moved = [make_project(officer, officer=officer, stage="contacted") for _ in range(3)]
    bulk.start(officer, BulkAction.MOVE, {"stage": "applied", "note": ""},
               [p.id for p in moved])
    assert _events_delivered(receiver) == ["project.created"] * 3  # the moves: nobody listens

    endpoint_for("project.moved", acting_as=officer)
    bulk.start(officer, BulkAction.MOVE, {"stage": "assessed", "note": ""},
               [p.id for p in moved])
    moves = list(_db.session.scalars(_db.select(Delivery).where(
        Delivery.event == "project.moved")))
    assert sorted(_data_id(d) for d in moves) == sorted(p.id for p in moved)
    assert receiver.events[3:] == ["project.moved"] * 3


def _data_id(delivery: Delivery) -> int:
    import json

    return json.loads(delivery.payload)["data"]["id"]


def test_follow_ups_falling_due_today_are_announced_once_a_day(app, endpoint_for, receiver,
                                                                smtp_server):
    from crm.followups.reminders import send_reminders

    endpoint_for("followup.due")
    officer = make_user(Role.OFFICER)
    today = make_followup(officer, due_on=date.today())
    make_followup(officer, due_on=date.today() + timedelta(days=1))
    send_reminders(date.today())
    assert [r.json["data"]["id"] for r in receiver.received] == [today.id]


def test_people_created_by_an_attendee_import_are_announced(app, endpoint_for, receiver):
    from crm.demo.forum import seed_forum
    from crm.imports import services as imports
    from crm.imports.models import ImportJob, ImportStatus

    endpoint_for("person.created")
    officer = make_user(Role.OFFICER)
    csv = ("Nom;Prénom;E-mail;Téléphone;Organisation;Type d'organisation;Ville;Atelier;Rôle\n"
           "ALAOUI;Sara;sara.alaoui@example.org;0600000001;;;Agadir;;Participant\n"
           "BENNANI;Omar;omar.bennani@example.org;0600000002;;;Fès;;Participant\n")
    job = imports.start_import(officer, seed_forum(), "attendees.csv", csv.encode())
    imports.confirm_mapping(officer, job, job.mapping)
    imports.run_import(officer, _db.session.get(ImportJob, job.id))
    assert _db.session.get(ImportJob, job.id).status == ImportStatus.DONE
    assert sorted(r.json["data"]["email"] for r in receiver.received) == [
        "omar.bennani@example.org", "sara.alaoui@example.org"]
