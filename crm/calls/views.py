"""Staff screens of calls for applications: writing a call and its questions, publishing it,
and reading the applications it received."""

from flask import (
    Blueprint,
    abort,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from crm.audit import history as audit_history
from crm.auth.permissions import can, ensure, require
from crm.calls import review, services
from crm.calls.forms import (
    CallForm,
    CriterionForm,
    DecisionForm,
    InviteReviewerForm,
    QuestionForm,
    ReviewerForm,
)
from crm.calls.models import Application, Call, CallQuestion, QuestionKind
from crm.common.forms import EmptyForm
from crm.common.listing import ListParams, paginate
from crm.common.time import local_today
from crm.common.web import actor, found_or_404, report_service_error, submit
from crm.documents import services as documents_services
from crm.errors import ServiceError
from crm.extensions import db
from crm.forums.services import list_forums

bp = Blueprint("calls", __name__, url_prefix="/calls")


@bp.url_defaults
def _keep_the_call_in_links(endpoint: str, values: dict) -> None:
    """Pagination links of a call's page, built from the query string, keep the call."""
    if (endpoint == "calls.show_call" and has_request_context() and request.view_args
            and "call_id" in request.view_args):
        values.setdefault("call_id", request.view_args["call_id"])


def call_or_404(call_id: int) -> Call:
    return found_or_404(services.get_call(call_id))


def application_or_404(call: Call, application_id: int) -> Application:
    """An application of this call (an id of another call's is a 404 too)."""
    application = db.session.get(Application, application_id)
    if application is None or application.call_id != call.id:
        abort(404)
    return application


def _question_or_404(call: Call, question_id: int) -> CallQuestion:
    question = next((q for q in call.questions if q.id == question_id), None)
    return found_or_404(question)


def _call_form(**kwargs) -> CallForm:
    form = CallForm(**kwargs)
    forums = db.session.scalars(list_forums()).all()
    form.forum_id.choices = [("", "—")] + [(str(forum.id), forum.name) for forum in forums]
    return form


@bp.get("")
@require("call.view")
def list_calls():
    params = ListParams.from_args(request.args, (), "-opens_on")
    page = paginate(services.list_calls(), params.page)
    return render_template("calls/list_calls.html", page=page, today=local_today(),
                           counts=services.application_counts([c.id for c in page.items]))


@bp.route("/new", methods=["GET", "POST"])
@require("call.manage")
def create_call():
    form = _call_form()
    if form.validate_on_submit():
        try:
            call = services.create_call(actor(), form.data_for_service())
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The call was created. Add its questions, then publish it."), "success")
            return redirect(url_for("calls.show_call", call_id=call.id))
    return render_template("calls/edit_call.html", form=form, call=None)


@bp.route("/<int:call_id>/edit", methods=["GET", "POST"])
@require("call.manage")
def edit_call(call_id: int):
    call = call_or_404(call_id)
    form = _call_form(obj=call, version=call.version)
    if request.method == "GET" and call.forum_id:
        form.forum_id.data = str(call.forum_id)
    outcome = submit(form, [], lambda: services.update_call(
        actor(), call, form.version.data, form.data_for_service()))
    if outcome.saved:
        flash(_("The call was saved."), "success")
        return redirect(url_for("calls.show_call", call_id=call.id))
    if outcome.conflict is not None:
        flash(_("Someone else changed this call while you were editing it. Check the form "
                "and save again."), "warning")
    return render_template("calls/edit_call.html", form=form, call=call)


def _render_call(call: Call, question_form: QuestionForm | None = None):
    if question_form is None and can(current_user, "call.manage"):
        question_form = QuestionForm(formdata=None)
    ranked = review.ranking(call)
    return render_template("calls/show_call.html", call=call, today=local_today(),
                           question_form=question_form, ranked=ranked,
                           blind={row.application.id for row in ranked
                                  if not review.sees_scores(row.application, current_user)},
                           figures=services.figures(call.id),
                           criterion_form=CriterionForm(formdata=None),
                           invite_form=InviteReviewerForm(formdata=None),
                           decision_form=DecisionForm(formdata=None),
                           history=audit_history.history("call", call.id))


@bp.get("/<int:call_id>")
@require("call.view")
def show_call(call_id: int):
    return _render_call(call_or_404(call_id))


@bp.post("/<int:call_id>/publish")
@require("call.manage")
def publish_call(call_id: int):
    call = call_or_404(call_id)
    published = request.form.get("published") == "1"
    if EmptyForm().validate_on_submit():
        try:
            services.publish(actor(), call, published)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The call is published: its public page is open.") if published
                  else _("The call is withdrawn: its public page is closed."), "success")
    return redirect(url_for("calls.show_call", call_id=call.id))


@bp.post("/<int:call_id>/questions")
@require("call.manage")
def add_question(call_id: int):
    call = call_or_404(call_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(actor(), call, QuestionKind(form.kind.data),
                                  form.required.data, form.data)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The question was added."), "success")
            return redirect(url_for("calls.show_call", call_id=call.id, _anchor="questions"))
    return _render_call(call, question_form=form), 422


@bp.post("/<int:call_id>/questions/<int:question_id>/remove")
@require("call.manage")
def remove_question(call_id: int, question_id: int):
    call = call_or_404(call_id)
    question = _question_or_404(call, question_id)
    if EmptyForm().validate_on_submit():
        try:
            services.remove_question(actor(), call, question)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The question was removed."), "success")
    return redirect(url_for("calls.show_call", call_id=call.id, _anchor="questions"))


@bp.post("/<int:call_id>/questions/<int:question_id>/move")
@require("call.manage")
def move_question(call_id: int, question_id: int):
    call = call_or_404(call_id)
    question = _question_or_404(call, question_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    if EmptyForm().validate_on_submit():
        services.move_question(actor(), call, question, step)
    return redirect(url_for("calls.show_call", call_id=call.id, _anchor="questions"))


@bp.get("/<int:call_id>/applications/<int:application_id>")
@require("application.view")
def show_application(call_id: int, application_id: int):
    call = call_or_404(call_id)
    application = application_or_404(call, application_id)
    ensure(actor(), "application.view", application)
    reviewer_form = ReviewerForm(formdata=None)
    taken = {r.reviewer_id for r in application.reviews}
    reviewer_form.reviewer_id.choices = [("", _("Choose a reviewer"))] + [
        (str(u.id), f"{u.display_name} ({u.role.label})")
        for u in review.reviewers() if u.id not in taken]
    return render_template(
        "calls/show_application.html", call=call, application=application,
        documents=documents_services.documents_of(application),
        mine=review.review_of(application, current_user),
        sees_scores=review.sees_scores(application, current_user),
        weighted={r.id: review.weighted_score(r, call.criteria) for r in application.reviews},
        reviewer_form=reviewer_form, decision_form=DecisionForm(formdata=None),
        history=audit_history.history("application", application.id))
