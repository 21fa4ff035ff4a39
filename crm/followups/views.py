"""Screens of the follow-ups domain: my follow-ups, planning, closing, cancelling and
rescheduling one, and the private calendar feed."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from crm.auth import services as auth_services
from crm.auth.permissions import can, ensure, public, require
from crm.common.forms import EmptyForm
from crm.common.ids import parse_id
from crm.common.urls import safe_redirect_target
from crm.common.web import actor, found_or_404, report_service_error, submit
from crm.errors import ServiceError
from crm.followups import calendar, services
from crm.followups.forms import (
    RESCHEDULE_FIELDS,
    CompleteFollowUpForm,
    FollowUpForm,
    RescheduleFollowUpForm,
)
from crm.followups.links import absolute_url
from crm.followups.models import FollowUp, FollowUpKind, FollowUpStatus
from crm.organizations.services import get_organization
from crm.people.services import get_person
from crm.projects.services import get_project

bp = Blueprint("followups", __name__)


@bp.app_template_global()
def followup_buttons() -> dict[str, str]:
    """What the buttons of every follow-up on a page share, asked once for the page: their
    labels and the CSRF token (asked for each of 75 follow-ups, they were a sixth of the
    follow-ups page)."""
    return {"done": _("Done…"), "reschedule": _("Reschedule"), "cancel": _("Cancel"),
            "csrf_token": generate_csrf()}


@bp.app_template_test("overdue")
def is_overdue(followup: FollowUp) -> bool:
    """`{% if followup is overdue %}`: still open after its due date."""
    return followup.status == FollowUpStatus.OPEN and followup.due_on < date.today()


TARGETS = {
    "person_id": (get_person, "people.show_person"),
    "organization_id": (get_organization, "organizations.show_organization"),
    "project_id": (get_project, "projects.show_project"),
}


def _target(source):
    """The record the follow-up is owed to, from the form or the query string (404 if none)."""
    for key, (getter, endpoint) in TARGETS.items():
        value = source.get(key, "")
        if parse_id(value) is not None:
            record = getter(parse_id(value))
            if record is None or record.archived_at is not None:
                abort(404)
            return key, record, url_for(endpoint, **{key: record.id})
    abort(404)


def _editable_followup(followup_id: int) -> FollowUp:
    """The follow-up, when the current user may close or reschedule it (404 otherwise)."""
    followup = found_or_404(services.get_followup(followup_id))
    ensure(current_user, "followup.edit", followup)
    return followup


def _may_see_others() -> bool:
    """Those who reassign portfolios (managers, admins) may open another officer's list."""
    return can(current_user, "project.assign")


def _assignee_choices(keep=None) -> list[tuple[str, str]]:
    """Who may be given a follow-up; its present assignee stays listed even if deactivated."""
    users = services.assignees()
    if keep is not None and keep not in users:
        users.append(keep)
    return [("", _("Choose someone"))] + [(str(u.id), u.display_name) for u in users]


def _chosen_assignee(value: str | None):
    """The user picked in an assignee select (None when the choice is not a user)."""
    return services.get_assignee(parse_id(value)) if parse_id(value) else None


def _back(next_value: str | None, default: str) -> str:
    return safe_redirect_target(next_value, default)


@bp.get("/followups")
@require("followup.view")
def list_my_followups():
    viewing = actor()
    assignee_id = request.args.get("assignee", type=parse_id)
    if assignee_id and assignee_id != viewing.id:
        viewing = found_or_404(services.get_assignee(assignee_id) if _may_see_others()
                               else None)  # others' agendas: managers and admins only
    own = viewing.id == current_user.id
    token = current_user.calendar_token if own else None
    return render_template(
        "followups/list_my_followups.html",
        agenda=services.agenda(viewing),
        viewing=viewing,
        own=own,
        assignees=services.assignees() if _may_see_others() else [],
        calendar_url=absolute_url("followups.export_calendar", token=token) if token else None,
        token_form=EmptyForm(),
    )


