"""Webhooks go to addresses on the internet only (unless the configuration allows the private
network): the CRM is not made to post to itself, the private network or a metadata address."""

import pytest

from crm.auth.models import Role
from crm.errors import ServiceError
from crm.webhooks import services
from crm.webhooks.models import DeliveryStatus
from tests.factories import make_project, make_user
from tests.webhooks.test_delivery import _deliveries


@pytest.fixture
def public_only(app):
    app.config["WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"] = False
    yield
    app.config["WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"] = True


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hooks", "http://localhost/hooks", "http://[::1]/hooks",
    "http://[::ffff:127.0.0.1]/hooks", "http://10.1.2.3/hooks", "http://192.168.1.20/hooks",
    "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/hooks",
    "https://no-such-host.invalid/hooks"])
def test_an_endpoint_on_a_private_or_unknown_address_is_refused(admin, public_only, url):
    with pytest.raises(ServiceError) as refused:
        services.create_endpoint(admin, url, ["project.created"], make_user(Role.OFFICER))
    assert refused.value.field == "url"


def test_an_endpoint_on_a_public_address_is_taken(admin, public_only):
    endpoint = services.create_endpoint(admin, "https://93.184.216.34/hooks",
                                        ["project.created"], make_user(Role.OFFICER))
    assert endpoint.id is not None


def test_a_delivery_is_not_sent_once_its_address_is_private(app, endpoint_for, receiver,
                                                            public_only):
    app.config["WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"] = True
    endpoint_for("project.created")  # registered while the private network was allowed
    app.config["WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"] = False
    make_project()
    [delivery] = _deliveries()
    assert receiver.received == []
    assert delivery.status != DeliveryStatus.DELIVERED
    assert "private address 127.0.0.1" in delivery.attempts[0].error
