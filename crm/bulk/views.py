"""Bulk actions on projects: the form under the projects list, and the job's progress."""

from urllib.parse import parse_qsl

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.models import Role
from crm.auth.permissions import require
from crm.bulk import services
from crm.bulk.forms import BulkForm
from crm.bulk.models import BulkAction, BulkJob
from crm.common.ids import parse_id
from crm.common.listing import ListParams
from crm.common.web import actor, flash_form_errors
from crm.errors import ServiceError
from crm.extensions import db
from crm.pipeline import services as pipeline
from crm.projects import services as projects
from crm.projects.models import Project

bp = Blueprint("bulk", __name__, url_prefix="/bulk")


def _list_page(form: BulkForm) -> str:
    """The projects list the form came from, filtered as it was."""
    return url_for("projects.list_projects", **dict(parse_qsl(form.query.data or "")))


def _chosen_ids(form: BulkForm) -> list[int]:
    if form.scope.data == "all":
        params = ListParams.from_query(form.query.data, projects.FILTERS, "name")
        query = projects.list_projects(params).with_only_columns(Project.id).order_by(None)
        return list(db.session.scalars(query))
    return [i for i in (parse_id(v) for v in request.form.getlist("project_id")) if i]


def _params(form: BulkForm) -> dict:
    return {"stage": form.stage.data or "", "note": form.note.data or "",
            "officer_id": parse_id(form.officer_id.data or ""), "tag": form.tag.data or "",
            "title": form.title.data or "", "kind": form.kind.data or "call",
            "due_on": form.due_on.data.isoformat() if form.due_on.data else ""}


@bp.post("/projects/prepare")
@require("bulk.run")
def prepare_on_projects():
    """Second step: the chosen projects counted, and only the fields the action needs."""
    form = BulkForm()
    back = _list_page(form)
    if form.action.data not in BulkAction._value2member_map_:
        flash(_("Choose an action."), "danger")
        return redirect(back)
    ids = _chosen_ids(form)
    if not ids:
        flash(_("Tick the projects to act on, or choose the whole list."), "warning")
        return redirect(back)
    fill_choices(form)
    return render_template("bulk/prepare.html", form=form, ids=ids, back=back,
                           action=BulkAction(form.action.data))


def fill_choices(form: BulkForm) -> None:
    form.stage.choices = [("", "—")] + [(s.code, s.name) for s in pipeline.list_stages()]
    form.officer_id.choices = [("", _("Nobody"))] + [
        (str(i), n) for i, n in projects.officer_choices()]


@bp.post("/projects")
@require("bulk.run")
def start_on_projects():
    form = BulkForm()
    back = _list_page(form)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    action = BulkAction(form.action.data)
    try:
        job = services.start(actor(), action, _params(form), _chosen_ids(form))
    except ServiceError as error:
        flash(str(error.message), "danger")
        return redirect(back)
    return redirect(url_for("bulk.show_job", bulk_id=job.id))


@bp.get("/<int:bulk_id>")
@require("bulk.run")
def show_job(bulk_id: int):
    job = db.session.get(BulkJob, bulk_id)
    if job is None or (job.created_by_id != current_user.id and current_user.role != Role.ADMIN):
        abort(404)
    return render_template("bulk/show_job.html", job=job, reasons=services.REASONS,
                           description=services.describe(job))
