"""Screens of the projects domain: list, export, page, create, edit, move, assign, archive."""

from functools import lru_cache
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from crm.audit import history as audit_history
from crm.auth.permissions import can, ensure, require
from crm.bulk.views import form_under_list
from crm.calls import services as call_services
from crm.common.forms import conflict_rows
from crm.common.ids import parse_id
from crm.common.listing import IDLE_DAYS, ListParams, paginate
from crm.common.records import ConflictError
from crm.common.reference import Region, Theme, sdg_labels
from crm.common.spreadsheet import export_response
from crm.common.urls import safe_redirect_target
from crm.common.web import actor, found_or_404, report_service_error, submit
from crm.documents import services as document_services
from crm.errors import ServiceError
from crm.followups import services as followup_services
from crm.funding import services as funding_services
from crm.funding.models import OpportunityStatus
from crm.impact import services as impact_services
from crm.interactions import services as interaction_services
from crm.organizations import services as organization_services
from crm.organizations.models import OrganizationKind
from crm.pipeline import services as pipeline
from crm.pipeline.views import render_board
from crm.projects import services
from crm.projects.forms import (
    FIELD_NAMES,
    AssignOfficerForm,
    MoveProjectForm,
    NewProjectForm,
    ProjectForm,
)
from crm.projects.models import Project
from crm.tags import services as tag_services

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.app_template_filter("days_in_stage")
def days_in_stage_filter(project: Project) -> int:
    return services.days_in_stage(project)



def _project_or_404(project_id: int) -> Project:
    return found_or_404(services.get_project(project_id))


def _forum_choices() -> list[tuple[str, str]]:
    return [("", _("Not a forum edition"))] + [(str(i), n) for i, n in services.forum_choices()]


def _officer_choices(officers) -> list[tuple[str, str]]:
    return [("", _("Nobody"))] + [(str(o.id), o.display_name) for o in officers]


@lru_cache(maxsize=8)
def _sdg_choices(_locale: str) -> list[tuple[str, str]]:
    """The SDG filter's options, translated once per language."""
    return [(str(number), str(label)) for number, label in sdg_labels().items()]


@lru_cache(maxsize=8)
def _idle_choices(_locale: str) -> list[tuple[str, str]]:
    return [(str(days), ngettext("No activity for %(num)d day or more",
                                 "No activity for %(num)d days or more", days))
            for days in IDLE_DAYS]


def _filters() -> dict:
    """The choices of the list's filters."""
    return {
        "stages": [(s.code, s.name) for s in pipeline.list_stages()],
        "officers": [("none", _("Unassigned"))] + services.officer_choices(),
        "cohorts": [(c, c) for c in services.list_cohorts()],
        "themes": Theme.choices(),
        "tags": [(t.id, t.label) for t in tag_services.list_tags()],
        "regions": Region.choices(),
        "kinds": OrganizationKind.choices(),
        "idle": _idle_choices(str(get_locale())),
        "funding": OpportunityStatus.choices(),
        "sdgs": _sdg_choices(str(get_locale())),
        "indicators": impact_services.indicator_choices(str(get_locale())),
    }


@bp.get("")
@require("project.view")
def list_projects():
    params = ListParams.from_args(request.args, services.FILTERS, "name")
    page = paginate(services.list_projects(params), params.page)
    return render_template("projects/list_projects.html", page=page, filters=_filters(),
                           bulk_form=form_under_list("projects"))


@bp.get("/export")
@require("project.export")
def export_projects():
    params = ListParams.from_args(request.args, services.FILTERS, "name")
    return export_response("projects", _("Projects"), list(map(str, services.EXPORT_HEADER)),
                           services.project_rows(services.list_projects(params)))


def _move_form(project: Project, formdata=None) -> MoveProjectForm:
    form = MoveProjectForm(formdata=formdata, version=project.version)
    form.to_stage.choices = [("", _("Choose a stage"))] + [
        (s.code, s.name) for s in pipeline.list_stages() if s.id != project.stage_id]
    return form


def _officers_for(project: Project) -> list:
    """The officers a project may be given to; its own stays listed even if deactivated."""
    officers = services.list_officers()
    if project.officer is not None and project.officer not in officers:
        officers.append(project.officer)
    return officers


