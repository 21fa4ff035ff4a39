"""The CRM application factory."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, ProductionConfig, config_from_env

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the application; nothing else in the package runs at import."""
    config_class = config_class or config_from_env()
    if issubclass(config_class, ProductionConfig):
        config_class.check()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    if app.config["PROXY_COUNT"]:
        # Behind a reverse proxy: the client's address (for the audit log and throttling).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"],
                                x_proto=app.config["PROXY_COUNT"])
    Path(app.instance_path).mkdir(exist_ok=True)

    register_extensions(app)
    register_input_guards(app)
    register_blueprints(app)
    register_cli(app)
    register_hooks(app)
    return app


def register_extensions(app: Flask) -> None:
    from crm import models  # noqa: F401  (every table known to Alembic and the shell)
    from crm.auth.loader import init_login
    from crm.database import init_database
    from crm.extensions import babel, csrf, db, limiter, migrate
    from crm.i18n import select_locale, select_timezone

    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    init_login(app)


def register_input_guards(app: Flask) -> None:
    from crm.common.web import register_input_guards as register

    register(app)  # before the blueprints: their `<int:...>` rules take the capped converter


def register_blueprints(app: Flask) -> None:
    from crm.api.core import init_api
    from crm.api.views import bp as api_bp
    from crm.audit.views import bp as activity_bp
    from crm.auth.two_factor_views import bp as two_factor_bp
    from crm.auth.views import bp as auth_bp
    from crm.bulk.views import bp as bulk_bp
    from crm.calls.public import bp as apply_bp
    from crm.calls.reviewing import bp as reviews_bp
    from crm.calls.views import bp as calls_bp
    from crm.documents.views import bp as documents_bp
    from crm.followups.views import bp as followups_bp
    from crm.forums.views import bp as forums_bp
    from crm.funding.views import bp as funding_bp
    from crm.impact.views import bp as impact_bp
    from crm.imports.views import bp as imports_bp
    from crm.interactions.views import bp as interactions_bp
    from crm.invitations.views import bp as invitations_bp
    from crm.mailings.views import bp as mailings_bp
    from crm.mailings.views import unsubscribe_bp
    from crm.main.views import bp as main_bp
    from crm.organizations.views import bp as organizations_bp
    from crm.people.views import bp as people_bp
    from crm.pipeline.views import bp as pipeline_bp
    from crm.portal.views import bp as portal_bp
    from crm.privacy.views import bp as privacy_bp
    from crm.projects.views import bp as projects_bp
    from crm.reports.views import bp as reports_bp
    from crm.search.views import bp as search_bp
    from crm.segments.views import bp as segments_bp
    from crm.webhooks.views import bp as webhooks_bp

    for blueprint in (main_bp, auth_bp, organizations_bp, people_bp, projects_bp, pipeline_bp,
                      interactions_bp, search_bp, forums_bp, imports_bp, followups_bp,
                      funding_bp, impact_bp, invitations_bp, privacy_bp, portal_bp,
                      reports_bp, calls_bp, reviews_bp, apply_bp, documents_bp, activity_bp,
                      segments_bp, bulk_bp, mailings_bp, unsubscribe_bp, api_bp, two_factor_bp,
                      webhooks_bp):
        app.register_blueprint(blueprint)
    init_api(app)  # the token-authenticated resources under /api/v1, and their document


def register_cli(app: Flask) -> None:
    from crm.cli import crm_cli, translate_cli

    app.cli.add_command(crm_cli)
    app.cli.add_command(translate_cli)


def register_hooks(app: Flask) -> None:
    from crm.api.errors import register_api_errors
    from crm.audit.web import register_audit
    from crm.common.static_files import register_static_files
    from crm.common.web import register_template_helpers
    from crm.errors import register_error_handlers
    from crm.i18n import register_i18n
    from crm.navigation import register_navigation
    from crm.security import register_security
    from crm.webhooks.events import register_events

    register_error_handlers(app)
    register_api_errors(app)
    register_audit(app)
    register_i18n(app)
    register_navigation(app)
    register_security(app)
    register_static_files(app)
    register_template_helpers(app)
    register_events(app)
