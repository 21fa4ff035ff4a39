"""Screens of the impact domain: indicator catalog, targets, notes, recording and verifying
figures."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.permissions import ensure, require
from crm.common.forms import EmptyForm
from crm.common.records import ConflictError
from crm.common.time import local_today
from crm.common.web import actor, found_or_404, report_service_error, submit
from crm.errors import ServiceError
from crm.impact import services, targets
from crm.impact.forms import (
    FIELD_NAMES,
    TARGET_FIELD_NAMES,
    EditMeasurementForm,
    IndicatorForm,
    MeasurementForm,
    NewIndicatorForm,
    NoteForm,
    TargetForm,
    VerifyMeasurementForm,
)
from crm.impact.models import ImpactTarget, Indicator, Measurement, Visibility
from crm.organizations import services as organization_services
from crm.organizations.models import Organization
from crm.projects import services as project_services
from crm.projects.models import Project

bp = Blueprint("impact", __name__)


@bp.app_template_filter("indicator_label")
def indicator_label_filter(indicator: Indicator) -> str:
    return services.indicator_label(indicator)


def _project_or_404(project_id: int, action: str | None = None) -> Project:
    """The project; with `action`, one the user may change and that is not archived."""
    project = project_services.get_project(project_id)
    if project is None or (action and project.archived_at is not None):
        abort(404)
    if action:
        ensure(current_user, action, project)
    return project


def _measurement_or_404(measurement_id: int, action: str) -> Measurement:
    measurement = services.get_measurement(measurement_id)
    if measurement is None or measurement.project.archived_at is not None:
        abort(404)
    ensure(current_user, action, measurement)
    return measurement


# -- the indicator catalog ---------------------------------------------------------------------

def _part_of_choices(indicator: Indicator | None) -> list[tuple[str, str]]:
    """The totals an indicator may be a part of: top-level indicators other than itself."""
    return [("", _("None: it is a total"))] + [
        (str(i.id), i.name) for i in services.list_indicators(active_only=False)
        if i.part_of_id is None and (indicator is None or i.id != indicator.id)]


def _indicator_data(form: IndicatorForm) -> dict:
    return {"name_ar": form.name_ar.data, "name_fr": form.name_fr.data,
            "name_en": form.name_en.data, "unit": form.unit.data, "sdgs": set(form.sdgs.data),
            "standard_reference": form.standard_reference.data or "",
            "part_of_id": int(form.part_of_id.data) if form.part_of_id.data else None,
            "position": form.position.data, "active": form.active.data,
            "adds_up": form.adds_up.data}


@bp.get("/impact/indicators")
@require("indicators.manage")
def list_indicators():
    return render_template("impact/list_indicators.html",
                           indicators=services.list_indicators(active_only=False))


@bp.route("/impact/indicators/new", methods=["GET", "POST"])
@require("indicators.manage")
def create_indicator():
    form = NewIndicatorForm()
    form.part_of_id.choices = _part_of_choices(None)
    if form.validate_on_submit():
        try:
            indicator = services.save_indicator(actor(), None, code=form.code.data,
                                                **_indicator_data(form))
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The indicator %(name)s was created.", name=indicator.name), "success")
            return redirect(url_for("impact.list_indicators"))
    return render_template("impact/create_indicator.html", form=form)


@bp.route("/impact/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@require("indicators.manage")
def edit_indicator(indicator_id: int):
    indicator = found_or_404(services.get_indicator_by_id(indicator_id))
    form = IndicatorForm(obj=indicator, part_of_id=str(indicator.part_of_id or ""))
    form.part_of_id.choices = _part_of_choices(indicator)
    if form.validate_on_submit():
        try:
            services.save_indicator(actor(), indicator, **_indicator_data(form))
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The indicator %(name)s was saved.", name=indicator.name), "success")
            return redirect(url_for("impact.list_indicators"))
    return render_template("impact/edit_indicator.html", form=form, indicator=indicator)


# -- targets -----------------------------------------------------------------------------------

def _target_or_404(target_id: int) -> ImpactTarget:
    return found_or_404(targets.get_target(target_id))


def _target_indicator_choices(target: ImpactTarget | None) -> list[tuple[str, str]]:
    """Indicators in use, and the target's own indicator even if it no longer is."""
    indicators = services.list_indicators(active_only=False)
    return _indicator_choices([i for i in indicators if i.active or (
        target is not None and i.id == target.indicator_id)])


def _target_data(form: TargetForm) -> dict:
    return {"indicator_id": form.indicator_id.data, "year": form.year.data,
            "value": form.value.data, "cohort": form.cohort.data or "",
            "region": form.region.data or None, "note": form.note.data or ""}


def _render_target_form(form: TargetForm, target: ImpactTarget | None, conflict=None):
    return render_template("impact/edit_target.html", form=form, target=target,
                           conflict=conflict, cohorts=project_services.list_cohorts())


@bp.get("/impact/targets")
@require("indicators.manage")
def list_targets():
    return render_template("impact/list_targets.html", targets=targets.list_targets())


@bp.route("/impact/targets/new", methods=["GET", "POST"])
@require("indicators.manage")
def create_target():
    form = TargetForm()
    form.indicator_id.choices = _target_indicator_choices(None)
    if form.validate_on_submit():
        try:
            targets.save_target(actor(), None, **_target_data(form))
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The target was saved."), "success")
            return redirect(url_for("impact.list_targets"))
    return _render_target_form(form, None)


