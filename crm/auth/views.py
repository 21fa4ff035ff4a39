"""Login, logout, one's own password, and the administrators' account screens."""

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
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from crm.auth import reset, services, two_factor
from crm.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewUserForm,
    RequireTwoFactorForm,
    ResetPasswordForm,
    UserForm,
)
from crm.auth.models import Role, User
from crm.auth.permissions import public, require
from crm.auth.two_factor_views import after_password
from crm.common.forms import EmptyForm
from crm.common.urls import safe_redirect_target
from crm.common.web import report_service_error
from crm.errors import ServiceError
from crm.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return f"{current_app.config['LOGIN_ATTEMPTS_PER_MINUTE']}/minute"


def _account_hourly_limit() -> str:
    """Failed logins on one address from any network: the slow guessing of one account,
    counted whether or not the account exists (the answer tells nothing)."""
    return f"{current_app.config['LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR']}/hour"


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()


def _failed_login(response) -> bool:
    """Only failed attempts count: a success redirects, a failure shows the form again."""
    return response.status_code == 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_account_hourly_limit, key_func=_account_key, methods=["POST"],
               deduct_when=_failed_login)
@limiter.limit(_login_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed_login)
@limiter.limit(
    _login_limit, key_func=get_remote_address, methods=["POST"], deduct_when=_failed_login
)
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # nothing from before login (CSRF token included) carries over
            return after_password(user, safe_redirect_target(form.next.data, url_for("main.home")))
        flash(_("The email or the password is not correct."), "danger")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@require("account.manage_own")
def logout():
    if EmptyForm().validate_on_submit():
        services.end_sessions(current_user)
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@require("account.manage_own")
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except ServiceError as error:
            form.current_password.errors.append(str(error.message))
        else:
            login_user(user)  # this session goes on with the new epoch; others end
            flash(_("Your password has been changed. Your other sessions were closed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form,
                           two_factor_status=two_factor.status(user))


def _reset_request_limit() -> str:
    return f"{current_app.config['PASSWORD_RESET_REQUESTS_PER_HOUR']}/hour"


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_request_limit, key_func=_account_key, methods=["POST"])
@limiter.limit(_login_limit, key_func=get_remote_address, methods=["POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset.request_reset(form.email.data)  # the same answer whether anything was sent
        return render_template("auth/forgot_password_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        user = reset.load(token)
    except reset.ResetLinkError as error:
        return render_template("auth/reset_link_refused.html", error=error), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = reset.reset_password(token, form.password.data)
        except reset.ResetLinkError as error:
            return render_template("auth/reset_link_refused.html", error=error), 410
        except ServiceError as error:
            report_service_error(form, error)
        else:
            logout_user()  # whoever was logged in on this browser gives way
            response = after_password(user, url_for("main.home"))  # the code, when it is on
            flash(_("Your password has been changed. Your other sessions were closed."),
                  "success")  # after: in the user's language once they are logged in
            return response
    return render_template("auth/reset_password.html", form=form, user=user)


@bp.get("/admin/users")
@require("users.manage")
def list_users():
    return render_template("auth/list_users.html", users=services.list_users(),
                           two_factor_status=two_factor.status)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require("users.manage")
def create_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user,
                form.email.data,
                form.password.data,
                Role(form.role.data),
                form.language.data,
                form.full_name.data or "",
            )
        except ServiceError as error:
            getattr(form, error.field or "email").errors.append(str(error.message))
        else:
            flash(_("The account %(email)s was created.", email=user.email), "success")
            return redirect(url_for("auth.list_users"))
    return render_template("auth/create_user.html", form=form)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require("users.manage")
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        try:
            services.update_user(
                current_user,
                user,
                Role(form.role.data),
                form.language.data,
                form.active.data,
                form.full_name.data or "",
            )
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The account %(email)s was updated.", email=user.email), "success")
            return redirect(url_for("auth.list_users"))
    return render_template("auth/edit_user.html", form=form, user=user,
                           two_factor=two_factor.summary(user),
                           events=two_factor.recent_events(user),
                           event_labels=two_factor.EVENT_LABELS,
                           require_form=RequireTwoFactorForm())
