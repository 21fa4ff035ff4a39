"""The admin's webhook pages: registering an endpoint, its secret, its deliveries with every
attempt, the test event and "send again"; a 404 for everyone else."""

import re

import pytest

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.extensions import db as _db
from crm.webhooks import services
from crm.webhooks.models import Delivery, DeliveryStatus, Endpoint
from tests.factories import make_project, make_user


def _endpoint_page(client, endpoint) -> str:
    response = client.get(f"/admin/webhooks/{endpoint.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_admin_registers_an_endpoint_and_it_receives_events(client, login_as, receiver):
    login_as(Role.ADMIN)
    officer = make_user(Role.OFFICER, full_name="Nadia Officer")
    form = client.get("/admin/webhooks/new").get_data(as_text=True)
    assert "Nadia Officer" in form and 'value="project.moved"' in form
    response = client.post("/admin/webhooks/new", data={
        "url": receiver.url, "description": "ERP", "events": ["project.created"],
        "acting_as_id": str(officer.id)})
    assert response.status_code == 302
    endpoint = _db.session.scalar(_db.select(Endpoint))
    assert (endpoint.url, endpoint.events, endpoint.acting_as_id) == (
        receiver.url, ["project.created"], officer.id)
    secret = services.reveal_secret(endpoint)
    assert secret not in endpoint.secret_sealed  # stored encrypted
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert secret not in page  # shown on demand only
    revealed = client.post(f"/admin/webhooks/{endpoint.id}/secret").get_data(as_text=True)
    assert secret in revealed
    seen = _db.session.scalar(_db.select(AuditEntry).where(
        AuditEntry.action == "reveal_secret", AuditEntry.entity_id == endpoint.id))
    assert seen is not None  # who saw the secret, and when
    receiver.secret = secret
    make_project()
    assert [r.valid for r in receiver.received] == [True]
    assert client.get("/admin/webhooks").status_code == 200


def test_the_form_refuses_a_bad_address_and_no_event(client, login_as):
    login_as(Role.ADMIN)
    officer = make_user(Role.OFFICER)
    response = client.post("/admin/webhooks/new", data={
        "url": "ftp://example.org/x", "events": [], "acting_as_id": str(officer.id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "starting with https://" in page
    response = client.post("/admin/webhooks/new", data={
        "url": "https://example.org/x", "acting_as_id": str(officer.id)})
    assert "Choose at least one event." in response.get_data(as_text=True)
    assert _db.session.scalar(_db.select(_db.func.count(Endpoint.id))) == 0


def test_an_admin_changes_and_disables_an_endpoint(client, login_as, endpoint_for):
    login_as(Role.ADMIN)
    endpoint = endpoint_for("project.created")
    manager = make_user(Role.MANAGER)
    response = client.post(f"/admin/webhooks/{endpoint.id}/edit", data={
        "url": endpoint.url, "description": "Tableau", "acting_as_id": str(manager.id),
        "events": ["project.moved", "person.created"], "version": str(endpoint.version)})
    assert response.status_code == 302
    _db.session.expire_all()
    assert endpoint.events == ["project.moved", "person.created"]
    assert endpoint.acting_as_id == manager.id and endpoint.active is False  # unticked


def test_both_attempts_show_on_the_page_and_a_failed_delivery_is_sent_again(
        client, login_as, endpoint_for, receiver):
    login_as(Role.ADMIN)
    endpoint = endpoint_for("project.created")
    receiver.answers = [500, 502]
    make_project()
    delivery = _db.session.scalar(_db.select(Delivery))
    assert delivery.status == DeliveryStatus.FAILED
    response = client.post(f"/admin/webhooks/deliveries/{delivery.id}/send-again")
    assert response.status_code == 302
    page = _endpoint_page(client, endpoint)
    assert "HTTP 500" in page and "HTTP 502" in page
    client.post(f"/admin/webhooks/deliveries/{delivery.id}/send-again")
    page = _endpoint_page(client, endpoint)
    assert re.search(r"HTTP 500.*HTTP 502.*HTTP 200", page, re.S)
    _db.session.expire_all()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempt_count == 3
    refused = client.post(f"/admin/webhooks/deliveries/{delivery.id}/send-again",
                          follow_redirects=True).get_data(as_text=True)
    assert "Only a delivery that failed can be sent again." in refused
    assert len(receiver.received) == 3


def test_a_test_event_and_a_new_secret(client, login_as, endpoint_for, receiver):
    login_as(Role.ADMIN)
    endpoint = endpoint_for("person.created")
    assert client.post(f"/admin/webhooks/{endpoint.id}/test").status_code == 302
    assert receiver.events == ["ping"] and receiver.received[0].valid
    assert receiver.received[0].json["data"] == {"type": "endpoint", "id": endpoint.id}
    old = services.reveal_secret(endpoint)
    client.post(f"/admin/webhooks/{endpoint.id}/secret/new")
    _db.session.expire_all()
    assert services.reveal_secret(endpoint) != old
    client.post(f"/admin/webhooks/{endpoint.id}/test")
    assert [r.valid for r in receiver.received] == [True, False]
    assert "HTTP 401" in _endpoint_page(client, endpoint)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OFFICER, Role.INNOVATOR, Role.REVIEWER])
def test_every_webhook_page_is_404_for_anyone_but_an_admin(client, login_as, receiver, role):
    admin = make_user(Role.ADMIN)
    endpoint = services.create_endpoint(admin, receiver.url, ["project.created"],
                                        make_user(Role.OFFICER))
    secret = services.reveal_secret(endpoint)
    receiver.secret, receiver.answers = secret, [500]
    make_project()
    delivery = _db.session.scalar(_db.select(Delivery))
    login_as(role)
    pages = ["/admin/webhooks", "/admin/webhooks/new", f"/admin/webhooks/{endpoint.id}",
             f"/admin/webhooks/{endpoint.id}/edit"]
    buttons = pages[1:2] + [f"/admin/webhooks/{endpoint.id}/{action}" for action in (
        "edit", "secret", "secret/new", "test")] + [
        f"/admin/webhooks/deliveries/{delivery.id}/send-again"]
    for url in pages:
        assert client.get(url).status_code == 404, url
    for url in buttons:
        response = client.post(url, data={"url": "https://evil.example", "events": [
            "project.created"], "acting_as_id": "1"})
        assert response.status_code == 404, url
        assert secret not in response.get_data(as_text=True)
    _db.session.expire_all()
    assert services.reveal_secret(endpoint) == secret and endpoint.url == receiver.url
    assert len(receiver.received) == 1 and _db.session.scalar(
        _db.select(_db.func.count(Endpoint.id))) == 1


def test_the_deliveries_are_listed_newest_first_a_page_at_a_time(client, login_as,
                                                                  endpoint_for):
    login_as(Role.ADMIN)
    endpoint = endpoint_for("project.created")
    _db.session.add_all([Delivery(endpoint=endpoint, event="project.created", payload="{}",
                                  status=DeliveryStatus.DELIVERED) for _ in range(30)])
    _db.session.commit()
    page = _endpoint_page(client, endpoint)
    assert f'href="/admin/webhooks/{endpoint.id}?page=2"' in page
    assert client.get(f"/admin/webhooks/{endpoint.id}?page=2").status_code == 200