@bp.route("/followups/new", methods=["GET", "POST"])
@require("followup.create")
def create_followup():
    key, record, target_page = _target(request.form if request.method == "POST" else request.args)
    form = FollowUpForm(**{key: record.id}, assignee_id=str(current_user.id),
                        next=request.args.get("next", ""))
    form.assignee_id.choices = _assignee_choices()
    if form.validate_on_submit():
        try:
            services.create_followup(
                actor(), _chosen_assignee(form.assignee_id.data), FollowUpKind(form.kind.data),
                form.title.data or "", form.due_on.data, shared=form.shared.data,
                **{key.removesuffix("_id"): record})
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The follow-up was planned."), "success")
            return redirect(_back(form.next.data, target_page))
    return render_template("followups/create_followup.html", form=form, record=record,
                           back=_back(form.next.data, target_page))


@bp.route("/followups/<int:followup_id>/complete", methods=["GET", "POST"])
@require("followup.edit")
def complete_followup(followup_id: int):
    followup = _editable_followup(followup_id)
    form = CompleteFollowUpForm(version=followup.version, next=request.args.get("next", ""))
    back = _back(form.next.data, url_for("followups.list_my_followups"))
    if followup.status != FollowUpStatus.OPEN:
        flash(_("This follow-up is already closed."), "info")
        return redirect(back)
    done = submit(form, [], lambda: services.complete_followup(
        actor(), followup, form.outcome.data or "", expected_version=form.version.data or None))
    if done.saved:
        flash(_("Done: what came of it was recorded as an interaction."), "success")
        return redirect(back)
    return render_template("followups/complete_followup.html", form=form, followup=followup,
                           conflict=done.conflict, back=back)


@bp.route("/followups/<int:followup_id>/reschedule", methods=["GET", "POST"])
@require("followup.edit")
def reschedule_followup(followup_id: int):
    followup = _editable_followup(followup_id)
    form = RescheduleFollowUpForm(version=followup.version, due_on=followup.due_on,
                                  assignee_id=str(followup.assignee_id),
                                  next=request.args.get("next", ""))
    form.assignee_id.choices = _assignee_choices(keep=followup.assignee)
    back = _back(form.next.data, url_for("followups.list_my_followups"))
    if followup.status != FollowUpStatus.OPEN:
        flash(_("This follow-up is already closed."), "info")
        return redirect(back)
    done = submit(form, RESCHEDULE_FIELDS, lambda: services.reschedule_followup(
        actor(), followup, form.due_on.data, _chosen_assignee(form.assignee_id.data),
        expected_version=form.version.data or None))
    if done.saved:
        flash(_("The follow-up was rescheduled."), "success")
        return redirect(back)
    return render_template("followups/reschedule_followup.html", form=form, followup=followup,
                           conflict=done.conflict, back=back)


@bp.post("/followups/<int:followup_id>/cancel")
@require("followup.edit")
def cancel_followup(followup_id: int):
    followup = _editable_followup(followup_id)
    if EmptyForm().validate_on_submit():
        try:
            services.cancel_followup(actor(), followup)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The follow-up was cancelled."), "success")
    return redirect(_back(request.form.get("next"), url_for("followups.list_my_followups")))


@bp.post("/followups/calendar/token")
@require("calendar.own")
def regenerate_calendar_token():
    if EmptyForm().validate_on_submit():
        auth_services.regenerate_calendar_token(actor())
        flash(_("Your calendar link was created. Any link given before no longer works."),
              "success")
    return redirect(url_for("followups.list_my_followups", _anchor="calendar"))


@bp.get("/calendar/<token>.ics")
@public  # opened by calendar applications: the secret token in the URL is the credential
def export_calendar(token: str):
    user = found_or_404(auth_services.get_user_by_calendar_token(token))
    body = calendar.build_calendar(user, services.open_followups(user))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="follow-ups.ics"'})
