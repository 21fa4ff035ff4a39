"""The main menu, gated by permissions, and `can` for templates."""

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.auth.permissions import can


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    permission: str
    settings: bool = False  # shown under "Settings", so the main menu fits on a laptop


NAV_ITEMS = [
    NavItem("main.home", _l("Home"), "home.view"),
    NavItem("pipeline.show_board", _l("Pipeline"), "pipeline.view"),
    NavItem("projects.list_projects", _l("Projects"), "project.view"),
    NavItem("organizations.list_organizations", _l("Organizations"), "organization.view"),
    NavItem("people.list_people", _l("People"), "person.view"),
    NavItem("forums.list_forums", _l("Forums"), "forum.view"),
    NavItem("funding.list_funders", _l("Funders"), "funder.view"),
    NavItem("calls.list_calls", _l("Calls"), "call.view"),
    NavItem("reviews.my_reviews", _l("My reviews"), "application.review"),
    NavItem("followups.list_my_followups", _l("My follow-ups"), "followup.view"),
    NavItem("reports.index", _l("Reports"), "report.view"),
    NavItem("segments.list_segments", _l("Segments"), "segment.use"),
    NavItem("mailings.list_mailings", _l("Mailings"), "mailing.view"),
    NavItem("pipeline.list_stages", _l("Stages"), "stages.manage", settings=True),
    NavItem("impact.list_indicators", _l("Indicators"), "indicators.manage", settings=True),
    NavItem("impact.list_targets", _l("Impact targets"), "indicators.manage", settings=True),
    NavItem("privacy.show_register", _l("Personal data"), "privacy.register", settings=True),
    NavItem("auth.list_users", _l("Users"), "users.manage", settings=True),
    NavItem("webhooks.list_endpoints", _l("Webhooks"), "webhook.manage", settings=True),
]


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    url: str
    label: str


def _menus(app: Flask) -> dict:
    """The current user's main menu and settings menu: links in the page's language."""
    items = [item for item in NAV_ITEMS
             if item.endpoint in app.view_functions and can(current_user, item.permission)]
    links = [(item, NavLink(item.endpoint, url_for(item.endpoint), str(item.label)))
             for item in items]
    return {"nav_items": [link for item, link in links if not item.settings],
            "settings_items": [link for item, link in links if item.settings]}


def register_navigation(app: Flask) -> None:
    app.jinja_env.globals["can"] = lambda action, obj=None: can(current_user, action, obj)
    # Without a record, a permission depends on the role alone: the menus are the same for
    # every user of a role, reading one language (kept per address root as well, which
    # their links begin with).
    menus = {}

    @app.context_processor
    def inject_nav_items():
        if not current_user.is_authenticated:
            return {"nav_items": [], "settings_items": []}
        key = (current_user.role, str(get_locale()), request.script_root)
        found = menus.get(key)
        if found is None:
            found = menus[key] = _menus(app)
        return found
