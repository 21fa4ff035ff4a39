"""Two-factor sign-in: TOTP secrets (kept encrypted), recovery codes (kept hashed), who must
use it, the throttle on codes, and the audit of all of them (remembered browsers are in
`crm.auth.devices`).

The web layer (`two_factor_views`) keeps the half-signed-in state in the session and the
device cookie; these services only take the user and what was typed, like the rest."""

import base64
import hashlib
import hmac
import logging
import math
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _n
from sqlalchemy import delete, func, or_, update
from werkzeug.security import check_password_hash

from crm.audit import services as audit
from crm.audit.models import AuditEntry
from crm.auth import devices
from crm.auth.models import RecoveryCode, RememberedDevice, User
from crm.auth.permissions import TWO_FACTOR_ALWAYS, TWO_FACTOR_ENFORCEABLE
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db

log = logging.getLogger(__name__)

ENTITY = devices.ENTITY
RECOVERY_CODE_COUNT = 10
# 16 characters out of 31 that are hard to mistake for one another (no i, l, o, 0, 1): about
# 79 bits, beyond any offline guessing of their SHA-256, so a fast hash is enough.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

# Audit actions (the audit's action column holds 20 characters).
ENABLED, DISABLED, RESET, REQUIRED = "2fa_enabled", "2fa_disabled", "2fa_reset", "2fa_required"
CODES_RENEWED, RECOVERY_USED = "2fa_codes_renewed", "2fa_recovery_used"
DEVICE_SAVED, DEVICES_FORGOTTEN = devices.DEVICE_SAVED, devices.DEVICES_FORGOTTEN
FAILED = "2fa_failed"
EVENT_LABELS = {
    ENABLED: _l("Two-factor sign-in turned on"),
    DISABLED: _l("Two-factor sign-in turned off"),
    RESET: _l("Two-factor sign-in reset by an administrator"),
    REQUIRED: _l("Requirement of two-factor sign-in changed"),
    CODES_RENEWED: _l("New recovery codes made"),
    RECOVERY_USED: _l("Recovery code used"),
    DEVICE_SAVED: _l("Device remembered"),
    DEVICES_FORGOTTEN: _l("Remembered devices forgotten"),
    FAILED: _l("Wrong code"),
}

WRONG_CODE = _l("This code is not correct. Check that your phone's clock is on time.")
WRONG_RECOVERY_CODE = _l("This recovery code is not correct, or it was already used.")
REPLAYED_CODE = _l("This code was already used. Wait for the next one (a new code comes "
                   "every 30 seconds).")
WRONG_PASSWORD = _l("The password is not correct.")
NOT_ENABLED = _l("Two-factor sign-in is not on for this account.")
ALREADY_ENABLED = _l("Two-factor sign-in is already on.")
STAYS_ON = _l("Two-factor sign-in is required for your account: it cannot be turned off.")
NOT_ENFORCEABLE = _l("Two-factor sign-in can be required of officers and managers only; "
                     "administrators always need it.")
OWN_RESET = _l("You cannot reset your own two-factor sign-in: use your account page.")


# --- who needs it ---------------------------------------------------------------------------

def is_enabled(user: User) -> bool:
    return user.two_factor_enabled_at is not None


def may_be_required(user: User) -> bool:
    """Whether an administrator may require it of `user` (others have no choice to make)."""
    return user.role in TWO_FACTOR_ENFORCEABLE


def is_required(user: User) -> bool:
    """Administrators always; officers and managers when an administrator says so."""
    return user.role in TWO_FACTOR_ALWAYS or (may_be_required(user) and user.two_factor_required)


def must_set_up(user: User) -> bool:
    """Required but not set up yet: such a user reaches nothing but the setup."""
    return is_required(user) and not is_enabled(user)


def status(user: User) -> str:
    """"on", "missing" (required, not set up) or "off", for the lists."""
    if is_enabled(user):
        return "on"
    return "missing" if is_required(user) else "off"


# --- the secret, the QR code and the codes ----------------------------------------------------

