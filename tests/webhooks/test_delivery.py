"""Deliveries: signed, retried with back-off after a failure, given up, sent again; written
only for a committed change and only for the endpoints that subscribe."""

import hashlib
import hmac
import time
from datetime import timedelta

import pytest

from crm.common.records import ConflictError
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db as _db
from crm.pipeline import services as pipeline
from crm.webhooks import delivery, services
from crm.webhooks import events as webhooks
from crm.webhooks.models import Delivery, DeliveryStatus
from tests.factories import make_person, make_project


def _deliveries(event=None) -> list[Delivery]:
    query = _db.select(Delivery).order_by(Delivery.id)
    if event:
        query = query.where(Delivery.event == event)
    _db.session.expire_all()
    return list(_db.session.scalars(query))


def test_a_committed_change_reaches_the_receiver_signed(app, endpoint_for, receiver):
    endpoint = endpoint_for("project.created")
    project = make_project(name="Coopérative Argane")
    [sent] = _deliveries()
    [got] = receiver.received
    assert got.valid
    assert got.headers["X-CRM-Event"] == "project.created"
    assert got.headers["X-CRM-Delivery"] == str(sent.id)
    assert got.body == sent.payload.encode()  # the stored body is the one signed
    assert got.json["event"] == "project.created"
    assert got.json["data"]["type"] == "project"
    assert got.json["data"]["id"] == project.id
    assert got.json["data"]["name"] == "Coopérative Argane"
    assert sent.status == DeliveryStatus.DELIVERED and sent.next_attempt_at is None
    assert [(a.status_code, a.error) for a in sent.attempts] == [(200, "")]
    assert sent.endpoint_id == endpoint.id


def test_a_500_is_tried_again_after_the_back_off_and_then_delivered(app, endpoint_for,
                                                                    receiver, runner):
    endpoint_for("project.created")
    receiver.answers = [500]
    make_project()
    [failed] = _deliveries()
    assert failed.status == DeliveryStatus.FAILED and failed.attempt_count == 1
    first_try = failed.attempts[0].at
    assert failed.next_attempt_at == first_try + timedelta(minutes=1)

    assert delivery.deliver_due(now=first_try + timedelta(seconds=59)) == 0  # not due yet
    moment = (first_try + timedelta(seconds=61)).isoformat(sep=" ", timespec="seconds")
    result = runner.invoke(args=["crm", "deliver-webhooks", "--now", moment])
    assert "1 webhook delivery attempts made" in result.output, result.output

    [done] = _deliveries()
    assert done.status == DeliveryStatus.DELIVERED and done.attempt_count == 2
    assert [a.status_code for a in done.attempts] == [500, 200]
    assert [r.valid for r in receiver.received] == [True, True]
    assert receiver.received[0].body == receiver.received[1].body


def test_every_attempt_failing_ends_given_up_after_the_longest_back_off(app, endpoint_for,
                                                                        receiver):
    endpoint_for("project.created")
    receiver.answers = [503] * 10
    make_project()
    [sent] = _deliveries()
    delays = []
    while sent.next_attempt_at is not None:
        delays.append(sent.next_attempt_at - sent.attempts[-1].at)
        assert delivery.deliver_due(now=sent.next_attempt_at) == 1
        [sent] = _deliveries()
    assert delays == [timedelta(minutes=m) for m in (1, 5, 25, 125, 625)]
    assert sent.status == DeliveryStatus.GIVEN_UP
    assert sent.attempt_count == delivery.MAX_ATTEMPTS == len(receiver.received)
    assert delivery.deliver_due(now=utcnow() + timedelta(days=30)) == 0

    receiver.answers = []
    services.send_again(None, sent)
    [sent] = _deliveries()
    assert sent.status == DeliveryStatus.DELIVERED and sent.attempts[-1].status_code == 200


def test_a_receiver_with_another_secret_refuses_and_the_delivery_fails(app, endpoint_for,
                                                                       receiver):
    endpoint_for("project.created")
    receiver.secret = "not-the-endpoints-secret"
    make_project()
    [sent] = _deliveries()
    assert [r.valid for r in receiver.received] == [False]
    assert sent.status == DeliveryStatus.FAILED and sent.attempts[0].status_code == 401


def test_a_new_secret_signs_the_next_deliveries(app, endpoint_for, receiver, admin):
    endpoint = endpoint_for("project.created")
    old = services.reveal_secret(endpoint)
    services.rotate_secret(admin, endpoint)
    assert services.reveal_secret(endpoint) != old
    make_project()
    assert [r.valid for r in receiver.received] == [False]  # the receiver kept the old one
    receiver.secret = services.reveal_secret(endpoint)
    make_project()
    assert [r.valid for r in receiver.received] == [False, True]


