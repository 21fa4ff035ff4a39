"""In French, an officer imports the WeXchange 2024 attendee file through the screens, with
the background thread runner and the htmx progress bar, then imports it again."""

import re
import shutil
from pathlib import Path

import pytest
from flask_babel import force_locale
from werkzeug.serving import make_server

from crm.extensions import db
from crm.forums.models import Forum
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.services import reason_text
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in
from tests.conftest import build_app, serving

SHARED_FILE = (Path(__file__).resolve().parents[3] / "shared" / "data"
               / "wexchange2024_attendees.csv")
WAIT_MS = 60_000


@pytest.fixture
def threaded_server(tmp_path, demo_database):
    """The live server of conftest.py, but its jobs run in a background thread, as in the
    embedded default: the pages must follow them with the progress bar."""
    path = tmp_path / "live.sqlite3"
    shutil.copyfile(demo_database, path)
    app = build_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        WTF_CSRF_ENABLED=True,
        BABEL_DEFAULT_LOCALE="fr",
        JOB_RUNNER="thread",
    )
    with app.app_context():
        forum_id = db.session.scalar(db.select(Forum.id).where(Forum.name == "WeXchange 2024"))
    with serving(make_server("127.0.0.1", 0, app, threaded=True)) as server:
        yield app, f"http://127.0.0.1:{server.server_port}", forum_id
    with app.app_context():
        db.engine.dispose()


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _upload_and_map(page, base: str, forum_id: int, shots: str = "") -> None:
    page.goto(f"{base}/forums/{forum_id}")  # the forum page leads to its imports
    page.locator(f'main a[href="/forums/{forum_id}/imports/new"]').first.click()
    page.wait_for_url(re.compile(r"/imports/new$"))
    page.set_input_files("#file", str(SHARED_FILE))
    if shots:
        screenshot(page, f"import-upload-{shots}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/imports/\d+/columns$"))
    assert page.locator("#workshop").input_value() == "7"  # "Atelier", guessed
    if shots:
        screenshot(page, f"import-mapping-{shots}")
    page.locator("main form button[type=submit]").click()


def _wait_for(page, selector: str) -> None:
    """The job runs in a thread; htmx polls its progress and reloads the page when it stops."""
    page.locator(selector).wait_for(timeout=WAIT_MS)


def test_an_officer_imports_the_forum_file_in_french_and_a_second_import_creates_nobody(
        page, threaded_server):
    app, base, forum_id = threaded_server
    sign_in(page, base, "officer2@demo.crm")  # Youssef Tazi works in French
    assert page.locator("html").get_attribute("lang") == "fr"

    _upload_and_map(page, base, forum_id, shots="fr")
    _wait_for(page, "#preview-counts")
    assert page.locator("html").get_attribute("lang") == "fr"
    counts = {status: _number(page.locator(f"#count-{status}").inner_text())
              for status in ("new", "match", "same-as-row", "invalid")}
    assert counts["invalid"] == 3
    assert sum(counts.values()) == 321
    assert counts["new"] + counts["match"] == 260  # some attendees are demo people already
    screenshot(page, "import-preview-fr")

    page.locator("#count-invalid").click()
    page.wait_for_load_state()
    with app.test_request_context(), force_locale("fr"):
        expected = {105: reason_text(["invalid-email", "invalid-phone", "unknown-workshop"]),
                    212: reason_text(["empty-line"]), 214: reason_text(["bad-characters"])}
    for line, reasons in expected.items():
        assert reasons in page.locator(f"#line-{line}").inner_text()
    screenshot(page, "import-invalid-lines-fr")

    page.locator("main form button[formaction]").click()  # « Importer maintenant »
    _wait_for(page, "#report-counts")
    assert _number(page.locator("#report-created").inner_text()) == counts["new"]
    assert _number(page.locator("#report-rejected").inner_text()) == 3
    for line in (105, 212, 214):
        assert page.locator(f"#rejected-{line}").count() == 1
    screenshot(page, "import-report-fr")

    _upload_and_map(page, base, forum_id, shots="again-fr")
    _wait_for(page, "#preview-counts")
    assert _number(page.locator("#count-new").inner_text()) == 0
    assert _number(page.locator("#count-match").inner_text()) == 260
    page.locator("main form button[formaction]").click()
    _wait_for(page, "#report-counts")
    assert _number(page.locator("#report-created").inner_text()) == 0
    assert _number(page.locator("#report-participations").inner_text()) == 0
    screenshot(page, "import-second-report-fr")


def _set_job(app, job_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(db.update(ImportJob).where(ImportJob.id == job_id).values(**values))
        db.session.commit()


def test_the_progress_bar_follows_the_job_and_the_page_reloads_when_it_stops(
        page, threaded_server):
    app, base, forum_id = threaded_server
    sign_in(page, base, "officer2@demo.crm")
    page.goto(f"{base}/forums/{forum_id}/imports/new")
    page.set_input_files("#file", str(SHARED_FILE))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/imports/\d+/columns$"))
    job_id = int(page.url.split("/")[-2])
    # A job as a worker leaves it halfway (held here so that the test decides when it moves).
    _set_job(app, job_id, status=ImportStatus.IMPORTING, processed_rows=100)

    page.goto(f"{base}/forums/{forum_id}/imports/{job_id}")
    bar = page.locator("progress#job-progress-bar")
    assert bar.get_attribute("value") == "100" and bar.get_attribute("max") == "321"
    screenshot(page, "import-progress-fr")
    _set_job(app, job_id, processed_rows=250)
    page.locator('progress#job-progress-bar[value="250"]').wait_for(timeout=5_000)
    assert "250" in page.locator("#job-progress-text").inner_text()

    _set_job(app, job_id, status=ImportStatus.PREVIEW)
    _wait_for(page, "#preview-counts")  # HX-Refresh reloaded the page into its next state
    assert page.locator("progress").count() == 0


def test_the_import_pages_have_no_serious_accessibility_violation(axe_page, threaded_server):
    page = axe_page
    _app, base, forum_id = threaded_server
    sign_in(page, base, "officer2@demo.crm")
    page.goto(f"{base}/forums/{forum_id}/imports/new")
    assert serious_accessibility_violations(page) == []
    page.set_input_files("#file", str(SHARED_FILE))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/imports/\d+/columns$"))
    assert serious_accessibility_violations(page) == []
    page.locator("main form button[type=submit]").click()
    _wait_for(page, "#preview-counts")
    assert serious_accessibility_violations(page) == []
    page.locator("main form button[formaction]").click()
    _wait_for(page, "#report-counts")
    assert serious_accessibility_violations(page) == []


def test_the_import_pages_fit_a_phone_screen_in_arabic(browser, threaded_server):
    _app, base, forum_id = threaded_server
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    sign_in(page, base, "officer@demo.crm")  # her language is Arabic
    assert page.locator("html").get_attribute("dir") == "rtl"
    widths = {}
    page.goto(f"{base}/forums/{forum_id}/imports/new")
    widths["upload"] = page.evaluate("document.documentElement.scrollWidth")
    page.set_input_files("#file", str(SHARED_FILE))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/imports/\d+/columns$"))
    widths["mapping"] = page.evaluate("document.documentElement.scrollWidth")
    page.locator("main form button[type=submit]").click()
    _wait_for(page, "#preview-counts")
    widths["preview"] = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "import-preview-ar-phone")
    page.locator("main form button[formaction]").click()
    _wait_for(page, "#report-counts")
    widths["report"] = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "import-report-ar-phone")
    context.close()
    assert widths == dict.fromkeys(widths, 360)  # the tables scroll inside their own box
