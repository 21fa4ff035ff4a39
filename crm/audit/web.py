"""Hands the request's address to the audit log."""

from flask import Flask, request

from crm.audit.services import action_label, current_address, field_label


def register_audit(app: Flask) -> None:
    app.jinja_env.globals.update(action_label=action_label, field_label=field_label)
    app.jinja_env.filters["field_label_of"] = field_label

    @app.before_request
    def remember_address():
        current_address.set(request.remote_addr or "")