def _assign_form(project: Project, officers, formdata=None) -> AssignOfficerForm:
    form = AssignOfficerForm(formdata=formdata, prefix="assign", version=project.version,
                             officer_id=str(project.officer_id or ""))
    form.officer_id.choices = _officer_choices(officers)
    return form


def _render_project(project: Project, move_form: MoveProjectForm | None = None,
                    assign_form: AssignOfficerForm | None = None, conflict=None):
    """The project page; the forms are given back when they carry errors."""
    if move_form is None and can(current_user, "project.edit", project):
        move_form = _move_form(project, formdata=None)
    if assign_form is None and can(current_user, "project.assign"):
        assign_form = _assign_form(project, _officers_for(project), formdata=None)
    return render_template(
        "projects/show_project.html",
        project=project,
        stays=pipeline.stage_history(project),
        move_form=move_form,
        assign_form=assign_form,
        conflict=conflict,
        interactions=interaction_services.interactions_of(project_id=project.id),
        interaction_target={"project_id": project.id},
        followups=followup_services.followups_of(project_id=project.id),
        followup_target={"project_id": project.id},
        funding=funding_services.funding_panel(project_id=project.id),
        impact=impact_services.impact_panel([project.id]),
        history=audit_history.history("project", project.id),
        documents=document_services.documents_of(project),
        **_application_panel(project),
        document_owner=project, document_owner_type="project",
        sdg_labels=sdg_labels(),
    )


def _application_panel(project) -> dict:
    """The application the project came from, with its files, when it came through a call."""
    application = call_services.application_of_project(project.id)
    files = document_services.documents_of(application) if application else []
    return {"application": application, "application_documents": files}


@bp.get("/<int:project_id>")
@require("project.view")
def show_project(project_id: int):
    return _render_project(_project_or_404(project_id))


@bp.route("/new", methods=["GET", "POST"])
@require("project.create")
def create_project():
    organization_id = request.args.get("organization_id", "")
    organization = (organization_services.get_organization(parse_id(organization_id))
                    if parse_id(organization_id) else None)
    if organization is None or organization.archived_at is not None:
        abort(404)
    form = NewProjectForm()
    form.forum_id.choices = _forum_choices()
    if can(current_user, "project.assign"):
        form.officer_id.choices = _officer_choices(services.list_officers())
    else:
        del form.officer_id
    if form.validate_on_submit():
        if "officer_id" in form:
            officer_id = int(form.officer_id.data) if form.officer_id.data else None
        else:
            officer_id = current_user.id  # an officer's new project is in their portfolio
        try:
            project = services.create_project(
                actor(), organization, tag_names=tag_services.parse_tag_names(
                    form.tag_names.data),
                name=form.name.data or "", name_arabic=form.name_arabic.data or "",
                description=form.description.data or "", forum_id=form.forum_id.data,
                cohort=form.cohort.data or "",
                themes={Theme(t) for t in form.themes.data}, sdgs=set(form.sdgs.data),
                officer_id=officer_id,
            )
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The project %(name)s was created.", name=project.display_name), "success")
            return redirect(url_for("projects.show_project", project_id=project.id))
    return render_template("projects/create_project.html", form=form, organization=organization)



@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@require("project.edit")
def edit_project(project_id: int):
    project = _project_or_404(project_id)
    ensure(current_user, "project.edit", project)
    form = ProjectForm(obj=project, tag_names=tag_services.tag_names(project.tags))
    form.forum_id.choices = _forum_choices()
    done = submit(form, FIELD_NAMES, lambda: services.update_project(
        actor(), project, expected_version=form.version.data or None,
        tag_names=tag_services.parse_tag_names(form.tag_names.data),
        name=form.name.data or "", name_arabic=form.name_arabic.data or "",
        description=form.description.data or "", forum_id=form.forum_id.data,
        cohort=form.cohort.data or "", themes={Theme(t) for t in form.themes.data},
        sdgs=set(form.sdgs.data)))
    if done.saved:
        flash(_("The project %(name)s was saved.", name=project.display_name), "success")
        return redirect(url_for("projects.show_project", project_id=project.id))
    return render_template("projects/edit_project.html", form=form, project=project,
                           conflict=done.conflict)


