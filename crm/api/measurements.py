"""/api/v1/measurements: the figures of projects' indicators. Staff read them all, record
figures and verify them; innovators read and report their own live projects' figures, as
the portal lets them."""

from flask import abort
from marshmallow import ValidationError, fields

from crm.api import access
from crm.api.auth import actor, api_require
from crm.api.core import make_blueprint
from crm.api.errors import CODES
from crm.api.fields import ApiSchema, figure, record_id, text, version
from crm.api.paging import found, list_response, one_response, page_of, page_schema
from crm.api.readonly import columns_schema, filtered, query_args
from crm.auth.permissions import can, ensure, is_own_record
from crm.extensions import db
from crm.impact import services
from crm.impact.models import Measurement
from crm.projects.models import Project
from crm.projects.services import get_project

bp = make_blueprint("measurements", "measurements",
                    "Measurements of indicators, per project and period: staff record and "
                    "verify them; innovators report their own projects' figures.")
MeasurementOut = columns_schema(Measurement, "Measurement")
FILTERS = {"project_id": Measurement.project_id, "indicator_id": Measurement.indicator_id}


class MeasurementCreate(ApiSchema):
    project_id = record_id(required=True)
    indicator_id = record_id(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True, metadata={"description": "Over: today or before."})
    value = figure(required=True)
    note = text(length=2000, load_default="")


class MeasurementUpdate(ApiSchema):
    version = version(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    value = figure(required=True)
    note = text(length=2000, load_default="")


class VerifyIn(ApiSchema):
    version = version(required=True)


def _may_see(user, measurement: Measurement) -> bool:
    """Staff: `impact.view`; an innovator: the figures of their own live projects."""
    if access.is_innovator(user):
        return is_own_record(user, measurement.project)
    return can(user, "impact.view", measurement)


def _visible(measurement_id: int) -> Measurement:
    measurement = services.get_measurement(measurement_id)
    return found(measurement, measurement is not None and _may_see(actor(), measurement))


def _reportable(project_id: int) -> Project:
    """A live project the user may record figures for: staff by `impact.edit` (portfolio
    rules), innovators by `portal.report_impact`. Anything else, even no project, is a 404:
    an innovator learns nothing of other organizations' ids."""
    user = actor()
    project = get_project(project_id)
    action = "portal.report_impact" if access.is_innovator(user) else "impact.edit"
    if project is None or project.archived_at is not None or not can(user, action, project):
        abort(404)
    return project


def _indicator(indicator_id: int):
    """An active indicator of the catalog, or a 422 on `indicator_id`."""
    indicator = services.get_indicator_by_id(indicator_id)
    if indicator is None or not indicator.active:
        raise ValidationError({"indicator_id": [str(CODES[404][1])]})
    return indicator


def _own_projects(user):
    """SQL: the ids of the innovator's organizations' live projects."""
    return db.select(Project.id).where(
        Project.organization_id.in_(access.own_organization_ids(user)),
        Project.archived_at.is_(None))


@bp.get("", endpoint="list_measurements")
@api_require("api.use")
@bp.arguments(query_args(Measurement, FILTERS), location="query", as_kwargs=True)
@bp.response(200, page_schema("Measurement", MeasurementOut))
def list_measurements(**_args):
    """The figures, oldest first (filters: project_id, indicator_id); innovators: their own
    live projects'."""
    user = actor()
    query = filtered(db.select(Measurement), Measurement, FILTERS)
    if access.is_innovator(user):
        query = query.where(Measurement.project_id.in_(_own_projects(user)))
    else:
        ensure(user, "impact.view")
    return list_response(*page_of(query, Measurement, {"id": Measurement.id}),
                         MeasurementOut())


@bp.get("/<int:measurement_id>", endpoint="get_measurement")
@api_require("api.use")
@bp.response(200, MeasurementOut)
def get_measurement(measurement_id: int):
    return one_response(_visible(measurement_id), MeasurementOut())


@bp.post("", endpoint="record_measurement")
@api_require("api.use")
@bp.arguments(MeasurementCreate)
@bp.response(201, MeasurementOut)
def record_measurement(data: dict):
    """Record a figure over a period that has ended; staff's figures are the foundation's,
    an innovator's are self-reported until an officer verifies them."""
    project = _reportable(data["project_id"])
    measurement = services.record_measurement(
        actor(), project, _indicator(data["indicator_id"]), data["period_start"],
        data["period_end"], data["value"], note=data["note"])
    return one_response(measurement, MeasurementOut(), 201)


def _live_figure(measurement_id: int, action: str) -> Measurement:
    """A figure of a live project the user may `action` (404 otherwise), as the pages
    (crm.impact.views._measurement_or_404)."""
    measurement = services.get_measurement(measurement_id)
    if measurement is None or measurement.project.archived_at is not None:
        abort(404)
    ensure(actor(), action, measurement)
    return measurement


def _verifiable(measurement_id: int) -> Measurement:
    return _live_figure(measurement_id, "impact.verify")


@bp.post("/<int:measurement_id>/verify", endpoint="verify_measurement")
@api_require("impact.verify", record=_verifiable)
@bp.arguments(VerifyIn)
@bp.response(200, MeasurementOut)
def verify_measurement(data: dict, measurement_id: int):
    """Mark the figure checked; `version` is the one read (409 if it changed since)."""
    measurement = _verifiable(measurement_id)
    services.verify_measurement(actor(), measurement, expected_version=data["version"])
    return one_response(measurement, MeasurementOut())


def _editable(measurement_id: int) -> Measurement:
    """Correcting follows the portfolio rules of `impact.edit`, as the page's edit form."""
    return _live_figure(measurement_id, "impact.edit")


@bp.patch("/<int:measurement_id>", endpoint="update_measurement")
@api_require("impact.edit", record=_editable)
@bp.arguments(MeasurementUpdate)
@bp.response(200, MeasurementOut)
def update_measurement(data: dict, measurement_id: int):
    """Correct the figure or its period; `version` is the one read (409 if it changed since).
    A verified figure whose value or period changes must be verified again."""
    measurement = _editable(measurement_id)
    services.update_measurement(actor(), measurement, data["version"], data["period_start"],
                                data["period_end"], data["value"], note=data["note"])
    return one_response(measurement, MeasurementOut())
