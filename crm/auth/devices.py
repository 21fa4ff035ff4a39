"""Remembered devices: browsers that skip the two-factor code for a while
(TWO_FACTOR_REMEMBER_DAYS), each known by the hash of its cookie's token."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from crm.audit import services as audit
from crm.auth.models import RememberedDevice, User
from crm.common.time import utcnow
from crm.extensions import db

ENTITY = "user"  # the audit's name for an account (crm.auth.two_factor records under it too)
DEVICE_SAVED, DEVICES_FORGOTTEN = "2fa_device_saved", "2fa_devices_forgot"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def remember_device(user: User, user_agent: str) -> str:
    """A token for this browser's cookie: it skips the code until it expires. Only its hash
    is kept, so a copy of the database opens nothing. Commits."""
    now = utcnow()
    db.session.execute(delete(RememberedDevice).where(
        RememberedDevice.user_id == user.id, RememberedDevice.expires_at <= now))
    token = secrets.token_urlsafe(32)
    days = current_app.config["TWO_FACTOR_REMEMBER_DAYS"]
    db.session.add(RememberedDevice(user_id=user.id, token_hash=_hash(token),
                                    user_agent=(user_agent or "")[:120], created_at=now,
                                    expires_at=now + timedelta(days=days)))
    audit.record(user, DEVICE_SAVED, ENTITY, user.id,
                 {"user_agent": [None, (user_agent or "")[:120]]})
    db.session.commit()
    return token


def is_remembered(user: User, token: str | None) -> bool:
    """Whether this cookie's token is a live remembered device of `user`."""
    if not token:
        return False
    return db.session.scalar(db.select(RememberedDevice.id).where(
        RememberedDevice.user_id == user.id, RememberedDevice.token_hash == _hash(token),
        RememberedDevice.expires_at > utcnow())) is not None


def list_devices(user: User) -> list[RememberedDevice]:
    return list(db.session.scalars(db.select(RememberedDevice).where(
        RememberedDevice.user_id == user.id, RememberedDevice.expires_at > utcnow())
        .order_by(RememberedDevice.created_at.desc())))


def forget_remembered_devices(user: User) -> None:
    """Every remembered device of `user` asks for the code again. Part of a larger change (a
    new password, 2FA turned off or reset): flushes, the caller commits."""
    db.session.execute(delete(RememberedDevice).where(RememberedDevice.user_id == user.id))
    db.session.flush()


def forget_devices(user: User) -> None:
    """The user's own "forget my devices" button. Commits."""
    forget_remembered_devices(user)
    audit.record(user, DEVICES_FORGOTTEN, ENTITY, user.id)
    db.session.commit()