def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User, secret: str) -> str:
    issuer = current_app.config["TWO_FACTOR_ISSUER"]
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code(uri: str) -> str:
    """The QR code as an SVG data: URI, drawn here so that no outside service ever sees the
    secret (the CSP allows data: images; an <img> carries an alt text)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, light="#fff")


def _fernet() -> Fernet:
    """The key of the stored secrets, derived from SECRET_KEY: a copy of the database alone
    gives no code. Changing SECRET_KEY makes them unreadable: users then sign in with a
    recovery code (or an administrator resets them) and set up again."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"crm two-factor secret").derive(current_app.secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def _decrypt(user: User) -> str | None:
    if not user.two_factor_secret:
        return None
    try:
        return _fernet().decrypt(user.two_factor_secret.encode()).decode()
    except InvalidToken:
        log.warning("two-factor secret of user %s unreadable (SECRET_KEY changed?)", user.id)
        return None


def _compact(text: str) -> str:
    """What was typed, without the spaces and hyphens people add or copy."""
    return re.sub(r"[\s-]", "", text or "").lower()


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code this is: the current one or either neighbour, so that a
    phone's clock half a minute off still works."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(int(time.time()))
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _random_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


# --- the throttle -----------------------------------------------------------------------------

def _failure_times(user: User, since: datetime) -> list[datetime]:
    """The audited wrong codes of `user` since then: in the database, so the count holds
    across workers and restarts."""
    return list(db.session.scalars(
        db.select(AuditEntry.at)
        .where(AuditEntry.entity_type == ENTITY, AuditEntry.entity_id == user.id,
               AuditEntry.action == FAILED, AuditEntry.at >= since)
        .order_by(AuditEntry.at)))


def minutes_blocked(user: User) -> int:
    """Minutes before `user` may try a code again (0: now). Refused tries are not counted,
    so the wait always ends."""
    window = timedelta(minutes=current_app.config["TWO_FACTOR_FAILURE_MINUTES"])
    limit = current_app.config["TWO_FACTOR_FAILURES"]
    now = utcnow()
    failures = _failure_times(user, now - window)
    if len(failures) < limit:
        return 0
    free_at = failures[-limit] + window
    return max(1, math.ceil((free_at - now).total_seconds() / 60))


def _check_not_blocked(user: User) -> None:
    minutes = minutes_blocked(user)
    if minutes:
        raise ServiceError(_n(
            "Too many wrong codes. Try again in %(num)d minute.",
            "Too many wrong codes. Try again in %(num)d minutes.", minutes), field="code")


def _refuse(user: User, kind: str, message, field: str = "code") -> NoReturn:
    """Audit the failure (the throttle counts these), commit it, and refuse."""
    audit.record(user, FAILED, ENTITY, user.id, {"kind": [None, kind]})
    db.session.commit()
    raise ServiceError(message, field=field)


# --- checking a code --------------------------------------------------------------------------

def _take_step(user: User, step: int) -> bool:
    """Mark the step used, unless it (or a later one) already was: a conditional UPDATE, so
    two requests racing with one code cannot both pass."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.two_factor_last_step.is_(None),
                                       User.two_factor_last_step < step))
        .values(two_factor_last_step=step)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _use_recovery_code(user: User, code: str) -> bool:
    """Use up the recovery code, once (conditional UPDATE, as for the steps)."""
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _check_app_code(user: User, code: str) -> None:
    secret = _decrypt(user)
    step = _matching_step(secret, code) if secret else None
    if step is None:
        _refuse(user, "code", WRONG_CODE)
    if not _take_step(user, step):
        _refuse(user, "replayed", REPLAYED_CODE)


def _check_recovery_code(user: User, code: str) -> None:
    if not _use_recovery_code(user, code):
        _refuse(user, "recovery", WRONG_RECOVERY_CODE)
    audit.record(user, RECOVERY_USED, ENTITY, user.id,
                 {"recovery_codes_left": [None, recovery_codes_left(user)]})


def check_code(user: User, code: str) -> None:
    """Accept a code of the user's app (each time step once) or one of their recovery codes
    (used up), else ServiceError; wrong codes are audited and throttled. Commits."""
    _check_not_blocked(user)
    code = _compact(code)
    if len(code) == 6 and code.isdigit():
        _check_app_code(user, code)
    else:
        _check_recovery_code(user, code)
    db.session.commit()


# --- turning it on and off --------------------------------------------------------------------

def _new_recovery_codes(user: User) -> list[str]:
    """Ten new codes in place of the old ones; only their hashes are kept (flushes)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_random_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(_compact(code)))
                       for code in codes)
    db.session.flush()
    return codes


