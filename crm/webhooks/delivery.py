"""Sending deliveries: signing, the POST, retries with exponential back-off, and the task and
command that send what is due.

Each POST carries the headers below; the signature is the HMAC-SHA256, keyed with the
endpoint's secret, of the timestamp, a dot and the raw body (README, "Webhooks"):

    X-CRM-Event: project.moved
    X-CRM-Delivery: 42
    X-CRM-Timestamp: 1767225600
    X-CRM-Signature: sha256=<hex digest of b"1767225600." + body>
"""

import hashlib
import hmac
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPException

from crm.common.time import utcnow
from crm.extensions import db
from crm.jobs.runner import enqueue
from crm.webhooks import addresses, keys
from crm.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)  # then 5 min, 25 min, about 2 h and 10 h: 13 h in all
BACKOFF_FACTOR = 5
# A claimed delivery is not picked again for this long (longer than a POST may take); if the
# sender dies meanwhile, the next run of the command tries it again.
LEASE = timedelta(minutes=5)
KEEP_DAYS = 90  # closed deliveries older than this are deleted by the command
DRAINED_AT_MOST = 10_000  # deliveries one task sends before leaving the rest to the command


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-CRM-Signature header's value."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def retry_delay(attempt_count: int) -> timedelta:
    """How long after its `attempt_count`-th failed attempt a delivery is tried again."""
    return FIRST_RETRY * BACKOFF_FACTOR ** (attempt_count - 1)


@dataclass
class Outgoing:
    """What one attempt sends, read before the POST so that no transaction stays open while
    the receiver answers."""

    id: int
    url: str
    secret_sealed: str
    event: str
    body: bytes
    attempt_count: int  # before this attempt


@dataclass
class Answer:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a place to send the body (urllib would turn the POST into
    a GET); the receiver's real URL is what the admin registers."""

    def redirect_request(self, *args, **kwargs):
        return None


def post(outgoing: Outgoing) -> Answer:
    """POST the body, signed now; the receiver's status code, or why there was none."""
    try:
        secret = keys.unseal(outgoing.secret_sealed)
    except keys.UnreadableSecret:  # never sent unsigned
        return Answer(None, "secret unreadable (SECRET_KEY changed): make a new secret", 0)
    refused = addresses.refusal(outgoing.url)
    if refused:
        return Answer(None, f"not sent: {refused} (webhooks go to public addresses only)", 0)
    timestamp = int(time.time())
    request = urllib.request.Request(outgoing.url, data=outgoing.body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "CRM-Webhooks/1",
        "X-CRM-Event": outgoing.event, "X-CRM-Delivery": str(outgoing.id),
        "X-CRM-Timestamp": str(timestamp),
        "X-CRM-Signature": sign(secret, timestamp, outgoing.body)})
    opener = urllib.request.build_opener(_NoRedirect)
    started = time.perf_counter()
    status, error = None, ""
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as refused:
        status = refused.code
        refused.close()
    except (urllib.error.URLError, HTTPException, OSError, ValueError) as failure:
        error = str(getattr(failure, "reason", None) or failure) or type(failure).__name__
    return Answer(status, error[:300], round((time.perf_counter() - started) * 1000))


def _claim(delivery_id: int, now: datetime) -> Outgoing | None:
    """Take the delivery if it is due and its endpoint active (one UPDATE, so two senders
    never both take it), and read what to send."""
    active = db.select(Endpoint.id).where(Endpoint.active.is_(True))
    taken = db.session.execute(
        db.update(Delivery).where(Delivery.id == delivery_id, Delivery.next_attempt_at <= now,
                                  Delivery.endpoint_id.in_(active))
        .values(next_attempt_at=now + LEASE).execution_options(synchronize_session=False))
    outgoing = None
    if taken.rowcount == 1:
        row = db.session.execute(
            db.select(Delivery.event, Delivery.payload, Delivery.attempt_count, Endpoint.url,
                      Endpoint.secret_sealed).join(Delivery.endpoint)
            .where(Delivery.id == delivery_id)).one()
        outgoing = Outgoing(delivery_id, row.url, row.secret_sealed, row.event,
                            row.payload.encode(), row.attempt_count)
    db.session.commit()
    return outgoing


