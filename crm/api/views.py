"""The API's pages: its OpenAPI document and readable reference (public), and the account
page where a user creates and revokes their personal tokens (a session, with CSRF)."""

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from crm.api import tokens
from crm.api.core import PREFIX, openapi_document
from crm.api.forms import NewTokenForm
from crm.api.models import Scope
from crm.auth.permissions import public, require
from crm.common.forms import EmptyForm
from crm.common.web import actor, found_or_404, report_service_error
from crm.errors import ServiceError

bp = Blueprint("api", __name__)


@bp.get(f"{PREFIX}/openapi.json")
@public
def openapi_json():
    return jsonify(openapi_document(current_app))


@bp.get(f"{PREFIX}/docs")
@public
def show_docs():
    """The reference, rendered here from the document (no script, no outside assets)."""
    return render_template("api/show_docs.html", spec=openapi_document(current_app))


def _render_tokens(form: NewTokenForm, created: tokens.NewToken | None = None):
    user = actor()
    return render_template("api/list_tokens.html", form=form, created=created,
                           tokens=tokens.tokens_of(user), revoke_form=EmptyForm())


@bp.get("/account/api-tokens")
@require("api.use")
def list_tokens():
    return _render_tokens(NewTokenForm())


@bp.post("/account/api-tokens")
@require("api.use")
def create_token():
    """The secret is shown on this answer only: never stored, never put in a redirect."""
    form = NewTokenForm()
    if form.validate_on_submit():
        try:
            created = tokens.create_token(actor(), form.name.data, Scope(form.scope.data),
                                          form.days.data)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            return _render_tokens(NewTokenForm(formdata=None), created)
    return _render_tokens(form), 422


@bp.post("/account/api-tokens/<int:token_id>/revoke")
@require("api.use")
def revoke_token(token_id: int):
    token = found_or_404(tokens.get_token_of(actor(), token_id))
    if EmptyForm().validate_on_submit():
        tokens.revoke_token(actor(), token)
        flash(_("The token %(name)s was revoked: it no longer works.", name=token.name),
              "success")
    return redirect(url_for("api.list_tokens"))
