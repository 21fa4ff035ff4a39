"""The events webhooks announce, and `emit`: the services call it before they commit; the
deliveries are written in the same transaction as the change (nothing is written, nor sent,
for a change rolled back) and handed to the job queue once it is committed."""

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from crm.common.time import utcnow
from crm.extensions import db
from crm.webhooks import payloads
from crm.webhooks.models import Delivery, Endpoint

EVENTS = {
    "project.created": _l("A project is created"),
    "project.moved": _l("A project moves to another stage"),
    "project.archived": _l("A project is archived"),
    "person.created": _l("A person is created"),
    "person.merged": _l("A person is merged into another (sent about the duplicate)"),
    "followup.due": _l("A follow-up falls due today (sent in the morning)"),
    "followup.done": _l("A follow-up is done"),
    "funding.status_changed": _l("A funding opportunity changes status"),
    "measurement.recorded": _l("An impact figure is recorded"),
    "measurement.verified": _l("An impact figure is verified"),
    "application.submitted": _l("An application is submitted to a call"),
}
TEST_EVENT = "ping"

# Kept in the session's `info` for the transaction under way.
_ENDPOINTS = "webhooks.endpoints"  # (endpoint id, events, acting account) of active endpoints
_EMITTED = "webhooks.emitted"  # (event, record) to write deliveries for at commit
_WRITTEN = "webhooks.written"  # (delivery id, endpoint id) written by this transaction
_COMMITTED = "webhooks.committed"


def _subscribers(session: Session) -> list[tuple[int, frozenset, object]]:
    """The active endpoints, read once per transaction: a bulk change of thousands of records
    reads this small table once per record, and writes nothing when nobody listens."""
    found = session.info.get(_ENDPOINTS)
    if found is None:
        query = (db.select(Endpoint).where(Endpoint.active.is_(True))
                 .options(db.joinedload(Endpoint.acting_as)))
        with session.no_autoflush:  # the change is flushed by its service (conflicts...)
            found = session.info[_ENDPOINTS] = [
                (endpoint.id, frozenset(endpoint.events), endpoint.acting_as)
                for endpoint in session.scalars(query)]
    return found


def is_listened_to(event: str) -> bool:
    """Whether an active endpoint subscribes to `event` (read once per transaction)."""
    return any(event in events for _id, events, _user in _subscribers(db.session()))


def emit(event: str, record) -> None:
    """Announce `event` about `record` to the endpoints that subscribe to it, as the record
    stands when the transaction commits. Call it before the service's commit."""
    if is_listened_to(event):
        db.session().info.setdefault(_EMITTED, []).append((event, record))


def emit_each(event: str, model, ids: list[int]) -> None:
    """`emit` for records written in bulk (an attendee import): they are loaded only when an
    endpoint listens."""
    if ids and is_listened_to(event):
        for record in db.session.scalars(db.select(model).where(model.id.in_(ids))):
            emit(event, record)


def _write_deliveries(session: Session) -> None:
    """Before the commit: one delivery per event and endpoint whose acting account may see
    the record (payloads.data_for); the rows are committed with the change."""
    emitted = session.info.pop(_EMITTED, None)
    if not emitted:
        return
    now, written = utcnow(), []
    for event, record in emitted:
        for endpoint_id, events, user in _subscribers(session):
            data = payloads.data_for(user, event, record) if event in events else None
            if data is not None:
                written.append(Delivery(endpoint_id=endpoint_id, event=event,
                                        payload=payloads.body(event, data, now),
                                        next_attempt_at=now))
    if written:
        session.add_all(written)
        session.flush()
        session.info.setdefault(_WRITTEN, []).extend((d.id, d.endpoint_id) for d in written)


def _before_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        _write_deliveries(session)


def _after_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info[_COMMITTED] = True


def _after_transaction_end(session: Session, transaction) -> None:
    """Whatever the outcome, the transaction's events are forgotten; once committed, its
    deliveries go to the job queue (outside the transaction: the task may use the session)."""
    if transaction.parent is not None or not session.info:
        return
    written = session.info.pop(_WRITTEN, None)
    committed = session.info.pop(_COMMITTED, False)
    session.info.pop(_EMITTED, None)
    session.info.pop(_ENDPOINTS, None)
    if committed and written:
        from crm.webhooks.delivery import send_soon

        send_soon(written)


def register_events(app: Flask) -> None:
    """Listen to every session's transactions (once per process, whatever the apps)."""
    for name, listener in (("before_commit", _before_commit), ("after_commit", _after_commit),
                           ("after_transaction_end", _after_transaction_end)):
        if not sa_event.contains(Session, name, listener):
            sa_event.listen(Session, name, listener)
