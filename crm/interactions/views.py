"""Logging an interaction from a person, organization or project page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crm.auth.permissions import require
from crm.common.ids import parse_id
from crm.common.web import actor
from crm.errors import ServiceError
from crm.interactions import services
from crm.interactions.forms import InteractionForm
from crm.interactions.models import InteractionKind
from crm.organizations.services import get_organization
from crm.people.services import get_person
from crm.projects.services import get_project

bp = Blueprint("interactions", __name__, url_prefix="/interactions")

TARGETS = {
    "person_id": (get_person, "people.show_person"),
    "organization_id": (get_organization, "organizations.show_organization"),
    "project_id": (get_project, "projects.show_project"),
}


def _target(source):
    """The record the interaction is about, from the form or the query string (404 if none)."""
    for key, (getter, endpoint) in TARGETS.items():
        value = source.get(key, "")
        if parse_id(value) is not None:
            record = getter(parse_id(value))
            if record is None or record.archived_at is not None:
                abort(404)
            return key, record, url_for(endpoint, **{key: record.id})
    abort(404)


@bp.route("/new", methods=["GET", "POST"])
@require("interaction.create")
def log_interaction():
    key, record, back = _target(request.form if request.method == "POST" else request.args)
    form = InteractionForm(**{key: record.id})
    if form.validate_on_submit():
        try:
            services.log_interaction(
                actor(), InteractionKind(form.kind.data),
                form.occurred_on.data, form.summary.data, form.notes.data or "",
                **{key.removesuffix("_id"): record},
            )
        except ServiceError as error:
            getattr(form, error.field or "summary").errors.append(str(error.message))
        else:
            flash(_("The interaction was recorded."), "success")
            return redirect(back)
    return render_template("interactions/log_interaction.html", form=form, record=record,
                           back=back)
