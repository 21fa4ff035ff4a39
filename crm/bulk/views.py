"""Bulk actions on the lists of projects, people and organizations: the form under each
list, the ticked rows' export, the job's progress and its undo."""

from urllib.parse import parse_qsl

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from crm.auth.permissions import can, ensure, require
from crm.bulk import services, undo
from crm.bulk.entities import ENTITIES, Entity
from crm.bulk.forms import BulkForm, BulkStartForm, list_form
from crm.bulk.models import BulkAction, BulkJob
from crm.common.ids import parse_id
from crm.common.spreadsheet import export_response
from crm.common.web import actor, flash_form_errors, found_or_404
from crm.errors import ServiceError
from crm.forums import services as forums
from crm.pipeline import services as pipeline
from crm.projects import services as projects

bp = Blueprint("bulk", __name__, url_prefix="/bulk")
LIST = "<any(projects, people, organizations):entity>"


def form_under_list(name: str) -> BulkStartForm | None:
    """The first step of a bulk action under the list `name`: which records, which action
    (those the reader may take); its details come next. None for those who run none."""
    if not can(current_user, "bulk.run"):
        return None
    entity = ENTITIES[name]
    return list_form(entity, services.allowed_actions(current_user, entity),
                     request.query_string.decode("utf-8", "replace"))


def _form(entity: Entity) -> BulkForm:
    """The posted form. A NUL byte is a 400 here, before the steps that read the form
    without validating it (PostgreSQL refuses NUL in text, the kept query included)."""
    if any("\x00" in key + value for key, value in request.form.items(multi=True)):
        abort(400)
    return BulkForm().for_entity(entity)


def _list_page(entity: Entity, form: BulkForm) -> str:
    """The list the form came from, filtered as it was (a filter may be repeated)."""
    args = MultiDict(parse_qsl(form.query.data or "")).to_dict(flat=False)
    return url_for(entity.endpoint, **args)


def _chosen_ids(entity: Entity, form: BulkForm) -> list[int]:
    if form.scope.data == "all":
        return entity.ids(form.query.data)
    return [i for i in (parse_id(v) for v in request.form.getlist(entity.tick)) if i]


def _params(form: BulkForm) -> dict:
    return {"stage": form.stage.data or "", "note": form.note.data or "",
            "officer_id": parse_id(form.officer_id.data or ""), "tag": form.tag.data or "",
            "title": form.title.data or "", "kind": form.kind.data or "call",
            "due_on": form.due_on.data.isoformat() if form.due_on.data else "",
            "session_id": parse_id(form.session_id.data or ""),
            "role": form.role.data or "participant", "attended": bool(form.attended.data)}


def _fill_choices(form: BulkForm, action: BulkAction) -> None:
    """The options of the one field list the action needs (each costs a query)."""
    if action == BulkAction.MOVE:
        form.stage.choices = [("", "—")] + [(s.code, s.name) for s in pipeline.list_stages()]
    elif action == BulkAction.ASSIGN:
        form.officer_id.choices = [("", _("Nobody"))] + [
            (str(i), n) for i, n in projects.officer_choices()]
    elif action == BulkAction.PARTICIPATE:
        form.session_id.choices = [("", "—")] + [
            (str(i), n) for i, n in forums.session_choices()]
        form.attended.data = True  # as when one person is listed


@bp.post(f"/{LIST}/prepare")
@require("bulk.run")
def prepare_job(entity: str):
    """Second step: the chosen records counted, and only the fields the action needs."""
    kind = ENTITIES[entity]
    form = _form(kind)
    back = _list_page(kind, form)
    if form.action.data not in {a.value for a in kind.actions}:
        flash(_("Choose an action."), "danger")
        return redirect(back)
    ids = _chosen_ids(kind, form)
    if not ids:
        flash(str(kind.texts["nothing"]), "warning")
        return redirect(back)
    action = BulkAction(form.action.data)
    _fill_choices(form, action)
    return render_template("bulk/prepare.html", form=form, ids=ids, back=back, action=action,
                           entity=kind)


@bp.post(f"/{LIST}")
@require("bulk.run")
def start_job(entity: str):
    kind = ENTITIES[entity]
    form = _form(kind)
    back = _list_page(kind, form)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    try:
        job = services.start(actor(), BulkAction(form.action.data), _params(form),
                             _chosen_ids(kind, form), entity=kind.name)
    except ServiceError as error:
        flash(str(error.message), "danger")
        return redirect(back)
    return redirect(url_for("bulk.show_job", bulk_id=job.id))


@bp.post(f"/{LIST}/export")
@require("bulk.run")
def export_records(entity: str):
    """The chosen rows in the list's own export (CSV, or Excel with ?format=xlsx): it
    changes nothing, so it needs the export permission and no job."""
    kind = ENTITIES[entity]
    ensure(current_user, f"{kind.noun}.export")
    form = _form(kind)
    ids = None if form.scope.data == "all" else _chosen_ids(kind, form)
    if ids == []:
        flash(str(kind.texts["nothing"]), "warning")
        return redirect(_list_page(kind, form))
    return export_response(kind.name, str(kind.texts["title"]),
                           list(map(str, kind.export_header)),
                           kind.export_rows(kind.query(form.query.data, ids)))


def _job_or_404(bulk_id: int) -> BulkJob:
    """The job, for its author, an admin (or whoever ran the job it undoes); 404 for others."""
    job = found_or_404(services.get_job(bulk_id))
    ensure(current_user, "bulk.run", job)
    return job


@bp.get("/<int:bulk_id>")
@require("bulk.run")
def show_job(bulk_id: int):
    job = _job_or_404(bulk_id)
    return render_template("bulk/show_job.html", job=job, entity=ENTITIES[job.entity],
                           reasons=services.REASONS, description=services.describe(job),
                           undoable=undo.undoable(job))


@bp.post("/<int:bulk_id>/undo")
@require("bulk.run")
def undo_job(bulk_id: int):
    """Put back what the job changed, as a new job with its own progress page."""
    job = _job_or_404(bulk_id)
    try:
        undoing = services.start_undo(actor(), job)
    except ServiceError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("bulk.show_job", bulk_id=job.id))
    return redirect(url_for("bulk.show_job", bulk_id=undoing.id))
