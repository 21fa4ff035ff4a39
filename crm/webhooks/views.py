"""The admin's webhook pages: the endpoints, their secret, their deliveries with every attempt,
and the buttons to send a test event or a failed delivery again."""

from flask import (
    Blueprint,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from crm.auth.permissions import require
from crm.common.forms import EmptyForm
from crm.common.listing import paginate, read_page
from crm.common.web import actor, found_or_404, submit
from crm.errors import ServiceError
from crm.webhooks import services
from crm.webhooks.events import EVENTS
from crm.webhooks.forms import EndpointForm
from crm.webhooks.models import DeliveryStatus, Endpoint

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
FIELDS = ["url", "description", "events", "acting_as_id", "active"]


@bp.url_defaults
def _keep_the_endpoint_in_links(endpoint: str, values: dict) -> None:
    """The pages of deliveries (links built from the query string alone) stay on the
    endpoint being shown."""
    if (endpoint == "webhooks.show_endpoint" and has_request_context() and request.view_args
            and "endpoint_id" in request.view_args):
        values.setdefault("endpoint_id", request.view_args["endpoint_id"])


def _endpoint_or_404(endpoint_id: int) -> Endpoint:
    return found_or_404(services.get_endpoint(endpoint_id))


def _with_choices(form: EndpointForm, endpoint: Endpoint | None = None) -> EndpointForm:
    """The active accounts; the one an endpoint acts as stays listed even if deactivated."""
    choices = services.account_choices()
    if endpoint is not None and endpoint.acting_as_id not in {key for key, _label in choices}:
        choices.append((endpoint.acting_as_id, endpoint.acting_as.display_name))
    form.acting_as_id.choices = [("", _("Choose an account"))] + choices
    return form


def _saved_data(form: EndpointForm) -> dict:
    return {"url": form.url.data, "events": form.events.data or [],
            "acting_as": services.get_account(form.acting_as_id.data),
            "description": form.description.data or ""}


@bp.get("")
@require("webhook.manage")
def list_endpoints():
    endpoints = services.list_endpoints()
    return render_template("webhooks/list_endpoints.html", endpoints=endpoints,
                           counts=services.status_counts([e.id for e in endpoints]))


@bp.route("/new", methods=["GET", "POST"])
@require("webhook.manage")
def new_endpoint():
    form = _with_choices(EndpointForm())
    result = submit(form, FIELDS, lambda: services.create_endpoint(actor(), **_saved_data(form)))
    if result.saved:
        flash(_("Endpoint registered. Show its secret and give it to the receiving system: "
                "it checks the signatures with it."), "success")
        return redirect(url_for("webhooks.show_endpoint", endpoint_id=result.result.id))
    return render_template("webhooks/edit_endpoint.html", form=form, endpoint=None)


@bp.route("/<int:endpoint_id>/edit", methods=["GET", "POST"])
@require("webhook.manage")
def edit_endpoint(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    form = _with_choices(EndpointForm(obj=endpoint), endpoint)
    result = submit(form, FIELDS, lambda: services.update_endpoint(
        actor(), endpoint, form.version.data, active=form.active.data, **_saved_data(form)))
    if result.saved:
        flash(_("Endpoint saved."), "success")
        return redirect(url_for("webhooks.show_endpoint", endpoint_id=endpoint.id))
    return render_template("webhooks/edit_endpoint.html", form=form, endpoint=endpoint,
                           conflict=result.conflict)


def _show(endpoint: Endpoint, secret: str | None = None):
    return render_template(
        "webhooks/show_endpoint.html", endpoint=endpoint, events=EVENTS, secret=secret,
        form=EmptyForm(), retryable=(DeliveryStatus.FAILED, DeliveryStatus.GIVEN_UP),
        pagination=paginate(services.deliveries_of(endpoint), read_page(request.args)))


@bp.get("/<int:endpoint_id>")
@require("webhook.manage")
def show_endpoint(endpoint_id: int):
    return _show(_endpoint_or_404(endpoint_id))


@bp.post("/<int:endpoint_id>/secret")
@require("webhook.manage")
def reveal_secret(endpoint_id: int):
    """The secret on the page, on demand (a POST: never in a URL, a history or a log)."""
    endpoint = _endpoint_or_404(endpoint_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("webhooks.show_endpoint", endpoint_id=endpoint.id))
    try:
        return _show(endpoint, secret=services.reveal_secret(endpoint, actor()))
    except ServiceError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("webhooks.show_endpoint", endpoint_id=endpoint.id))


def _act(endpoint_id: int, action, done_message: str):
    """A button of the endpoint's page: do it, say so, and come back to the page."""
    endpoint = _endpoint_or_404(endpoint_id)
    if EmptyForm().validate_on_submit():
        try:
            action(actor(), endpoint)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(done_message, "success")
    return redirect(url_for("webhooks.show_endpoint", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/secret/new")
@require("webhook.manage")
def rotate_secret(endpoint_id: int):
    return _act(endpoint_id, services.rotate_secret,
                _("New secret made: the old one no longer works. Give the new one to the "
                  "receiving system."))


@bp.post("/<int:endpoint_id>/test")
@require("webhook.manage")
def send_test(endpoint_id: int):
    return _act(endpoint_id, services.send_test_event,
                _("Test event sent: its delivery is at the top of the list."))


@bp.post("/deliveries/<int:delivery_id>/send-again")
@require("webhook.manage")
def send_again(delivery_id: int):
    delivery = found_or_404(services.get_delivery(delivery_id))
    return _act(delivery.endpoint_id, lambda user, _endpoint: services.send_again(
        user, delivery), _("Delivery sent again."))