def _enrol(user: User, secret: str) -> list[str]:
    user.two_factor_secret = _encrypt(secret)
    user.two_factor_enabled_at = utcnow()
    devices.forget_remembered_devices(user)
    return _new_recovery_codes(user)


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn it on with the secret given to the user's app, once a code of that app proves
    the app has it; returns the recovery codes, to be shown once. Commits."""
    if is_enabled(user):
        raise ServiceError(ALREADY_ENABLED)
    _check_not_blocked(user)
    step = _matching_step(secret, _compact(code))
    if step is None:
        _refuse(user, "setup", WRONG_CODE)
    user.two_factor_last_step = step
    codes = _enrol(user, secret)
    audit.record(user, ENABLED, ENTITY, user.id)
    db.session.commit()
    return codes


def enable_with_secret(actor: User | None, user: User, secret: str) -> list[str]:
    """Turn it on with a secret known beforehand, without a code: for the demo data (whose
    secret is documented) and the tests' accounts. Commits."""
    codes = _enrol(user, secret)
    audit.record(actor, ENABLED, ENTITY, user.id)
    db.session.commit()
    return codes


def _ensure_enabled(user: User) -> None:
    if not is_enabled(user):
        raise ServiceError(NOT_ENABLED)


def renew_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), given a code. Commits."""
    _ensure_enabled(user)
    check_code(user, code)
    codes = _new_recovery_codes(user)
    audit.record(user, CODES_RENEWED, ENTITY, user.id)
    db.session.commit()
    return codes


def _clear(user: User) -> None:
    user.two_factor_secret = user.two_factor_enabled_at = user.two_factor_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    devices.forget_remembered_devices(user)


def turn_off(user: User, password: str, code: str, *, to_set_up_again: bool = False) -> None:
    """Turn it off, given the password and a code. A user who must keep it may turn it off
    only to set it up again at once (a new phone): they then reach nothing but the setup.
    Commits."""
    _ensure_enabled(user)
    if is_required(user) and not to_set_up_again:
        raise ServiceError(STAYS_ON)
    _check_not_blocked(user)
    if not check_password_hash(user.password_hash, password or ""):
        _refuse(user, "password", WRONG_PASSWORD, field="password")
    check_code(user, code)
    _clear(user)
    audit.record(user, DISABLED, ENTITY, user.id,
                 {"set_up_again": [None, True]} if to_set_up_again else None)
    db.session.commit()


def reset(actor: User | None, user: User) -> None:
    """An administrator's answer to a lost phone (or the CLI's, `actor` None, for the only
    administrator): the secret, the recovery codes and the remembered devices go, and every
    session of the user ends. Commits."""
    if actor is not None and actor.id == user.id:
        raise ServiceError(OWN_RESET)
    _clear(user)
    user.session_epoch += 1
    audit.record(actor, RESET, ENTITY, user.id)
    db.session.commit()


def set_required(actor: User, user: User, required: bool) -> None:
    """An administrator requires it of an officer or a manager, or stops requiring it."""
    if not may_be_required(user):
        raise ServiceError(NOT_ENFORCEABLE)
    changes = audit.apply_changes(user, {"two_factor_required": required})
    if changes:
        audit.record(actor, REQUIRED, ENTITY, user.id, changes)
    db.session.commit()


# --- what the pages show ----------------------------------------------------------------------

def recovery_codes_left(user: User) -> int:
    return db.session.scalar(db.select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def get_pending_user(user_id, epoch) -> User | None:
    """The user half-way through signing in, if their account still stands as it did when
    the password was given (active, same session epoch, two-factor on)."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or user.session_epoch != epoch or not is_enabled(user):
        return None
    return user


def recent_events(user: User, limit: int = 10) -> list[AuditEntry]:
    return list(db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.entity_type == ENTITY, AuditEntry.entity_id == user.id,
               AuditEntry.action.in_(EVENT_LABELS))
        .options(db.joinedload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc()).limit(limit)))


@dataclass
class Summary:
    """What the settings page and the administrator's page say about one account."""

    status: str
    required: bool
    may_be_required: bool
    enabled_at: datetime | None
    codes_left: int
    devices: list[RememberedDevice]


def summary(user: User) -> Summary:
    on = is_enabled(user)
    return Summary(status(user), is_required(user), may_be_required(user),
                   user.two_factor_enabled_at, recovery_codes_left(user) if on else 0,
                   devices.list_devices(user) if on else [])
