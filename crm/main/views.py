"""Home (fitted to the role), language switching and /healthz."""

from flask import Blueprint, current_app, jsonify, make_response, redirect, render_template, url_for
from flask_login import current_user

from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.auth.permissions import public, require
from crm.calls import review
from crm.common.forms import LanguageForm
from crm.common.urls import safe_redirect_target
from crm.database import is_database_reachable
from crm.followups import services as followup_services
from crm.i18n import LANGUAGE_COOKIE
from crm.portal import services as portal_services
from crm.privacy import services as privacy_services
from crm.projects import services as project_services
from crm.projects import stale
from crm.segments import services as segment_services

bp = Blueprint("main", __name__)
SEGMENTS_ON_HOME = 8


def _officer_home(user: User) -> dict:
    changes = portal_services.portal_changes(user)
    segments = segment_services.visible_to(user)[:SEGMENTS_ON_HOME]
    return {"portfolio": project_services.portfolio(user),
            "segments": [(s, segment_services.count(s)) for s in segments],
            "agenda": followup_services.agenda(user),
            "portal_changes": portal_services.describe_changes(changes),
            "portal_changes_days": portal_services.PORTAL_CHANGES_DAYS}


def _innovator_home(user: User) -> dict:
    context = portal_services.home_context(user)
    if context["person"] is not None:
        context["consents"] = privacy_services.consents_of(context["person"].id)
    return context


def _manager_home(user: User) -> dict:
    return {"stage_counts": project_services.count_by_stage(),
            "unassigned": project_services.count_unassigned(),
            "stale_by_stage": stale.stale_by_stage()}


# What each role's home page shows beyond the shared frame (its template is named the same).
def _reviewer_home(user: User) -> dict:
    return {"reviews": review.reviews_of(user)}


HOME_CONTEXT = {Role.OFFICER: _officer_home, Role.MANAGER: _manager_home,
                Role.INNOVATOR: _innovator_home, Role.REVIEWER: _reviewer_home}


@bp.get("/")
@require("home.view")
def home():
    user = current_user._get_current_object()
    context = HOME_CONTEXT[user.role](user) if user.role in HOME_CONTEXT else {}
    return render_template(f"main/home_{user.role.value}.html", **context)


@bp.post("/language")
@public
def set_language():
    form = LanguageForm()
    target = url_for("main.home")
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        target = safe_redirect_target(form.next.data, target)
        response = make_response(redirect(target))
        response.set_cookie(
            LANGUAGE_COOKIE,
            form.lang.data,
            max_age=60 * 60 * 24 * 365,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        if current_user.is_authenticated:
            auth_services.set_language(current_user, form.lang.data)
        return response
    return redirect(target)


@bp.get("/healthz")
@public
def healthz():
    reachable = is_database_reachable()
    body = {"status": "ok" if reachable else "error", "database": reachable}
    return jsonify(body), 200 if reachable else 503
