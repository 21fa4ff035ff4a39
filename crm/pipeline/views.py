"""Screens of the pipeline domain: the board and the administration of stages."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crm.auth.permissions import require
from crm.common.ids import parse_id
from crm.common.web import actor, report_service_error
from crm.errors import ServiceError
from crm.pipeline import services
from crm.pipeline.forms import NewStageForm, StageForm
from crm.pipeline.models import Stage
from crm.projects import services as project_services

bp = Blueprint("pipeline", __name__, url_prefix="/pipeline")



def _stage_or_404(code: str) -> Stage:
    try:
        return services.get_stage(code)
    except LookupError:
        abort(404)


@bp.get("")
@require("pipeline.view")
def show_board():
    return render_board()


def render_board(failed: dict | None = None, moved: dict | None = None) -> str:
    """The board page; `failed` is a refused move (its card shows the error and keeps the
    focus), `moved` the project just moved (its card, or its new column, gets the focus)."""
    board_args = {k: request.args[k] for k in ("officer", "cohort") if request.args.get(k)}
    columns = project_services.board_filtered_by(board_args.get("officer", ""),
                                                 board_args.get("cohort", ""))
    officers = [("none", _("Unassigned"))] + [
        (o.id, o.display_name) for o in project_services.list_officers()]
    cohorts = [(c, c) for c in project_services.list_cohorts()]
    return render_template("pipeline/show_board.html", columns=columns, board_args=board_args,
                           officers=officers, cohorts=cohorts, message="", failed=failed,
                           moved=moved or _moved_from_query())


def _moved_from_query() -> dict | None:
    """After a move without JavaScript, the board is reopened with `moved=<project id>`."""
    project_id = parse_id(request.args.get("moved"))
    project = project_services.get_project(project_id) if project_id else None
    if project is None:
        return None
    return {"project_id": project.id, "stage_id": project.stage_id}


@bp.get("/stages")
@require("stages.manage")
def list_stages():
    counts = project_services.count_by_stage(active_only=False, include_archived=True)
    return render_template("pipeline/list_stages.html", counts=counts)


@bp.route("/stages/new", methods=["GET", "POST"])
@require("stages.manage")
def create_stage():
    form = NewStageForm()
    if form.validate_on_submit():
        try:
            stage = services.create_stage(actor(), form.code.data, form.name_ar.data,
                                          form.name_fr.data, form.name_en.data,
                                          form.position.data, is_exit=form.is_exit.data)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The stage %(name)s was created.", name=stage.name), "success")
            return redirect(url_for("pipeline.list_stages"))
    return render_template("pipeline/create_stage.html", form=form)


@bp.route("/stages/<stage_code>", methods=["GET", "POST"])
@require("stages.manage")
def edit_stage(stage_code: str):
    stage = _stage_or_404(stage_code)
    form = StageForm(obj=stage)
    if form.validate_on_submit():
        try:
            services.update_stage(actor(), stage, name_ar=form.name_ar.data,
                                  name_fr=form.name_fr.data, name_en=form.name_en.data,
                                  position=form.position.data, active=form.active.data,
                                  stale_after_days=form.stale_after_days.data)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The stage %(name)s was saved.", name=stage.name), "success")
            return redirect(url_for("pipeline.list_stages"))
    return render_template("pipeline/edit_stage.html", form=form, stage=stage)