def _outcome(answer: Answer, count: int, now: datetime) -> dict:
    """After the `count`-th attempt: delivered, planned again after the back-off, or given
    up."""
    if answer.ok:
        return {"status": DeliveryStatus.DELIVERED, "next_attempt_at": None}
    if count >= MAX_ATTEMPTS:
        return {"status": DeliveryStatus.GIVEN_UP, "next_attempt_at": None}
    return {"status": DeliveryStatus.FAILED, "next_attempt_at": now + retry_delay(count)}


def _record(outgoing: Outgoing, answer: Answer, now: datetime) -> None:
    """Keep the attempt and its outcome (only the sender holding the claim writes them)."""
    count = outgoing.attempt_count + 1
    db.session.execute(db.update(Delivery).where(Delivery.id == outgoing.id).values(
        attempt_count=count, **_outcome(answer, count, now)))
    db.session.add(Attempt(delivery_id=outgoing.id, at=now, status_code=answer.status_code,
                           error=answer.error, duration_ms=answer.duration_ms))
    db.session.commit()


def attempt(delivery_id: int, now: datetime | None = None) -> Answer | None:
    """One attempt at a due delivery, and the receiver's answer; None when it was not due,
    its endpoint is disabled or another sender has it. `now` says what time it is for the
    schedule (the tests move it on instead of sleeping); the signature's timestamp is always
    the clock's."""
    now = now or utcnow()
    outgoing = _claim(delivery_id, now)
    if outgoing is None:
        return None
    answer = post(outgoing)
    _record(outgoing, answer, now)
    return answer


def _next_new(endpoint_id: int, now: datetime) -> int | None:
    """The endpoint's oldest delivery never tried yet (read from the due-time index)."""
    return db.session.scalar(
        db.select(Delivery.id).where(Delivery.next_attempt_at <= now,
                                     Delivery.endpoint_id == endpoint_id,
                                     Delivery.attempt_count == 0)
        .order_by(Delivery.id).limit(1))


def deliver(delivery_id: int) -> None:
    """The job queue's task: this delivery, then the endpoint's other new ones in order, so
    that a bulk change sends its thousands of events from one task, one after another."""
    endpoint_id = db.session.scalar(
        db.select(Delivery.endpoint_id).where(Delivery.id == delivery_id))
    if endpoint_id is None:
        return
    answer = attempt(delivery_id)
    for _ in range(DRAINED_AT_MOST):
        if answer is not None and not answer.ok:
            break  # the receiver fails: the others wait for the command, not 10 s each
        next_id = _next_new(endpoint_id, utcnow())
        answer = attempt(next_id) if next_id is not None else None
        if answer is None:
            break  # none left, the endpoint disabled, or another sender has it
    db.session.commit()


def send_soon(written: list[tuple[int, int]]) -> None:
    """After a commit that wrote deliveries: one task per endpoint, unless older new
    deliveries of that endpoint still wait (a task is then on its way to them; if none is,
    the command sends them all). Never raises: the change is committed whatever happens."""
    first: dict[int, int] = {}
    for delivery_id, endpoint_id in written:
        first[endpoint_id] = min(delivery_id, first.get(endpoint_id, delivery_id))
    try:
        for endpoint_id, delivery_id in sorted(first.items()):
            waiting = _next_new(endpoint_id, utcnow())
            if waiting is None or waiting >= delivery_id:
                enqueue("webhooks.deliver", delivery_id)
    except Exception:  # the queue is down: the command sends them on its next run
        db.session.rollback()
        log.exception("webhook deliveries %s not queued", sorted(first.values()))


def deliver_due(now: datetime | None = None, limit: int = 1000) -> int:
    """The command's work (run it every minute): the deliveries due by `now`, retries
    included, oldest first, but nothing more for an endpoint once one of its attempts failed
    (a receiver that is down costs one attempt a run, not ten seconds a delivery); then
    closed deliveries past KEEP_DAYS are deleted. Returns how many attempts were made."""
    now = now or utcnow()
    due = db.session.execute(
        db.select(Delivery.id, Delivery.endpoint_id).join(Delivery.endpoint)
        .where(Delivery.next_attempt_at <= now, Endpoint.active.is_(True))
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)).all()
    db.session.commit()
    made, failing = 0, set()
    for delivery_id, endpoint_id in due:
        answer = attempt(delivery_id, now) if endpoint_id not in failing else None
        made += answer is not None
        if answer is not None and not answer.ok:
            failing.add(endpoint_id)
    db.session.execute(db.delete(Delivery).where(
        Delivery.next_attempt_at.is_(None),
        Delivery.created_at < now - timedelta(days=KEEP_DAYS)))
    db.session.commit()
    return made
