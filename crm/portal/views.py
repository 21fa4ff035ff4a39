"""The innovator's screens: their profile, their organizations' and projects' public details,
their figures. Every record is looked up through the innovator's own memberships (404 else)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.permissions import ensure, require
from crm.common.time import local_today
from crm.common.web import actor, found_or_404, report_service_error, submit
from crm.documents import services as document_services
from crm.errors import ServiceError
from crm.impact import services as impact
from crm.impact.forms import MeasurementForm
from crm.organizations import services as organizations
from crm.people import services as people
from crm.portal import services
from crm.portal.forms import (
    OrganizationDetailsForm,
    ProfileForm,
    ProjectDetailsForm,
    form_data,
    record_values,
)
from crm.projects import services as projects
from crm.security import flag_unexpected_fields

bp = Blueprint("portal", __name__, url_prefix="/portal")


def _my_person():
    person = people.get_person(current_user.person_id) if current_user.person_id else None
    if person is None or person.anonymized_at is not None:
        abort(404)
    return person


def _my_organization(organization_id: int):
    organization = found_or_404(organizations.get_organization(organization_id))
    ensure(current_user, "portal.edit_organization", organization)
    return organization


def _my_project(project_id: int, action: str = "portal.edit_project"):
    project = found_or_404(projects.get_project(project_id))
    ensure(current_user, action, project)
    return project


def _edit(record, form_class, fields: list[str], save, title: str, back: str,
          **context):
    """The shared edit loop: prefilled form, version check, conflict view, audit by the
    service (the innovator is the actor)."""
    form = form_class(data=record_values(record, fields)) if request.method == "GET" \
        else form_class()
    flag_unexpected_fields(current_user, form)
    done = submit(form, fields, lambda: save(actor(), record, form.version.data or None,
                                             form_data(form, fields)))
    if done.saved:
        flash(_("Your changes were saved."), "success")
        return redirect(back)
    return render_template("portal/edit_details.html", form=form, fields=fields, title=title,
                           back=back, conflict=done.conflict, **context)


def _documents_panel(owner, owner_type: str, back: str) -> dict:
    """What the documents panel shows on a portal page, and where it comes back to."""
    return {"documents": document_services.documents_of(owner), "document_owner": owner,
            "document_owner_type": owner_type, "document_next": back}


@bp.route("/profile", methods=["GET", "POST"])
@require("portal.use")
def edit_profile():
    person = _my_person()
    return _edit(person, ProfileForm, services.PROFILE_FIELDS, services.update_profile,
                 _("Your profile"), url_for("main.home"))


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@require("portal.edit_organization")
def edit_organization(organization_id: int):
    organization = _my_organization(organization_id)
    return _edit(organization, OrganizationDetailsForm, services.ORGANIZATION_FIELDS,
                 services.update_organization,
                 _("Edit %(name)s", name=organization.display_name), url_for("main.home"),
                 **_documents_panel(organization, "organization", request.path))


@bp.get("/projects/<int:project_id>")
@require("portal.use")
def show_project(project_id: int):
    project = _my_project(project_id)
    return render_template("portal/show_project.html", **services.project_context(project),
                           **_documents_panel(project, "project", request.path))


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@require("portal.edit_project")
def edit_project(project_id: int):
    project = _my_project(project_id)
    return _edit(project, ProjectDetailsForm, services.PROJECT_FIELDS, services.update_project,
                 _("Edit %(name)s", name=project.display_name),
                 url_for("portal.show_project", project_id=project.id))


@bp.route("/projects/<int:project_id>/figures/new", methods=["GET", "POST"])
@require("portal.report_impact")
def report_figure(project_id: int):
    project = _my_project(project_id, "portal.report_impact")
    indicators = impact.list_indicators()
    periods = impact.quick_periods(local_today())
    form = MeasurementForm()
    flag_unexpected_fields(current_user, form)
    if request.method == "GET" and request.args.get("period") in periods:
        form.period_start.data, form.period_end.data = periods[request.args["period"]]
    form.indicator_id.choices = [("", _("Choose an indicator"))] + [
        (str(i.id), impact.indicator_label(i)) for i in indicators]
    if form.validate_on_submit():
        indicator = {str(i.id): i for i in indicators}[form.indicator_id.data]
        try:
            impact.record_measurement(actor(), project, indicator, form.period_start.data,
                                      form.period_end.data, form.value.data,
                                      note=form.note.data or "")
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("Thank you: the figure of %(indicator)s was recorded. Your program officer "
                    "will verify it.", indicator=impact.indicator_label(indicator)), "success")
            return redirect(url_for("portal.show_project", project_id=project.id))
    return render_template("portal/report_figure.html", form=form, project=project,
                           periods=periods)
