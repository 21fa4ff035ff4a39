"""Screens of the attendee import: upload a file, map its columns, follow the background job,
check the matches, import, read the report, download the lines not imported, and follow up
the people imported."""

from flask import (
    Blueprint,
    abort,
    flash,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from crm.auth.permissions import ensure, require
from crm.common.forms import EmptyForm
from crm.common.listing import read_page
from crm.common.spreadsheet import export_response
from crm.common.web import actor, found_or_404, report_service_error
from crm.errors import ServiceError
from crm.followups import services as followups
from crm.followups.models import FollowUpKind
from crm.forums.models import Forum
from crm.forums.services import get_forum
from crm.imports import services
from crm.imports.forms import (
    ImportedFollowUpsForm,
    MappingForm,
    MatchDecisionsForm,
    NameCorrectionForm,
    UploadForm,
)
from crm.imports.mapping import FIELDS
from crm.imports.models import ImportJob, ImportStatus, RowStatus

bp = Blueprint("imports", __name__, url_prefix="/forums/<int:forum_id>/imports")

ROWS_PER_PAGE = 50


@bp.url_defaults
def keep_ids_in_links(endpoint: str, values: dict) -> None:
    """Links to the current page (pagination, filters) keep the forum and job of its URL."""
    if has_request_context() and endpoint == request.endpoint and request.view_args:
        for key in ("forum_id", "job_id"):
            if key in request.view_args:
                values.setdefault(key, request.view_args[key])


@bp.app_template_filter("import_reasons")
def import_reasons_filter(reasons: list[str]) -> str:
    return services.reason_text(reasons)


def _forum_or_404(forum_id: int) -> Forum:
    return found_or_404(get_forum(forum_id))


def _job_or_404(forum: Forum, job_id: int) -> ImportJob:
    job = services.get_job(job_id)
    if job is None or job.forum_id != forum.id:
        abort(404)
    return job


def _job_url(job: ImportJob) -> str:
    return url_for("imports.show_job", forum_id=job.forum_id, job_id=job.id)


@bp.route("/new", methods=["GET", "POST"])
@require("import.run")
def upload_file(forum_id: int):
    forum = _forum_or_404(forum_id)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        try:
            job = services.start_import(actor(), forum, filename, upload.read())
        except ServiceError as error:
            form.file.errors.append(str(error.message))
        else:
            return redirect(url_for("imports.map_columns", forum_id=forum.id, job_id=job.id))
    return render_template("imports/upload_file.html", forum=forum, form=form,
                           jobs=services.list_jobs(forum.id))


def _column_choices(headers: list[str]) -> list[tuple[str, str]]:
    return [("", _("Not in the file"))] + [
        (str(index), header or _("Column %(number)s", number=index + 1))
        for index, header in enumerate(headers)]


def _left_out_accepted(left_out: list) -> bool:
    """Columns of emails, phones or organizations left out are dropped only once the officer
    has seen the warning and ticked that they may be."""
    return not left_out or request.form.get("drop_left_out") == "yes"


@bp.route("/<int:job_id>/columns", methods=["GET", "POST"])
@require("import.run")
def map_columns(forum_id: int, job_id: int):
    forum = _forum_or_404(forum_id)
    job = _job_or_404(forum, job_id)
    if not services.can_change_mapping(job):
        return redirect(_job_url(job))
    form = MappingForm(data={name: str(index) for name, index in job.mapping.items()})
    form.set_columns(_column_choices(job.headers))
    sample = services.preview_lines(job, services.SAMPLE_LINES)  # the file is read once
    shown = form.chosen_mapping() if request.method == "POST" else job.mapping
    left_out = services.columns_left_out(job, shown, sample)
    if form.validate_on_submit():
        try:
            services.check_mapping(job, shown)
            if not _left_out_accepted(left_out):
                return _render_mapping(forum, job, form, sample, left_out)  # warning first
            services.confirm_mapping(actor(), job, shown)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            return redirect(_job_url(job))
    return _render_mapping(forum, job, form, sample, left_out)


def _render_mapping(forum: Forum, job: ImportJob, form: MappingForm, sample: list,
                    left_out: list):
    return render_template(
        "imports/map_columns.html", forum=forum, job=job, form=form, fields=list(FIELDS),
        remembered=services.mapping_was_remembered(job),
        confidence=services.guess_confidence(job, sample), left_out=left_out,
        field_labels={name: label for name, (label, _words) in FIELDS.items()},
        lines=sample[:5])


def _status_filter() -> RowStatus | None:
    try:
        return RowStatus(request.args.get("status", ""))
    except ValueError:
        return None


def _followups_form(forum: Forum, assignees: list, formdata=None) -> ImportedFollowUpsForm:
    me = next((str(u.id) for u in assignees if u.id == current_user.id), "")
    form = ImportedFollowUpsForm(formdata=formdata, assignee_id=me,
                                 title=_("Follow-up after %(forum)s", forum=forum.name))
    form.assignee_id.choices = [("", _("Choose someone"))] + [
        (str(u.id), u.display_name) for u in assignees]
    return form


def _render_job(forum: Forum, job: ImportJob, followups_form=None):
    """The one page of a job, whatever its state; it survives reloads."""
    context = {"forum": forum, "job": job, "running": services.is_running(job)}
    page_number = read_page(request.args)
    if job.status == ImportStatus.PREVIEW:
        status = _status_filter()
        context.update(
            counts=services.count_rows(job), status_filter=status,
            rows=services.list_rows(job, status, page_number, ROWS_PER_PAGE),
            decisions_form=MatchDecisionsForm(),
            sessions={s.id: s.name for s in forum.sessions},
            missing_workshops=services.missing_workshops(job), sessions_form=EmptyForm(),
            statuses=RowStatus)
    elif job.status == ImportStatus.DONE:
        context.update(
            rejected=services.list_rows(job, RowStatus.INVALID, page_number, ROWS_PER_PAGE),
            imported_count=len(services.imported_person_ids(job)),
            followups_form=followups_form or _followups_form(forum, followups.assignees()))
    return render_template("imports/show_job.html", **context)


@bp.get("/<int:job_id>")
@require("import.run")
def show_job(forum_id: int, job_id: int):
    forum = _forum_or_404(forum_id)
    job = _job_or_404(forum, job_id)
    if job.status == ImportStatus.UPLOADED:
        return redirect(url_for("imports.map_columns", forum_id=forum.id, job_id=job.id))
    return _render_job(forum, job)


@bp.get("/<int:job_id>/progress")
@require("import.run")
def job_progress(forum_id: int, job_id: int):
    job = _job_or_404(_forum_or_404(forum_id), job_id)
    response = make_response(render_template("imports/_progress.html", job=job,
                                             running=services.is_running(job)))
    if not services.is_running(job):
        response.headers["HX-Refresh"] = "true"  # the page reloads to show the next state
    return response


@bp.post("/<int:job_id>/matches")
@require("import.run")
def decide_matches(forum_id: int, job_id: int):
    forum = _forum_or_404(forum_id)
    job = _job_or_404(forum, job_id)
    form = MatchDecisionsForm()
    if not form.validate_on_submit():
        flash(_("Your choices could not be read. Try again."), "danger")
    else:
        try:
            services.set_match_decisions(actor(), job, form.refused_lines(),
                                         form.decided_lines())
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("Your choices were saved."), "success")
    return redirect(_preview_url(job))


