"""Style sheets and scripts are named by their content and kept by browsers for a year."""

import re

from crm.common.static_files import YEAR

ASSET = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{12})"')


def _assets(client) -> dict[str, str]:
    return dict(ASSET.findall(client.get("/login").get_data(as_text=True)))


def test_a_page_names_its_style_sheets_and_scripts_with_their_fingerprint(client):
    assets = _assets(client)
    assert {"/static/css/app.css", "/static/js/app.js", "/static/vendor/htmx/htmx.min.js",
            "/static/favicon.svg"} <= set(assets)
    for path, version in assets.items():
        response = client.get(f"{path}?v={version}")
        assert response.status_code == 200, path
        cache = response.cache_control
        assert cache.public and cache.immutable and cache.max_age == YEAR, path


def test_without_its_fingerprint_or_with_an_old_one_a_file_is_checked_each_time(client):
    for query in ("", "?v=000000000000", "?v="):
        response = client.get(f"/static/css/app.css{query}")
        assert response.status_code == 200
        assert response.cache_control.max_age is None and response.cache_control.no_cache


def test_a_changed_file_gets_a_new_address(app, client, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    style = tmp_path / "app.css"
    style.write_text("body { color: black; }", encoding="utf-8")
    with app.test_request_context():
        from flask import url_for

        before = url_for("static", filename="app.css")
        style.write_text("body { color: navy; }", encoding="utf-8")
        after = url_for("static", filename="app.css")
        missing = url_for("static", filename="missing.css")
    assert before != after and before.startswith("/static/app.css?v=")
    assert client.get(before).cache_control.max_age is None  # the old content is gone
    assert client.get(after).cache_control.max_age == YEAR
    assert missing == "/static/missing.css"
    assert client.get(missing).status_code == 404