@bp.route("/impact/targets/<int:target_id>/edit", methods=["GET", "POST"])
@require("indicators.manage")
def edit_target(target_id: int):
    target = _target_or_404(target_id)
    form = TargetForm(obj=target, indicator_id=str(target.indicator_id))
    form.indicator_id.choices = _target_indicator_choices(target)
    done = submit(form, TARGET_FIELD_NAMES, lambda: targets.save_target(
        actor(), target, expected_version=form.version.data or None, **_target_data(form)))
    if done.saved:
        flash(_("The target was saved."), "success")
        return redirect(url_for("impact.list_targets"))
    return _render_target_form(form, target, done.conflict)


@bp.post("/impact/targets/<int:target_id>/delete")
@require("indicators.manage")
def delete_target(target_id: int):
    target = _target_or_404(target_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        targets.delete_target(actor(), target)
    except ServiceError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("The target was deleted."), "success")
    return redirect(url_for("impact.list_targets"))


# -- notes -------------------------------------------------------------------------------------

def _add_note(record: Project | Organization, back: str, **target) -> ResponseReturnValue:
    """The note form for a project or an organization (`target` names which)."""
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(actor(), form.body.data, form.written_on.data,
                              Visibility(form.visibility.data), **target)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The note was saved."), "success")
            return redirect(back)
    return render_template("impact/add_note.html", form=form, record=record, back=back,
                           action=request.path)


@bp.route("/projects/<int:project_id>/impact/notes/new", methods=["GET", "POST"])
@require("impact.edit")
def add_project_note(project_id: int):
    project = _project_or_404(project_id, "impact.edit")
    return _add_note(project, url_for("projects.show_project", project_id=project.id),
                     project=project)


@bp.route("/organizations/<int:organization_id>/impact/notes/new", methods=["GET", "POST"])
@require("impact.edit")
def add_organization_note(organization_id: int):
    organization = organization_services.get_organization(organization_id)
    if organization is None or organization.archived_at is not None:
        abort(404)
    ensure(current_user, "organization.edit", organization)
    return _add_note(organization, url_for("organizations.show_organization",
                                           organization_id=organization.id),
                     organization=organization)


# -- figures -----------------------------------------------------------------------------------

@bp.get("/projects/<int:project_id>/impact")
@require("impact.view")
def list_measurements(project_id: int):
    project = _project_or_404(project_id)
    return render_template("impact/list_measurements.html", project=project,
                           periods=services.measurements_by_period(project.id))


def _indicator_choices(indicators: list[Indicator]) -> list[tuple[str, str]]:
    return [("", _("Choose an indicator"))] + [
        (str(i.id), services.indicator_label(i)) for i in indicators]


def _prefill(indicators: list[Indicator], periods: dict) -> dict:
    """The form's first values from the query string: a quick period, an indicator."""
    data = {}
    if request.args.get("period") in periods:
        data["period_start"], data["period_end"] = periods[request.args["period"]]
    chosen = request.args.get("indicator", "")
    if chosen in {str(i.id) for i in indicators}:
        data["indicator_id"] = chosen
    return data


@bp.route("/projects/<int:project_id>/impact/new", methods=["GET", "POST"])
@require("impact.edit")
def record_measurement(project_id: int):
    project = _project_or_404(project_id, "impact.edit")
    indicators = services.list_indicators()
    periods = services.quick_periods(local_today())
    form = MeasurementForm(**({} if request.method == "POST" else _prefill(indicators,
                                                                           periods)))
    form.indicator_id.choices = _indicator_choices(indicators)
    if form.validate_on_submit():
        indicator = {str(i.id): i for i in indicators}[form.indicator_id.data]
        try:
            services.record_measurement(actor(), project, indicator, form.period_start.data,
                                        form.period_end.data, form.value.data,
                                        note=form.note.data or "")
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The figure of %(indicator)s was recorded.",
                    indicator=services.indicator_label(indicator)), "success")
            return redirect(url_for("impact.list_measurements", project_id=project.id))
    return render_template("impact/record_measurement.html", form=form, project=project,
                           periods=periods)


@bp.route("/impact/measurements/<int:measurement_id>/edit", methods=["GET", "POST"])
@require("impact.edit")
def edit_measurement(measurement_id: int):
    measurement = _measurement_or_404(measurement_id, "impact.edit")
    form = EditMeasurementForm(obj=measurement)
    done = submit(form, FIELD_NAMES, lambda: services.update_measurement(
        actor(), measurement, expected_version=form.version.data or None,
        period_start=form.period_start.data, period_end=form.period_end.data,
        value=form.value.data, note=form.note.data or ""))
    if done.saved:
        if "verified_at" in done.result:
            flash(_("The figure was saved. It was verified before: it needs to be verified "
                    "anew."), "warning")
        else:
            flash(_("The figure was saved."), "success")
        return redirect(url_for("impact.list_measurements", project_id=measurement.project_id))
    return render_template("impact/edit_measurement.html", form=form, measurement=measurement,
                           project=measurement.project, conflict=done.conflict)


@bp.post("/impact/measurements/<int:measurement_id>/verify")
@require("impact.verify")
def verify_measurement(measurement_id: int):
    measurement = _measurement_or_404(measurement_id, "impact.verify")
    back = url_for("impact.list_measurements", project_id=measurement.project_id)
    form = VerifyMeasurementForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.verify_measurement(actor(), measurement,
                                    expected_version=form.version.data or None)
    except ConflictError:
        flash(_("This figure was changed while you were reading it. Check the new value, "
                "then verify it again."), "danger")
    except ServiceError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("The figure of %(indicator)s was verified.",
                indicator=services.indicator_label(measurement.indicator)), "success")
    return redirect(back)
