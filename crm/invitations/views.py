"""Routes of the invitations domain: inviting a person to the portal, sending the invitation
again, withdrawing it, and the page the invitation link opens."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from crm.auth.permissions import ensure, public, require
from crm.common.forms import EmptyForm
from crm.common.web import actor, found_or_404, report_service_error
from crm.errors import ServiceError
from crm.i18n import LANGUAGE_COOKIE
from crm.invitations import services
from crm.invitations.forms import AcceptInvitationForm, InvitationForm
from crm.invitations.models import Invitation
from crm.people.models import Person
from crm.people.services import get_person

bp = Blueprint("invitations", __name__)


def _managed_person(person_id: int) -> Person:
    """The person, when the current user may invite them (404 otherwise)."""
    person = found_or_404(get_person(person_id))
    ensure(current_user, "invitation.manage", person)
    return person


def _managed_invitation(invitation_id: int) -> Invitation:
    invitation = found_or_404(services.get_invitation(invitation_id))
    ensure(current_user, "invitation.manage", invitation.person)
    return invitation


def _back_to(person_id: int):
    return redirect(url_for("people.show_person", person_id=person_id, _anchor="portal-access"))


@bp.post("/people/<int:person_id>/invitations")
@require("invitation.manage")
def invite_person(person_id: int):
    person = _managed_person(person_id)
    form = InvitationForm()
    if not form.validate_on_submit():
        flash(_("Choose the language of the invitation."), "danger")
        return _back_to(person.id)
    try:
        invitation = services.invite(actor(), person, form.language.data)
    except ServiceError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("An invitation was sent to %(email)s.", email=invitation.email), "success")
    return _back_to(person.id)


@bp.post("/invitations/<int:invitation_id>/resend")
@require("invitation.manage")
def resend_invitation(invitation_id: int):
    invitation = _managed_invitation(invitation_id)
    if EmptyForm().validate_on_submit():
        try:
            services.resend(actor(), invitation)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The invitation was sent again to %(email)s; the earlier link no longer "
                    "works.", email=invitation.email), "success")
    return _back_to(invitation.person_id)


@bp.post("/invitations/<int:invitation_id>/revoke")
@require("invitation.manage")
def revoke_invitation(invitation_id: int):
    invitation = _managed_invitation(invitation_id)
    if EmptyForm().validate_on_submit():
        try:
            services.revoke(actor(), invitation)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The invitation was withdrawn: its link no longer works."), "success")
    return _back_to(invitation.person_id)


def _link_refused(error: services.LinkError):
    return render_template("invitations/link_refused.html", error=error), 410


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    try:
        invitation = services.load(token)
    except services.LinkError as error:
        return _link_refused(error)
    form = AcceptInvitationForm(language=invitation.language)
    if form.validate_on_submit():
        try:
            user = services.accept(token, form.password.data, form.language.data)
        except services.LinkError as error:
            return _link_refused(error)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            logout_user()  # whoever was logged in on this browser gives way to the new account
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("main.home"))
    if request.cookies.get(LANGUAGE_COOKIE) or current_user.is_authenticated:
        return render_template("invitations/accept_invitation.html", form=form,
                               invitation=invitation)
    with force_locale(invitation.language):  # a first visit reads as the email did
        return render_template("invitations/accept_invitation.html", form=form,
                               invitation=invitation)
