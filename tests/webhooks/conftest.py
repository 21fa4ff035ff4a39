"""A real receiving system on 127.0.0.1: it checks each signature as the README tells
integrators to, keeps what it received, and answers the statuses it is given (then 200)."""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crm.auth.models import Role
from crm.webhooks import services
from tests.conftest import free_port, serving
from tests.factories import make_user

TOLERANCE_SECONDS = 300  # older timestamps are refused: a replayed delivery fails


def signature_is_valid(secret: str, headers, body: bytes) -> bool:
    """The check of the README's "Webhooks" section."""
    timestamp = headers.get("X-CRM-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("X-CRM-Signature", ""))


@dataclass
class Received:
    headers: object  # an email.message.Message: names are case-insensitive, as in HTTP
    body: bytes
    valid: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str = ""
    secret: str = ""
    answers: list[int] = field(default_factory=list)  # answered first, in order; then 200
    received: list[Received] = field(default_factory=list)

    def answer(self, headers, body: bytes) -> int:
        valid = signature_is_valid(self.secret, headers, body)
        self.received.append(Received(headers, body, valid))
        if not valid:
            return 401
        return self.answers.pop(0) if self.answers else 200

    @property
    def events(self) -> list[str]:
        return [r.headers["X-CRM-Event"] for r in self.received]


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(receiver.answer(self.headers, body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_port}/hooks"
    with serving(server):
        yield receiver


@pytest.fixture
def admin(db):
    return make_user(Role.ADMIN)


@pytest.fixture
def endpoint_for(admin, receiver):
    """An endpoint on the receiver for `events`, acting as `acting_as` (an officer when not
    given); the receiver knows its secret."""

    def register(*events, acting_as=None, url=None):
        endpoint = services.create_endpoint(admin, url or receiver.url, list(events),
                                            acting_as or make_user(Role.OFFICER))
        receiver.secret = services.reveal_secret(endpoint)
        return endpoint

    return register
