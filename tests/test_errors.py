"""Translated error pages, and no trace on an unexpected error."""

from crm.auth.models import Role
from tests.conftest import build_app


def test_404_is_a_translated_page(client):
    client.set_cookie("lang", "fr")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_405_is_a_page(client):
    assert client.get("/logout").status_code in (302, 405)


def test_unexpected_error_shows_a_500_page_with_an_error_id_and_no_trace(caplog):
    app = build_app()  # its own: a route cannot be added to an app that has served requests

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    boom.required_permission = "public"
    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in page and "Traceback" not in page
    error_id = next(r for r in caplog.records if r.name == "crm.errors").args[0]
    assert error_id in page


def test_htmx_requests_get_a_fragment(client, login_as):
    login_as(Role.OFFICER)
    response = client.get("/admin/users", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "<html" not in response.get_data(as_text=True)
