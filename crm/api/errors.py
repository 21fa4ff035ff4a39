"""The API's errors as JSON: `{"error": {"code", "message", "fields"}}`, in the requester's
language, for every failure under /api/ (the pages keep their HTML error pages)."""

from flask import Flask, jsonify, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from crm.api.fields import translated
from crm.common.records import ConflictError
from crm.errors import ServiceError
from crm.extensions import db

API_PREFIX = "/api/"
CODES = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("unauthorized", _l("Send a valid API token: Authorization: Bearer <token>.")),
    403: ("forbidden", _l("This token may only read.")),
    404: ("not_found", _l("There is no such record, or you may not see it.")),
    405: ("method_not_allowed", _l("This method is not allowed here.")),
    409: ("conflict", _l("The record changed since you read it.")),
    413: ("too_large", _l("The request is too large.")),
    415: ("unsupported_media_type", _l("Send the body as application/json.")),
    422: ("validation", _l("Some fields are not valid.")),
    429: ("rate_limited", _l("Too many requests: wait before trying again.")),
    500: ("server_error", _l("Something went wrong.")),
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(status: int, message=None, fields: dict | None = None, **extra):
    code, default = CODES.get(status, ("error", CODES[400][1]))
    body = {"code": code, "message": str(message or default)}
    if fields:
        body["fields"] = translated(fields)
    body.update(extra)
    response = jsonify({"error": body})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _http_error(error: HTTPException):
    messages = (getattr(error, "data", None) or {}).get("messages")
    if messages:  # webargs: {"json": {...}} or {"query": {...}}
        fields = {}
        for by_field in messages.values():
            fields |= by_field if isinstance(by_field, dict) else {"_body": by_field}
        return error_response(error.code or 400, fields=fields)
    response = error_response(error.code or 500)
    for name in ("Retry-After", "Allow"):
        value = error.get_headers() and dict(error.get_headers()).get(name)
        if value:
            response.headers[name] = value
    return response


def _service_error(error: ServiceError):
    """A broken business rule is a 422 with the message next to its field."""
    db.session.rollback()
    if isinstance(error, ConflictError):
        return _conflict(error)
    fields = {error.field: [str(error.message)]} if error.field else None
    return error_response(422, message=error.message, fields=fields)


def _conflict(error: ConflictError):
    return error_response(409, current_version=error.record.version)


def _validation_error(error: ValidationError):
    db.session.rollback()
    return error_response(422, fields=error.messages)


def api_error_for(code: int, error_id: str | None = None):
    """What the application's error handlers answer under /api/ instead of an HTML page."""
    extra = {"error_id": error_id} if error_id else {}
    return error_response(code, **extra)


def register_blueprint_errors(bp) -> None:
    """Broken rules, conflicts and invalid input raised in an API view become JSON."""
    bp.register_error_handler(ServiceError, _service_error)
    bp.register_error_handler(ValidationError, _validation_error)


def register_api_errors(app: Flask) -> None:
    """HTTP errors the pages have no page for (401, 409, 415, 422) are JSON under /api/;
    elsewhere they stay Flask's own. (crm.errors answers the others in JSON under /api/.)"""

    @app.errorhandler(HTTPException)
    def http_error(error):
        return _http_error(error) if is_api_request() else error
