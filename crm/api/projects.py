"""/api/v1/projects: list, read, create, update, move through the pipeline, stage history,
archive and restore."""

from flask import abort, request
from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate

from crm.api import access
from crm.api.auth import actor, api_require
from crm.api.common import RecordOut, VersionIn, merged, refuse_fields, tag_names, tags_field
from crm.api.core import make_blueprint
from crm.api.fields import MESSAGES, ApiSchema, FlagList, enum, record_id, text, version
from crm.api.paging import (
    found,
    list_args,
    list_response,
    one_response,
    page_of,
    page_schema,
)
from crm.auth.permissions import can, ensure
from crm.common.listing import ListParams
from crm.common.reference import SDG_NUMBERS, Theme
from crm.organizations import services as organizations
from crm.pipeline import services as pipeline
from crm.pipeline.models import Stage, StageTransition
from crm.projects import services
from crm.projects.forms import FIELD_NAMES
from crm.projects.models import Project

bp = make_blueprint("projects", "projects", "Projects and their moves through the pipeline: "
                    "innovators see their organizations' live projects.")
SORTS = {"id": Project.id, "name": Project.name, "created": Project.created_at,
         "updated": Project.updated_at, "moved": Project.stage_entered_at,
         "activity": Project.last_activity_at}
KIND = "project"


class ProjectFields(ApiSchema):
    name = text(Project.name)
    name_arabic = text(Project.name_arabic)
    description = text(Project.description)
    forum_id = record_id(allow_none=True)
    cohort = text(Project.cohort)
    themes = FlagList(enum(Theme))
    sdgs = FlagList(fields.Integer(strict=True, validate=validate.OneOf(SDG_NUMBERS)))
    tags = tags_field()


class ProjectOut(RecordOut, ProjectFields):
    organization_id = fields.Integer(dump_only=True)
    stage = fields.Function(lambda project: project.stage.code, dump_only=True)
    stage_entered_at = fields.DateTime(dump_only=True)
    officer_id = fields.Integer(dump_only=True, allow_none=True)
    cohort_name = fields.String(dump_only=True)
    last_activity_at = fields.DateTime(dump_only=True)


class ProjectCreate(ProjectFields):
    organization_id = record_id(required=True)
    stage = text(Stage.code, metadata={"description": "A stage code (identified when not "
                                                      "given)."})
    officer_id = record_id(allow_none=True, metadata={
        "description": "Managers and admins only; an officer's project is their own."})


class ProjectUpdate(VersionIn, ProjectFields):
    pass


class MoveIn(ApiSchema):
    stage = text(Stage.code, required=True, metadata={"description": "The stage's code."})
    note = text(StageTransition.note, load_default="",
                metadata={"description": "Required to leave the pipeline (declined, "
                                         "withdrawn)."})
    version = version(required=True)


class TransitionOut(ApiSchema):
    id = fields.Integer()
    from_stage = fields.Function(lambda t: t.from_stage.code if t.from_stage else None)
    to_stage = fields.Function(lambda t: t.to_stage.code)
    at = fields.DateTime()
    left_at = fields.DateTime(allow_none=True)
    by_id = fields.Integer(allow_none=True)
    note = fields.String()


def _visible(project_id: int) -> Project:
    project = services.get_project(project_id)
    return found(project, project is not None and access.may_see(actor(), KIND, project))


def _editable(project_id: int) -> Project:
    project = _visible(project_id)
    if not access.may_edit(actor(), KIND, project):
        abort(404)
    return project


def _stage(code: str) -> Stage:
    try:
        return pipeline.get_stage(code)
    except LookupError:
        raise ValidationError({"stage": [_("There is no stage with this code.")]}) from None


