"""Two-factor sign-in on the web: the code page between the password and the session, one's
own setup and settings, the administrators' controls, and the guard that keeps a user who
must set it up on the setup page."""

import time
from contextlib import nullcontext
from urllib.parse import quote

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user

from crm.auth import devices, two_factor
from crm.auth.forms import (
    AppCodeForm,
    RecoveryCodeForm,
    RenewRecoveryCodesForm,
    RequireTwoFactorForm,
    SignInCodeForm,
    TurnOffTwoFactorForm,
)
from crm.auth.models import User
from crm.auth.permissions import public, require
from crm.common.forms import EmptyForm
from crm.common.urls import safe_redirect_target
from crm.common.web import report_service_error
from crm.errors import ServiceError
from crm.extensions import db, limiter
from crm.i18n import LANGUAGE_COOKIE

bp = Blueprint("two_factor", __name__)

# Session keys: the sign-in waiting for its code, and the secret being set up (shown on the
# setup page until a code of the app confirms it; stored only then).
PENDING = "two_factor_pending"
SETUP = "two_factor_setup"
# The remembered browser's cookie, sent only to the login pages that read it.
DEVICE_COOKIE = "crm_device"
DEVICE_COOKIE_PATH = "/login"
# What a user who must set up two-factor sign-in may still open (public pages stay public).
WHILE_SETTING_UP = {"two_factor.set_up_two_factor", "auth.logout"}


def _me() -> User:
    return current_user._get_current_object()


# --- signing in -------------------------------------------------------------------------------

def after_password(user: User, next_url: str):
    """After a correct password: signed in at once (no second factor, or a remembered
    browser), else half-way, with a few minutes to give a code on the next page."""
    if not two_factor.is_enabled(user) or devices.is_remembered(
            user, request.cookies.get(DEVICE_COOKIE)):
        login_user(user)
        return redirect(next_url)
    session[PENDING] = {
        "user": user.id, "epoch": user.session_epoch, "next": next_url,
        "until": int(time.time()) + current_app.config["TWO_FACTOR_PENDING_SECONDS"]}
    return redirect(url_for("two_factor.enter_code"))


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not pending.get("until", 0) > time.time():
        return None
    return two_factor.get_pending_user(pending.get("user"), pending.get("epoch"))


def _signed_in(user: User, remember: bool):
    """The session proper: a new one (nothing of the half-way one carries over), and the
    device cookie when asked for."""
    target = safe_redirect_target(session[PENDING].get("next"), url_for("main.home"))
    session.clear()
    login_user(user)
    response = redirect(target)
    if remember:
        token = devices.remember_device(user, request.user_agent.string)
        response.set_cookie(
            DEVICE_COOKIE, token, path=DEVICE_COOKIE_PATH, httponly=True, samesite="Lax",
            max_age=current_app.config["TWO_FACTOR_REMEMBER_DAYS"] * 24 * 3600,
            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _attempts_limit() -> str:
    return f"{current_app.config['LOGIN_ATTEMPTS_PER_MINUTE']}/minute"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_attempts_limit, key_func=get_remote_address, methods=["POST"],
               deduct_when=lambda response: response.status_code == 200)
@public
def enter_code():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please log in again: the code was not given in time."), "info")
        return redirect(url_for("auth.login"))
    # In the user's own language, as the pages after it, unless this browser chose one.
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    with nullcontext() if chosen else force_locale(user.language):
        form, recovery_form = SignInCodeForm(), RecoveryCodeForm(prefix="recovery")
        posted = recovery_form if recovery_form.code.name in request.form else form
        if request.method == "POST" and posted.validate_on_submit():
            try:
                two_factor.check_code(user, posted.code.data)
            except ServiceError as error:
                report_service_error(posted, error)
            else:
                return _signed_in(user, remember=posted is form and form.remember.data)
        return render_template("auth/enter_code.html", form=form,
                               recovery_form=recovery_form, user=user)