@bp.post("/<int:project_id>/archive")
@require("project.edit")
def archive_project(project_id: int):
    project = _project_or_404(project_id)
    ensure(current_user, "project.edit", project)
    services.archive_project(actor(), project)
    flash(_("The project %(name)s was archived.", name=project.display_name), "success")
    return redirect(url_for("projects.show_project", project_id=project.id))


@bp.post("/<int:project_id>/restore")
@require("project.edit")
def restore_project(project_id: int):
    project = _project_or_404(project_id)
    ensure(current_user, "project.edit", project)
    services.restore_project(actor(), project)
    flash(_("The project %(name)s was restored.", name=project.display_name), "success")
    return redirect(url_for("projects.show_project", project_id=project.id))


@bp.post("/<int:project_id>/officer")
@require("project.assign")
def assign_officer(project_id: int):
    project = _project_or_404(project_id)
    officers = _officers_for(project)
    form = _assign_form(project, officers, formdata=request.form)
    if form.validate_on_submit():
        chosen = {str(o.id): o for o in officers}.get(form.officer_id.data)
        try:
            services.assign_officer(actor(), project, chosen,
                                    expected_version=form.version.data or None)
        except ConflictError as error:
            form.version.data = error.record.version
            conflict = conflict_rows(form, error.record, ["officer_id"])
            return _render_project(project, assign_form=form, conflict=conflict)
        except ServiceError as error:
            form.officer_id.errors.append(str(error.message))
        else:
            if chosen is None:
                flash(_("%(project)s is no longer assigned.", project=project.display_name),
                      "success")
            else:
                flash(_("%(project)s is now followed by %(officer)s.",
                        project=project.display_name, officer=chosen.display_name), "success")
            return redirect(url_for("projects.show_project", project_id=project.id))
    return _render_project(project, assign_form=form)


def _wants_fragment() -> bool:
    return request.headers.get("HX-Request") == "true"


def _board_args() -> dict:
    return {k: request.args[k] for k in ("officer", "cohort") if request.args.get(k)}


def _from_board(next_value: str | None) -> bool:
    """Whether the move was made on the board (its form's `next` is the board)."""
    return urlsplit(next_value or "").path == url_for("pipeline.show_board")


def _board_fragment(message: str = "", failed: dict | None = None, moved: dict | None = None):
    """The board, as a card's move control gets it back through htmx (same filters)."""
    board_args = _board_args()
    columns = services.board_filtered_by(board_args.get("officer", ""),
                                         board_args.get("cohort", ""))
    return render_template("pipeline/_board.html", columns=columns, board_args=board_args,
                           message=message, failed=failed, moved=moved, fragment=True)


@bp.post("/<int:project_id>/move")
@require("project.edit")
def move_project(project_id: int):
    project = _project_or_404(project_id)
    ensure(current_user, "project.edit", project)
    form = _move_form(project, formdata=request.form)
    if form.validate_on_submit():
        stage = pipeline.get_stage(form.to_stage.data)
        try:
            pipeline.move_project(actor(), project, stage, form.note.data or "",
                                  expected_version=form.version.data or None)
        except ServiceError as error:
            form.version.data = project.version
            if not _wants_fragment():
                report_service_error(form, error)
            failed = {"project_id": project.id, "message": str(error.message),
                      "to_stage": form.to_stage.data, "note": form.note.data}
        else:
            message = _("%(project)s moved to %(stage)s.", project=project.display_name,
                        stage=stage.name)
            if _wants_fragment():
                return _board_fragment(message=message, moved={
                    "project_id": project.id, "stage_id": project.stage_id})
            flash(message, "success")
            if _from_board(form.next.data):  # back to the same board, the card focused
                board = urlsplit(safe_redirect_target(form.next.data, ""))
                query = "&".join(filter(None, [board.query, f"moved={project.id}"]))
                return redirect(f"{board.path}?{query}")
            return redirect(safe_redirect_target(
                form.next.data, url_for("projects.show_project", project_id=project.id)))
    else:
        failed = {"project_id": project.id, "to_stage": form.to_stage.data,
                  "note": form.note.data,
                  "message": " ".join(str(e) for field in form for e in field.errors)}
    if _wants_fragment():
        return _board_fragment(failed=failed)
    if _from_board(form.next.data):
        return render_board(failed=failed)  # the user stays on the board, with the error
    return _render_project(project, move_form=form)
