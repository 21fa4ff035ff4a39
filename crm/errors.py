"""Business-rule errors and the translated error pages."""

import logging
import time
import uuid

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A broken business rule; its message is translatable and shown to the user."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You are not allowed to do this"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}


def _too_many_requests(error):
    """The throttled page, saying in Retry-After how many seconds to wait."""
    from crm.extensions import limiter

    body, code = _render_error(429)
    limit = limiter.current_limit
    seconds = max(1, int(limit.reset_at - time.time())) if limit is not None else 60
    return body, code, {"Retry-After": str(seconds)}


def _render_error(code: int, error_id: str | None = None):
    from crm.api.errors import api_error_for, is_api_request

    if is_api_request():
        return api_error_for(code, error_id), code
    wants_fragment = request.headers.get("HX-Request") == "true"
    template = "errors/_fragment.html" if wants_fragment else "errors/error.html"
    return (
        render_template(template, code=code, title=ERROR_TITLES[code], error_id=error_id),
        code,
    )


def register_error_handlers(app: Flask) -> None:
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, lambda error, code=code: _render_error(code))
    app.register_error_handler(429, _too_many_requests)
    app.register_error_handler(CSRFError, lambda error: _render_error(400))

    @app.errorhandler(500)
    def internal_error(error):
        from crm.extensions import db

        db.session.rollback()
        error_id = uuid.uuid4().hex[:10]
        # Flask has just logged the traceback; this line ties it to the id the user sees.
        log.error("error %s on %s %s", error_id, request.method, request.path)
        return _render_error(500, error_id)