@bp.get("")
@api_require("api.use")
@bp.arguments(list_args("Project", services.FILTERS, SORTS), location="query", as_kwargs=True)
@bp.response(200, page_schema("Project", ProjectOut))
def list_projects(**_args):
    """The projects (the list page's filters apply); innovators: their organizations'."""
    user = actor()
    params = ListParams.from_args(request.args, services.FILTERS, "name")
    if access.is_innovator(user):
        params.filters.pop("archived", None)  # an innovator sees live projects only
        query = services.list_projects(params).where(
            Project.organization_id.in_(access.own_organization_ids(user)))
    else:
        ensure(user, "project.view")
        query = services.list_projects(params)
    return list_response(*page_of(query, Project, SORTS), ProjectOut())


@bp.get("/<int:project_id>")
@api_require("api.use")
@bp.response(200, ProjectOut)
def get_project(project_id: int):
    return one_response(_visible(project_id), ProjectOut())


def _organization_for_new_project(organization_id: int):
    organization = organizations.get_organization(organization_id)
    if organization is None or organization.archived_at is not None:
        raise ValidationError({"organization_id": [_("There is no such live organization.")]})
    return organization


def _officer_id(user, data: dict) -> int | None:
    """Assigners choose the officer; an officer's new project is in their portfolio."""
    if not can(user, "project.assign"):
        if "officer_id" in data:
            raise ValidationError({"officer_id": [str(MESSAGES["Unknown field."])]})
        return user.id if can(user, "project.edit") else None
    return data.get("officer_id")


@bp.post("")
@api_require("project.create")
@bp.arguments(ProjectCreate)
@bp.response(201, ProjectOut)
def create_project(data: dict):
    """Create a project at a stage (identified unless told) of a live organization."""
    user = actor()
    organization = _organization_for_new_project(data.pop("organization_id"))
    stage = _stage(data.pop("stage")) if data.get("stage") else None
    officer_id = _officer_id(user, data)
    data.pop("officer_id", None)
    project = services.create_project(user, organization, stage=stage,
                                      tag_names=tag_names(data), officer_id=officer_id,
                                      **{k: v for k, v in data.items() if k != "tags"})
    return one_response(services.get_project(project.id), ProjectOut(), 201)


@bp.patch("/<int:project_id>")
@api_require("api.use", record=_editable)
@bp.arguments(ProjectUpdate)
@bp.response(200, ProjectOut)
def update_project(data: dict, project_id: int):
    """Change the fields sent; `version` is the one read (409 when it is stale)."""
    project = _editable(project_id)
    refuse_fields(actor(), KIND, {k: v for k, v in data.items() if k != "version"})
    services.update_project(actor(), project, data["version"], tag_names=tag_names(data),
                            **merged(project, FIELD_NAMES, data))
    return one_response(services.get_project(project.id), ProjectOut())


@bp.post("/<int:project_id>/move")
@api_require("project.edit", record=_editable)
@bp.arguments(MoveIn)
@bp.response(200, ProjectOut)
def move_project(data: dict, project_id: int):
    """Move the project to another stage; the move is kept in its stage history."""
    project = _editable(project_id)
    pipeline.move_project(actor(), project, _stage(data["stage"]), data["note"],
                          expected_version=data["version"])
    return one_response(services.get_project(project.id), ProjectOut())


@bp.get("/<int:project_id>/stages")
@api_require("project.view")
@bp.response(200, TransitionOut(many=True))
def list_stage_history(project_id: int):
    """Every change of stage of the project, oldest first."""
    project = _visible(project_id)
    transitions = sorted(project.transitions, key=lambda t: (t.at, t.id))
    return one_response(transitions, TransitionOut(many=True))


@bp.post("/<int:project_id>/archive")
@api_require("project.edit")
@bp.response(200, ProjectOut)
def archive_project(project_id: int):
    project = _editable(project_id)
    services.archive_project(actor(), project)
    return one_response(project, ProjectOut())


@bp.post("/<int:project_id>/restore")
@api_require("project.edit")
@bp.response(200, ProjectOut)
def restore_project(project_id: int):
    project = _visible(project_id)
    ensure(actor(), "project.edit", project)
    services.restore_project(actor(), project)
    return one_response(project, ProjectOut())
