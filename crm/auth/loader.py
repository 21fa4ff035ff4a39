"""Flask-Login wiring: a session is valid only for the user's current session epoch."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from crm.auth.models import User
from crm.extensions import db, login_manager


def load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # evaluates the lazy message in the user's locale
    login_manager.session_protection = "strong"
