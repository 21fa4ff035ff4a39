"""Registering webhook endpoints (admins) and the buttons of their page: a new secret, a test
event, sending a delivery again; the reads of the admin pages."""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func

from crm.audit import services as audit
from crm.auth.models import User
from crm.common.records import commit_or_conflict, update_record
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.jobs.runner import enqueue
from crm.webhooks import addresses, keys, payloads
from crm.webhooks.events import EVENTS, TEST_EVENT
from crm.webhooks.models import Delivery, DeliveryStatus, Endpoint

ENTITY = "webhook_endpoint"
FIELDS = ["url", "description", "events", "acting_as_id", "active"]
DISABLED = _l("This endpoint is disabled: enable it first.")
UNREADABLE = _l("The secret can no longer be read (the server's secret key was changed): make "
                "a new one.")


def _clean(url: str, events: list[str], acting_as: User | None, description: str) -> dict:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServiceError(_l("Give the full address of the receiving system, starting with "
                              "https:// (or http://)."), field="url")
    if addresses.refusal(url):
        raise ServiceError(_l("This address is not on the internet (or cannot be found): "
                              "webhooks go to public addresses only."), field="url")
    if not events or not set(events) <= set(EVENTS):
        raise ServiceError(_l("Choose at least one event."), field="events")
    if acting_as is None or not acting_as.active:
        raise ServiceError(_l("Choose an active account: the endpoint receives only what this "
                              "account may see."), field="acting_as_id")
    return {"url": url, "events": [event for event in EVENTS if event in events],
            "acting_as_id": acting_as.id, "description": (description or "").strip()}


def create_endpoint(actor, url: str, events: list[str], acting_as: User | None,
                    description: str = "") -> Endpoint:
    """Register an endpoint, with a new secret, active at once."""
    endpoint = Endpoint(**_clean(url, events, acting_as, description),
                        secret_sealed=keys.seal(keys.new_secret()), active=True,
                        created_by_id=actor.id if actor else None)
    db.session.add(endpoint)
    db.session.flush()
    audit.record(actor, "create", ENTITY, endpoint.id, audit.snapshot(endpoint, FIELDS))
    db.session.commit()
    return endpoint


def update_endpoint(actor, endpoint: Endpoint, expected_version: int | None, url: str,
                    events: list[str], acting_as: User | None, description: str = "",
                    active: bool = True) -> dict:
    """Change what an endpoint receives, where and as whom; disable or enable it."""
    data = _clean(url, events, acting_as, description) | {"active": bool(active)}
    changes = update_record(actor, endpoint, ENTITY, expected_version, data)
    commit_or_conflict(endpoint)
    return changes


def rotate_secret(actor, endpoint: Endpoint) -> None:
    """A new secret: the old one stops working at once (the receiver needs the new one)."""
    endpoint.secret_sealed = keys.seal(keys.new_secret())
    audit.record(actor, "update", ENTITY, endpoint.id, {"secret": ["…", "…"]})  # never values
    commit_or_conflict(endpoint)


def reveal_secret(endpoint: Endpoint, actor=None) -> str:
    """The secret in clear, for the admin to give to the receiving system; who saw it, and
    when, goes to the endpoint's history (`actor`)."""
    try:
        secret = keys.unseal(endpoint.secret_sealed)
    except keys.UnreadableSecret as unreadable:
        raise ServiceError(UNREADABLE) from unreadable
    if actor is not None:
        audit.record(actor, "reveal_secret", "webhook_endpoint", endpoint.id)
        db.session.commit()
    return secret


def send_test_event(actor, endpoint: Endpoint) -> Delivery:
    """A "ping" delivery, sent at once, whatever the endpoint subscribes to."""
    if not endpoint.active:
        raise ServiceError(DISABLED)
    now = utcnow()
    body = payloads.body(TEST_EVENT, {"type": "endpoint", "id": endpoint.id}, now)
    delivery = Delivery(endpoint=endpoint, event=TEST_EVENT, payload=body, next_attempt_at=now)
    db.session.add(delivery)
    db.session.commit()
    enqueue("webhooks.deliver", delivery.id)
    return delivery


def send_again(actor, delivery: Delivery) -> None:
    """One more attempt now at a delivery that failed or was given up (the same body)."""
    if delivery.status not in (DeliveryStatus.FAILED, DeliveryStatus.GIVEN_UP):
        raise ServiceError(_l("Only a delivery that failed can be sent again."))
    if not delivery.endpoint.active:
        raise ServiceError(DISABLED)
    delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, utcnow()
    db.session.commit()
    enqueue("webhooks.deliver", delivery.id)


def list_endpoints() -> list[Endpoint]:
    return list(db.session.scalars(db.select(Endpoint).options(
        db.joinedload(Endpoint.acting_as)).order_by(Endpoint.id)))


def get_endpoint(endpoint_id: int) -> Endpoint | None:
    return db.session.get(Endpoint, endpoint_id)


def get_delivery(delivery_id: int) -> Delivery | None:
    return db.session.get(Delivery, delivery_id)


def status_counts(endpoint_ids: list[int]) -> dict[int, dict[DeliveryStatus, int]]:
    """How many deliveries of each endpoint are in each status (one query)."""
    counts: dict[int, dict[DeliveryStatus, int]] = {}
    query = (db.select(Delivery.endpoint_id, Delivery.status, func.count())
             .where(Delivery.endpoint_id.in_(endpoint_ids))
             .group_by(Delivery.endpoint_id, Delivery.status))
    for endpoint_id, status, count in db.session.execute(query):
        counts.setdefault(endpoint_id, {})[status] = count
    return counts


def deliveries_of(endpoint: Endpoint) -> Select:
    """The endpoint's deliveries, newest first, each with its attempts."""
    return (db.select(Delivery).where(Delivery.endpoint_id == endpoint.id)
            .options(db.selectinload(Delivery.attempts)).order_by(Delivery.id.desc()))


def account_choices() -> list[tuple[int, str]]:
    """The active accounts an endpoint may act as, by role then name."""
    users = db.session.scalars(db.select(User).where(User.active.is_(True))
                               .options(db.joinedload(User.person))
                               .order_by(User.role, User.full_name, User.email))
    return [(user.id, f"{user.display_name} <{user.email}> — {user.role.label}")
            for user in users]


def get_account(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None
