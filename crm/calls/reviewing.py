"""Screens of reviewing and deciding: the rubric, reviewers, a reviewer's scores, and the
decisions on one application or on several from the ranked list."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from crm.auth.models import User
from crm.auth.permissions import require
from crm.calls import decisions, external, review
from crm.calls.forms import (
    DECISIONS,
    CriterionForm,
    DecisionForm,
    InviteReviewerForm,
    ReviewerForm,
    review_form,
    score_name,
)
from crm.calls.models import Application, Review
from crm.calls.views import application_or_404, call_or_404
from crm.common.forms import EmptyForm
from crm.common.ids import parse_id
from crm.common.web import actor, flash_form_errors, found_or_404, report_service_error
from crm.documents import services as documents_services
from crm.errors import ServiceError
from crm.extensions import db

bp = Blueprint("reviews", __name__, url_prefix="/calls")


def _to_application(application: Application, anchor: str = ""):
    return redirect(url_for("calls.show_application", call_id=application.call_id,
                            application_id=application.id, _anchor=anchor or None))


@bp.post("/<int:call_id>/criteria")
@require("call.manage")
def add_criterion(call_id: int):
    call = call_or_404(call_id)
    form = CriterionForm()
    if form.validate_on_submit():
        data = form.data | {"scale_max": int(form.scale_max.data)}
        try:
            review.add_criterion(actor(), call, data)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The criterion was added."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("calls.show_call", call_id=call.id, _anchor="rubric"))


@bp.post("/<int:call_id>/criteria/<int:criterion_id>/remove")
@require("call.manage")
def remove_criterion(call_id: int, criterion_id: int):
    call = call_or_404(call_id)
    criterion = found_or_404(next((c for c in call.criteria if c.id == criterion_id), None))
    if EmptyForm().validate_on_submit():
        try:
            review.remove_criterion(actor(), call, criterion)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The criterion was removed."), "success")
    return redirect(url_for("calls.show_call", call_id=call.id, _anchor="rubric"))


@bp.post("/<int:call_id>/applications/<int:application_id>/reviewers")
@require("call.manage")
def assign_reviewer(call_id: int, application_id: int):
    application = application_or_404(call_or_404(call_id), application_id)
    form = ReviewerForm()
    form.reviewer_id.choices = [(str(u.id), u.display_name) for u in review.reviewers()]
    if form.validate_on_submit():
        try:
            reviewer = db.session.get(User, int(form.reviewer_id.data))
            review.assign(actor(), application, reviewer)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("%(name)s reviews this application.", name=reviewer.display_name),
                  "success")
    else:
        flash_form_errors(form)
    return _to_application(application, "reviews")


@bp.post("/<int:call_id>/applications/<int:application_id>/reviewers/<int:review_id>/remove")
@require("call.manage")
def unassign_reviewer(call_id: int, application_id: int, review_id: int):
    application = application_or_404(call_or_404(call_id), application_id)
    assigned = found_or_404(next((r for r in application.reviews if r.id == review_id), None))
    if EmptyForm().validate_on_submit():
        try:
            review.unassign(actor(), assigned)
        except ServiceError as error:
            flash(str(error.message), "danger")
    return _to_application(application, "reviews")


@bp.route("/<int:call_id>/applications/<int:application_id>/review", methods=["GET", "POST"])
@require("application.review")
def review_application(call_id: int, application_id: int):
    call = call_or_404(call_id)
    application = application_or_404(call, application_id)
    mine: Review | None = review.review_of(application, current_user)
    if mine is None:
        abort(404)  # only the reviewers of an application score it
    form = review_form(call.criteria)
    if mine.submitted_at is None and form.validate_on_submit():
        values = {c.id: parse_id(form[score_name(c)].data) for c in call.criteria}
        try:
            review.submit_review(mine, call.criteria, values, form.comment.data or "",
                                 form.conflict.data)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("Your review was submitted."), "success")
            return _to_application(application, "reviews")
    return render_template("calls/review_application.html", call=call, application=application,
                           review=mine, form=form,
                           documents=documents_services.documents_of(application)), (
        422 if form.errors else 200)


@bp.post("/<int:call_id>/applications/<int:application_id>/decision")
@require("application.decide")
def decide(call_id: int, application_id: int):
    application = application_or_404(call_or_404(call_id), application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _to_application(application, "decision")
    outcome = _decide_many([application], form)
    if outcome is not None and outcome.done:
        flash(_("The decision was recorded."), "success")
    elif outcome is not None:
        flash(_("This application was already decided: %(status)s.",
                status=application.status.label), "warning")
    return _to_application(application, "decision")


def _decide_many(applications: list[Application], form) -> decisions.Outcome | None:
    try:
        return decisions.decide_many(actor(), applications, form.decision.data,
                                     form.reason.data or "", form.notify.data)
    except ServiceError as error:
        flash(str(error.message), "danger")
    return None


@bp.post("/<int:call_id>/decisions")
@require("application.decide")
def decide_several(call_id: int):
    call = call_or_404(call_id)
    ids = {parse_id(value) for value in request.form.getlist("application_id")} - {None}
    applications = list(db.session.scalars(db.select(Application).where(
        Application.call_id == call.id, Application.id.in_(ids)))) if ids else []
    form = DecisionForm()
    if not applications:
        flash(_("Tick the applications to decide on."), "warning")
    elif form.validate_on_submit() and form.decision.data in DECISIONS:
        outcome = _decide_many(applications, form)
        if outcome is not None:
            flash(ngettext("%(num)d application decided.", "%(num)d applications decided.",
                           outcome.done), "success")
            if outcome.skipped:
                flash(ngettext("%(num)d was already decided and was left as it was.",
                               "%(num)d were already decided and were left as they were.",
                               outcome.skipped), "warning")
    else:
        flash_form_errors(form)
    return redirect(url_for("calls.show_call", call_id=call.id, _anchor="applications"))


@bp.get("/reviews")
@require("application.review")
def my_reviews():
    return render_template("calls/my_reviews.html", reviews=review.reviews_of(current_user))


@bp.post("/<int:call_id>/reviewers/invite")
@require("call.manage")
def invite_reviewer(call_id: int):
    call = call_or_404(call_id)
    form = InviteReviewerForm()
    if form.validate_on_submit():
        try:
            reviewer = external.invite(actor(), call, form.email.data, form.full_name.data,
                                       form.language.data)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("%(name)s was invited by email; give them applications to review.",
                    name=reviewer.display_name), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("calls.show_call", call_id=call.id, _anchor="reviewers"))
