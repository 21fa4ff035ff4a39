"""The API's frame: the flask-smorest Api that writes the OpenAPI document from the views,
and the blueprint every resource module makes (token, scope, rate limit, log, JSON errors)."""

from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema, fields

from crm.api import auth
from crm.api.errors import register_blueprint_errors
from crm.extensions import csrf, limiter

PREFIX = "/api/v1"
TITLE = "CRM API"
DESCRIPTION = """JSON access to the CRM with a personal API token (your account page):
send `Authorization: Bearer <token>`. A token reads and writes what its user may, and only that;
anything else answers 404. Lists take `limit` (at most 100), `after` (the `next` cursor of the
previous page), `sort` and `fields` (e.g. `fields=id,name`); updates send the `version` read,
and a stale one answers 409. Errors are `{"error": {"code", "message", "fields"}}` in the
language of `Accept-Language`."""


class ErrorBody(Schema):
    code = fields.String(metadata={"description": "validation, not_found, conflict, ..."})
    message = fields.String(metadata={"description": "In the requester's language."})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(),
                          values=fields.List(fields.String()),
                          metadata={"description": "Field name -> its errors (422)."})
    current_version = fields.Integer(metadata={"description": "The saved version (409)."})


class Error(Schema):
    error = fields.Nested(ErrorBody)


class CrmApi(Api):
    """flask-smorest without its app-wide JSON error handler (the pages keep their HTML
    errors: crm.api.errors answers under /api/) and without its CDN-served docs pages."""

    ERROR_SCHEMA = Error

    def _register_error_handlers(self):
        pass

    def _register_doc_blueprint(self):
        pass


SPEC = {
    "title": TITLE,
    "version": "v1",
    "openapi_version": "3.1.0",
    "info": {"description": DESCRIPTION},
    "security": [{"bearer": []}],
}


def make_blueprint(name: str, path: str, description: str) -> SmorestBlueprint:
    """A resource's blueprint under /api/v1/<path>, behind a token."""
    bp = SmorestBlueprint(f"api_{name}", __name__, url_prefix=f"{PREFIX}/{path}",
                          description=description)
    bp.before_request(auth.authenticate)
    bp.after_request(auth.log_use)
    register_blueprint_errors(bp)
    csrf.exempt(bp)  # a token, never a cookie, authorises these requests
    limiter.limit(auth.rate_limit, key_func=auth.rate_limit_key)(bp)
    return bp


def init_api(app) -> None:
    """An Api (and its document) per application, every resource registered on it; the
    tests build several applications, and each document describes its own."""
    from crm.api import resources

    api = CrmApi(app, spec_kwargs=SPEC)
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer",
                   "description": "A personal API token, created on your account page."})
    for blueprint in resources.BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.extensions["crm_api"] = api


def openapi_document(app) -> dict:
    return app.extensions["crm_api"].spec.to_dict()