def test_a_rolled_back_change_writes_and_sends_nothing(app, endpoint_for, receiver, db):
    endpoint_for("project.moved", "person.created")
    project = make_project(stage="identified")
    # Someone else saved the project meanwhile: the move's commit fails and is rolled back.
    table = type(project).__table__
    db.session.execute(table.update().where(table.c.id == project.id)
                       .values(version=project.version + 1))
    with pytest.raises(ConflictError):
        pipeline.move_project(None, project, pipeline.get_stage("contacted"))
    person = make_person()  # a later commit does not carry the rolled-back event
    assert [d.event for d in _deliveries()] == ["person.created"]
    assert receiver.events == ["person.created"]
    assert receiver.received[0].json["data"]["id"] == person.id


def test_an_emitted_event_is_forgotten_when_its_transaction_rolls_back(app, endpoint_for,
                                                                       receiver, db):
    endpoint_for("project.created")
    project = make_project()
    webhooks.emit("project.created", project)
    db.session.rollback()
    db.session.commit()
    assert len(_deliveries()) == 1 and len(receiver.received) == 1  # the creation only


def test_nothing_is_written_for_events_no_active_endpoint_subscribes_to(app, endpoint_for,
                                                                        receiver, admin):
    endpoint = endpoint_for("person.created")
    make_project()
    assert _deliveries() == []
    services.update_endpoint(admin, endpoint, None, endpoint.url, ["project.created"],
                             endpoint.acting_as, active=False)
    make_project()
    make_person()
    assert _deliveries() == [] and receiver.received == []


def test_a_disabled_endpoint_keeps_what_waits_and_gets_it_once_enabled(app, endpoint_for,
                                                                       receiver, admin):
    endpoint = endpoint_for("project.created")
    receiver.answers = [500]
    make_project()
    services.update_endpoint(admin, endpoint, None, endpoint.url, endpoint.events,
                             endpoint.acting_as, active=False)
    later = utcnow() + timedelta(hours=1)
    assert delivery.deliver_due(now=later) == 0
    services.update_endpoint(admin, endpoint, None, endpoint.url, endpoint.events,
                             endpoint.acting_as, active=True)
    assert delivery.deliver_due(now=later) == 1
    assert _deliveries()[0].status == DeliveryStatus.DELIVERED


def test_the_command_deletes_closed_deliveries_after_the_keeping_time(app, endpoint_for,
                                                                      receiver):
    endpoint_for("project.created")
    make_project()
    [sent] = _deliveries()
    assert delivery.deliver_due(now=sent.created_at + timedelta(days=89)) == 0
    assert len(_deliveries()) == 1
    delivery.deliver_due(now=sent.created_at + timedelta(days=delivery.KEEP_DAYS, seconds=1))
    assert _deliveries() == []


def test_signing_follows_the_documented_algorithm():
    body = b'{"event":"ping"}'
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert delivery.sign("s3cret", 1700000000, body) == f"sha256={expected}"


def test_a_secret_sealed_under_another_secret_key_is_never_sent_unsigned(app, endpoint_for,
                                                                         receiver):
    endpoint = endpoint_for("project.created")
    app.config["SECRET_KEY"] = "another-secret-key-after-a-rotation"
    make_project()
    [sent] = _deliveries()
    assert receiver.received == []
    assert sent.status == DeliveryStatus.FAILED and "SECRET_KEY" in sent.attempts[0].error
    with pytest.raises(ServiceError):
        services.reveal_secret(endpoint)


def test_the_thread_runner_sends_once_the_change_is_committed(committing_app, receiver):
    from crm.auth.models import Role
    from tests.factories import make_user

    committing_app.config["JOB_RUNNER"] = "thread"
    endpoint = services.create_endpoint(make_user(Role.ADMIN), receiver.url,
                                        ["project.created"], make_user(Role.OFFICER))
    receiver.secret = services.reveal_secret(endpoint)
    make_project()
    deadline = time.monotonic() + 10
    while not (receiver.received and _deliveries()[0].status == DeliveryStatus.DELIVERED):
        assert time.monotonic() < deadline, "not delivered by the thread within 10 s"
        _db.session.rollback()  # a new transaction sees what the thread committed
        time.sleep(0.05)
    assert [r.valid for r in receiver.received] == [True]


def test_a_receiver_that_is_down_costs_one_attempt_a_run_and_its_backlog_waits(
        app, endpoint_for, receiver, db):
    endpoint_for("project.created")
    projects = [make_project() for _ in range(3)]
    receiver.received.clear()
    db.session.execute(db.delete(Delivery))
    receiver.answers = [500]
    for project in projects:  # three events of one transaction (as a bulk change)
        webhooks.emit("project.created", project)
    db.session.commit()
    assert [d.attempt_count for d in _deliveries()] == [1, 0, 0]  # the task stopped at once
    receiver.answers = [503]
    later = utcnow() + timedelta(minutes=2)
    assert delivery.deliver_due(now=later) == 1  # one fails: the others wait for next time
    assert delivery.deliver_due(now=later) == 2
    assert delivery.deliver_due(now=later + timedelta(minutes=10)) == 1
    assert [d.status for d in _deliveries()] == [DeliveryStatus.DELIVERED] * 3
