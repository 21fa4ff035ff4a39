"""Absolute links to the CRM built from CRM_BASE_URL: reminder emails and calendar feeds are
read away from the browser, and written away from any request."""

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """The full address of an endpoint, as users reach the CRM (no SERVER_NAME needed)."""
    base = urlsplit(current_app.config["CRM_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def target_endpoint(followup) -> tuple[str, dict]:
    """The page of the record a follow-up is owed to: (endpoint, values)."""
    if followup.project_id:
        return "projects.show_project", {"project_id": followup.project_id}
    if followup.organization_id:
        return "organizations.show_organization", {"organization_id": followup.organization_id}
    return "people.show_person", {"person_id": followup.person_id}


def target_url(followup) -> str:
    endpoint, values = target_endpoint(followup)
    return absolute_url(endpoint, **values)
