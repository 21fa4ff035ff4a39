"""Redirect targets checked against open redirects."""

from urllib.parse import urlsplit


def is_safe_redirect(target: str | None) -> bool:
    """Only same-site paths: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target


def safe_redirect_target(target: str | None, default: str) -> str:
    return target if is_safe_redirect(target) else default
