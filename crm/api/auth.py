"""Who is calling the API: the bearer token of each request, never the session cookie; the
token's scope, its rate limit, and the log line of each use."""

import hashlib
import logging
from functools import wraps

from flask import abort, current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from crm.api import tokens
from crm.auth.permissions import PERMISSIONS, ensure
from crm.common.time import utcnow
from crm.extensions import db

log = logging.getLogger(__name__)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def bearer_secret() -> str | None:
    """The token of `Authorization: Bearer <token>`, or None."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def rate_limit_key() -> str:
    """One bucket per token (its hash: no database read before the limit is checked), one per
    address for requests without a token."""
    secret = bearer_secret()
    if secret is None:
        return f"api-anonymous:{get_remote_address()}"
    return "api-token:" + hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def rate_limit() -> str:
    return f"{current_app.config['API_REQUESTS_PER_MINUTE']}/minute"


def authenticate() -> None:
    """Before every API view: a usable token of an active user, or 401 (a session cookie
    alone is no credential here); a read-only token writing gets 403. The token's user then
    stands for `current_user` for this request only: nothing is written to the session."""
    g._login_user = None
    secret = bearer_secret()
    token = tokens.find_token(secret) if secret else None
    if token is None:
        abort(401)
    g.api_token_id = token.id  # logged, even when refused below
    if not token.is_usable(utcnow()) or not token.user.active:
        abort(401)
    if request.method not in SAFE_METHODS and not token.can_write:
        abort(403)
    g._login_user = token.user


def log_use(response):
    """After every API request that presented a known token: one log row, the token's count."""
    token_id = g.pop("api_token_id", None)
    if token_id is not None:
        try:
            db.session.rollback()  # whatever a failed request left pending is not committed
            tokens.record_use(token_id, request.method, request.path, response.status_code)
        except Exception:  # the answer is already made; the failure is logged, not hidden
            db.session.rollback()
            log.exception("could not log the use of API token %s", token_id)
    return response


def api_require(action: str, record=None):
    """View decorator of the API: the token's user must be allowed `action` (404 otherwise,
    as the pages answer). `record(**url_arguments)` loads the record and checks the object
    rules (404) before the body is read: a record one may not see answers 404, never 422."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown permission {action!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            ensure(current_user, action)
            if record is not None:
                record(**kwargs)
            return view(*args, **kwargs)

        wrapped.required_permission = action
        wrapped.token_authenticated = True
        return wrapped

    return decorator


def actor():
    """The token's user, as a plain object for the services."""
    return current_user._get_current_object()
