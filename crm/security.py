"""Security headers on every response, and the log of security events."""

import logging

from flask import Flask, current_app, request

security_log = logging.getLogger("crm.security")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers.setdefault("Referrer-Policy", "same-origin")  # private links ask for no-referrer
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["HSTS"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        # Pages may hold personal data: never keep them in a shared or browser cache.
        headers["Cache-Control"] = "no-store"
        headers["Vary"] = "Cookie"
    return response


def flag_unexpected_fields(user, form) -> None:
    """Fields a page never offered (a role, an officer, a stage, an amount...) are ignored by
    the form; that someone sent them is logged as a security event (names only, not values)."""
    if request.method != "POST":
        return
    unexpected = sorted(set(request.form) - {field.name for field in form} - {"csrf_token"})
    if unexpected:
        security_log.warning("unexpected form fields from user %s on %s: %s",
                             getattr(user, "id", None), request.endpoint,
                             ", ".join(name[:40] for name in unexpected[:20]))


def register_security(app: Flask) -> None:
    app.after_request(_add_security_headers)