def _preview_url(job: ImportJob) -> str:
    """Back to the page of the preview the choices were made on."""
    args = {k: request.args[k] for k in ("status", "page") if request.args.get(k)}
    return url_for("imports.show_job", forum_id=job.forum_id, job_id=job.id, **args)


@bp.post("/<int:job_id>/run")
@require("import.run")
def run_import(forum_id: int, job_id: int):
    forum = _forum_or_404(forum_id)
    job = _job_or_404(forum, job_id)
    form = MatchDecisionsForm()
    if not form.validate_on_submit():
        flash(_("Your choices could not be read. Try again."), "danger")
        return redirect(_preview_url(job))
    try:
        services.run_import(actor(), job, form.refused_lines(), form.decided_lines())
    except ServiceError as error:
        flash(str(error.message), "danger")
    return redirect(_job_url(job))


@bp.get("/<int:job_id>/rejected.csv")
@require("import.run")
def export_rejected(forum_id: int, job_id: int):
    job = _job_or_404(_forum_or_404(forum_id), job_id)
    header = [_("Line"), _("Reasons"), *job.headers]
    rows = ([line, reasons, *cells] for line, reasons, cells in services.rejected_rows(job))
    return export_response(f"import-{job.id}-not-imported", _("Lines not imported"), header, rows)


@bp.post("/<int:job_id>/followups")
@require("import.run")
def create_followups(forum_id: int, job_id: int):
    forum = _forum_or_404(forum_id)
    job = _job_or_404(forum, job_id)
    if job.status != ImportStatus.DONE:
        abort(404)
    assignees = followups.assignees()
    form = _followups_form(forum, assignees, formdata=request.form)
    if form.validate_on_submit():
        assignee = next((u for u in assignees if str(u.id) == form.assignee_id.data), None)
        try:
            created = followups.create_followups_for_people(
                actor(), assignee, FollowUpKind(form.kind.data), form.title.data,
                form.due_on.data, person_ids=services.imported_person_ids(job))
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(ngettext("%(num)d follow-up was created.", "%(num)d follow-ups were created.",
                           created), "success")
            return redirect("/followups")
    return _render_job(forum, job, followups_form=form)


@bp.post("/<int:job_id>/sessions")
@require("import.run")
def create_missing_sessions(forum_id: int, job_id: int):
    """Create the workshops the file names and the forum lacks, then check the file again."""
    forum = _forum_or_404(forum_id)
    ensure(current_user, "forum.manage", forum)
    job = _job_or_404(forum, job_id)
    if not EmptyForm().validate_on_submit():
        flash(_("Your choices could not be read. Try again."), "danger")
        return redirect(_job_url(job))
    try:
        created = services.create_missing_sessions(actor(), job)
    except ServiceError as error:
        flash(str(error.message), "danger")
    else:
        flash(ngettext("%(num)d session was created; the file is being checked again.",
                       "%(num)d sessions were created; the file is being checked again.",
                       created), "success")
    return redirect(_job_url(job))


@bp.post("/<int:job_id>/lines/<int:line>/name")
@require("import.run")
def correct_name(forum_id: int, job_id: int, line: int):
    """The officer fixes a name the file split at the wrong place, back on the same line."""
    forum = _forum_or_404(forum_id)
    job = _job_or_404(forum, job_id)
    form = NameCorrectionForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for field in form for e in field.errors)
              or _("Your choices could not be read. Try again."), "danger")
    else:
        try:
            services.correct_name(actor(), job, line, form.first_name.data,
                                  form.last_name.data)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The name of line %(line)d was corrected.", line=line), "success")
    return redirect(_preview_url(job) + f"#line-{line}")