@bp.before_app_request
def _keep_on_setup():
    """A signed-in user who must use two-factor sign-in and has not set it up reaches only
    its setup and the logout. Requests authenticated otherwise than by the session (API
    tokens) are left to their own checks."""
    view = current_app.view_functions.get(request.endpoint)
    if (getattr(view, "required_permission", "public") == "public"
            or request.endpoint in WHILE_SETTING_UP or "_user_id" not in session):
        return None
    if current_user.is_authenticated and two_factor.must_set_up(current_user):
        flash(_("Two-factor sign-in is required for your account: set it up to continue."),
              "warning")
        return redirect(url_for("two_factor.set_up_two_factor"))
    return None


# --- one's own account ------------------------------------------------------------------------

def _settings_page(user: User, renew_form=None, off_form=None):
    return render_template(
        "auth/show_two_factor.html", summary=two_factor.summary(user),
        renew_form=renew_form or RenewRecoveryCodesForm(prefix="renew"),
        off_form=off_form or TurnOffTwoFactorForm(prefix="off"), devices_form=EmptyForm())


def _recovery_codes_page(codes: list[str]):
    text = "\r\n".join(codes) + "\r\n"
    return render_template("auth/recovery_codes.html", codes=codes,
                           download=f"data:text/plain;charset=utf-8,{quote(text)}")


@bp.get("/account/two-factor")
@require("account.manage_own")
def show_two_factor():
    return _settings_page(_me())


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@require("account.manage_own")
def set_up_two_factor():
    user = _me()
    if two_factor.is_enabled(user):
        return redirect(url_for("two_factor.show_two_factor"))
    secret = session.get(SETUP) or two_factor.new_secret()
    session[SETUP] = secret
    form = AppCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(user, secret, form.code.data)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            session.pop(SETUP, None)
            flash(_("Two-factor sign-in is on."), "success")
            return _recovery_codes_page(codes)
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/set_up_two_factor.html", form=form,
                           qr_code=two_factor.qr_code(uri), secret=two_factor.grouped(secret),
                           required=two_factor.is_required(user))


@bp.post("/account/two-factor/recovery-codes")
@require("account.manage_own")
def renew_recovery_codes():
    user, form = _me(), RenewRecoveryCodesForm(prefix="renew")
    if form.validate_on_submit():
        try:
            codes = two_factor.renew_recovery_codes(user, form.code.data)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("New recovery codes were made: the old ones no longer work."), "success")
            return _recovery_codes_page(codes)
    return _settings_page(user, renew_form=form)


@bp.post("/account/two-factor/off")
@require("account.manage_own")
def turn_off_two_factor():
    user, form = _me(), TurnOffTwoFactorForm(prefix="off")
    again = two_factor.is_required(user)  # required: turned off only to set up a new phone
    if form.validate_on_submit():
        try:
            two_factor.turn_off(user, form.password.data, form.code.data,
                                to_set_up_again=again)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            if again:
                return redirect(url_for("two_factor.set_up_two_factor"))
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("two_factor.show_two_factor"))
    return _settings_page(user, off_form=form)


@bp.post("/account/two-factor/devices/forget")
@require("account.manage_own")
def forget_devices():
    if EmptyForm().validate_on_submit():
        devices.forget_devices(_me())
        flash(_("Your remembered devices will ask for a code again."), "success")
    return redirect(url_for("two_factor.show_two_factor"))


# --- the administrators' controls -------------------------------------------------------------

@bp.post("/admin/users/<int:user_id>/two-factor/required")
@require("users.manage")
def require_two_factor(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RequireTwoFactorForm()
    if form.validate_on_submit():
        try:
            two_factor.set_required(_me(), user, form.required.data == "1")
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("Two-factor sign-in is now required for %(email)s.", email=user.email)
                  if user.two_factor_required else
                  _("Two-factor sign-in is no longer required for %(email)s.", email=user.email),
                  "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/two-factor/reset", methods=["GET", "POST"])
@require("users.manage")
def reset_two_factor(user_id: int):
    user = db.get_or_404(User, user_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            two_factor.reset(_me(), user)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The two-factor sign-in of %(email)s was reset.", email=user.email),
                  "success")
        return redirect(url_for("auth.edit_user", user_id=user.id))
    return render_template("auth/reset_two_factor.html", user=user, form=form)
