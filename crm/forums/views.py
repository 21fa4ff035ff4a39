"""Screens of the forums domain: editions, their sessions and who took part, what became of
the people met, and following up a whole session at once."""

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
from flask_babel import ngettext
from flask_login import current_user

from crm.audit import history as audit_history
from crm.auth.permissions import can, require
from crm.common.listing import ListParams, paginate
from crm.common.web import actor, found_or_404, report_service_error
from crm.errors import ServiceError
from crm.followups import services as followup_services
from crm.followups.models import FollowUpKind
from crm.forums import services
from crm.forums.forms import (
    LEADS,
    ForumForm,
    ParticipationForm,
    SessionFollowUpForm,
    SessionForm,
)
from crm.forums.models import Forum, ForumSession, ParticipationRole, SessionKind
from crm.people import services as people_services

bp = Blueprint("forums", __name__, url_prefix="/forums")


@bp.url_defaults
def _keep_the_session_in_links(endpoint: str, values: dict) -> None:
    """Links to the session page built from the query string alone (pagination) keep the
    forum and session of the page being shown."""
    if endpoint == "forums.show_session" and has_request_context() and request.view_args:
        for key in ("forum_id", "session_id"):
            if key in request.view_args:
                values.setdefault(key, request.view_args[key])


def _forum_or_404(forum_id: int) -> Forum:
    return found_or_404(services.get_forum(forum_id))


def _session_or_404(forum_id: int, session_id: int) -> ForumSession:
    session = services.get_session(session_id)
    if session is None or session.forum_id != forum_id:
        abort(404)
    return session


@bp.get("")
@require("forum.view")
def list_forums():
    params = ListParams.from_args(request.args, (), "-held_on")
    page = paginate(services.list_forums(), params.page)
    return render_template("forums/list_forums.html", page=page,
                           counts=services.forum_counts([forum.id for forum in page.items]))


@bp.route("/new", methods=["GET", "POST"])
@require("forum.manage")
def create_forum():
    form = ForumForm()
    if form.validate_on_submit():
        try:
            forum = services.create_forum(actor(), form.name.data or "", form.held_on.data,
                                          number=form.number.data, city=form.city.data or "",
                                          theme=form.theme.data or "")
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The forum %(name)s was created. Add its sessions now.", name=forum.name),
                  "success")
            return redirect(url_for("forums.show_forum", forum_id=forum.id))
    return render_template("forums/create_forum.html", form=form)


def _render_forum(forum: Forum, session_form: SessionForm | None = None):
    """The forum page; the session form is given back when it carries errors."""
    if session_form is None and can(current_user, "forum.manage"):
        session_form = SessionForm(formdata=None)
    leaders = services.leading_participations(forum)
    leader_ids = {p.person_id for participations in leaders.values() for p in participations}
    return render_template(
        "forums/show_forum.html",
        forum=forum,
        leaders=leaders,
        followed=services.followed_up_people(leader_ids, forum.held_on),
        figures=services.session_figures(forum),
        totals=services.forum_figures(forum),
        window_days=services.FOLLOW_UP_WINDOW_DAYS,
        session_form=session_form,
        history=audit_history.history("forum", forum.id),
    )


@bp.get("/<int:forum_id>")
@require("forum.view")
def show_forum(forum_id: int):
    return _render_forum(_forum_or_404(forum_id))


@bp.post("/<int:forum_id>/sessions")
@require("forum.manage")
def add_session(forum_id: int):
    forum = _forum_or_404(forum_id)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            session = services.add_session(actor(), forum, SessionKind(form.kind.data),
                                           form.name_fr.data or "", form.name_ar.data or "",
                                           form.name_en.data or "")
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The session %(name)s was added.", name=session.name), "success")
            return redirect(url_for("forums.show_forum", forum_id=forum.id,
                                    _anchor=f"session-{session.id}"))
    return _render_forum(forum, session_form=form)


def _followup_form(forum: Forum, formdata=None) -> SessionFollowUpForm:
    form = SessionFollowUpForm(formdata=formdata, assignee_id=str(current_user.id),
                               title=_("Follow-up after %(forum)s", forum=forum.name))
    form.assignee_id.choices = [("", _("Choose someone"))] + [
        (str(user.id), user.display_name) for user in followup_services.assignees()]
    return form


def _render_session(forum: Forum, session: ForumSession,
                    followup_form: SessionFollowUpForm | None = None):
    """The session page; the bulk follow-up form is given back when it carries errors."""
    if followup_form is None and can(current_user, "followup.create"):
        followup_form = _followup_form(forum)
    params = ListParams.from_args(request.args, (), "name")
    page = paginate(services.list_participations(session.id), params.page)
    person_q = request.args.get("person_q", "").strip()[:200]
    return render_template(
        "forums/show_session.html",
        forum=forum,
        session=session,
        page=page,
        followed=services.followed_up_people([p.person_id for p in page.items], forum.held_on),
        figures=services.session_figures(forum, session.id)[session.id],
        window_days=services.FOLLOW_UP_WINDOW_DAYS,
        followup_form=followup_form,
        participation_form=ParticipationForm(formdata=None),
        person_q=person_q,
        person_choices=people_services.search_people(person_q) if person_q else [],
    )


@bp.get("/<int:forum_id>/sessions/<int:session_id>")
@require("forum.view")
def show_session(forum_id: int, session_id: int):
    session = _session_or_404(forum_id, session_id)
    return _render_session(session.forum, session)


@bp.post("/<int:forum_id>/sessions/<int:session_id>/participations")
@require("forum.manage")
def add_participation(forum_id: int, session_id: int):
    session = _session_or_404(forum_id, session_id)
    form = ParticipationForm()
    if form.validate_on_submit():
        person = found_or_404(people_services.get_person(form.person_id.data))
        try:
            services.add_participation(actor(), session, person,
                                       ParticipationRole(form.role.data), form.attended.data)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("%(person)s was added to this session.", person=person.display_name),
                  "success")
    else:
        for errors in form.errors.values():
            flash(str(errors[0]), "danger")
    return redirect(url_for("forums.show_session", forum_id=forum_id, session_id=session.id,
                            _anchor="participants"))


@bp.post("/<int:forum_id>/sessions/<int:session_id>/followups")
@require("followup.create")
def create_session_followups(forum_id: int, session_id: int):
    session = _session_or_404(forum_id, session_id)
    form = _followup_form(session.forum, formdata=request.form)
    if form.validate_on_submit():
        people = services.people_of_session(
            session, services.LEADING_ROLES if form.people.data == LEADS else None)
        if not people:
            flash(_("Nobody to follow up: no one in this session has that role."), "warning")
            return redirect(url_for("forums.show_session", forum_id=forum_id,
                                    session_id=session.id))
        assignee = followup_services.get_assignee(int(form.assignee_id.data))
        try:
            created = followup_services.create_followups_for_people(
                actor(), assignee, FollowUpKind(form.kind.data), form.title.data or "",
                form.due_on.data, list(people), participation_of=people)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(ngettext("%(num)d follow-up was planned.", "%(num)d follow-ups were planned.",
                           created), "success")
            if len(people) > created:
                flash(ngettext("%(num)d person already had this follow-up open.",
                               "%(num)d people already had this follow-up open.",
                               len(people) - created), "info")
            return redirect(url_for("forums.show_session", forum_id=forum_id,
                                    session_id=session.id))
    return _render_session(session.forum, session, followup_form=form)
