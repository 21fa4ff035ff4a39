"""Personal API tokens: create (the secret shown once), find by secret, revoke, log each use."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from crm.api.models import ApiRequest, ApiToken, Scope
from crm.audit import services as audit
from crm.auth.permissions import can
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db

PREFIX = "crm_"
DEFAULT_DAYS = 90
MAX_DAYS = 366  # a year, leap day included
SHOWN_PREFIX_LENGTH = len(PREFIX) + 6


@dataclass
class NewToken:
    """A token just created, with its secret: the only time the secret exists in clear."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def create_token(user, name: str, scope: Scope, days: int = DEFAULT_DAYS) -> NewToken:
    """A new token of `user`'s, valid `days` days (at most a year)."""
    if not can(user, "api.use"):
        raise ServiceError(_l("Your account cannot use the API."))
    name = (name or "").strip()[:100]
    if not name:
        raise ServiceError(_l("Give the token a name, to recognise it later."), field="name")
    if not 1 <= days <= MAX_DAYS:
        raise ServiceError(_l("A token is valid for one day to one year."), field="days")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=secret[:SHOWN_PREFIX_LENGTH],
                     token_hash=hash_secret(secret), scope=Scope(scope),
                     expires_at=utcnow() + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record(user, "create", "api_token", token.id,
                 {"name": [None, name], "scope": [None, token.scope.value]})
    db.session.commit()
    return NewToken(token, secret)


def revoke_token(user, token: ApiToken) -> None:
    """Stop the token working at once; it stays listed as revoked."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(user, "revoke", "api_token", token.id)
        db.session.commit()


def tokens_of(user) -> list[ApiToken]:
    query = (db.select(ApiToken).where(ApiToken.user_id == user.id)
             .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                       ApiToken.id.desc()))
    return list(db.session.scalars(query))


def get_token_of(user, token_id: int) -> ApiToken | None:
    """The user's own token, or None (another user's token is no token of theirs)."""
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user.id else None


def find_token(secret: str) -> ApiToken | None:
    """The token a request presents, usable or not (the caller says why it is refused)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    return db.session.scalar(db.select(ApiToken).where(
        ApiToken.token_hash == hash_secret(secret)).options(db.joinedload(ApiToken.user)))


def record_use(token_id: int, method: str, path: str, status: int) -> None:
    """Log one request and count it on the token: one INSERT and one UPDATE, one commit."""
    now = utcnow()
    db.session.add(ApiRequest(token_id=token_id, at=now, method=method[:10], path=path[:300],
                              status=status))
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(
        last_used_at=now, use_count=ApiToken.use_count + 1))
    db.session.commit()


def recent_requests(token: ApiToken, limit: int = 20) -> list[ApiRequest]:
    query = (db.select(ApiRequest).where(ApiRequest.token_id == token.id)
             .order_by(ApiRequest.id.desc()).limit(limit))
    return list(db.session.scalars(query))
