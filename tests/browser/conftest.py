"""A live server on its own database, and Debian's Chromium driven by Playwright."""

import os
import shutil
import threading
import time
from functools import cache, partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from sqlalchemy import create_engine
from werkzeug.serving import make_server

from crm.database import configure_engine
from crm.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from crm.extensions import db, limiter
from tests.conftest import build_app, mail_catcher, serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CRM_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and CRM_REQUIRE_BROWSER=1 requires the browser tests")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_config() -> dict:
    """Settings a test gives its live server (overridden where needed, e.g. a mail server)."""
    return {}


@pytest.fixture
def mailbox():
    """A real SMTP server for the live app (give it `mail_settings(mailbox)`)."""
    with mail_catcher() as handler:
        yield handler


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """A database file holding the demo data, seeded once for the run."""
    from crm.demo import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    app = build_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.remove()
        db.engine.dispose()  # the last connection closed: the WAL is folded into the file
    return path


@pytest.fixture(scope="session")
def shared_live_app(tmp_path_factory):
    """The real application with CSRF on, built once for the run (building one, and its
    first visit to each page, cost each test half a second); each test gives it a database
    of its own (`live_app`)."""
    path = tmp_path_factory.mktemp("live") / "unused.sqlite3"
    return build_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", WTF_CSRF_ENABLED=True,
                     BABEL_DEFAULT_LOCALE="fr")


def _use_database(app, url: str) -> None:
    """Every session of `app` on a new engine for `url`; the previous one closed (a request
    still running there keeps its connection to the previous file)."""
    with app.app_context():
        db.session.remove()
        engine = create_engine(url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        configure_engine(engine)
        previous, db.engines[None] = db.engines[None], engine
        previous.dispose()


@pytest.fixture
def live_app(shared_live_app, tmp_path, live_config, demo_database):
    """The live application on its own copy of the demo database, with the test's settings
    (`live_config`) for the test only."""
    app, settings = shared_live_app, dict(shared_live_app.config)
    path = tmp_path / "live.sqlite3"
    shutil.copyfile(demo_database, path)
    _use_database(app, f"sqlite:///{path}")
    app.config.update(live_config)
    with app.app_context():
        limiter.reset()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    app.config.clear()
    app.config.update(settings)


@pytest.fixture
def live_server(live_app):
    """The live application served on a free local port."""
    app = live_app
    with serving(make_server("127.0.0.1", 0, app, threaded=True)) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe_page(browser):
    """A page where axe-core may be injected (the CSP forbids it, rightly, to everyone else)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class _Cached(SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "public, max-age=3600")
        super().end_headers()

    def log_message(self, *args):
        pass


@cache
def axe_url() -> str:
    """axe-core's address on a local server of this test process, which lets the browser keep
    the file and V8 its compiled code: given as the file's text, each page parsed and compiled
    it again (a sixth of a second a page, a third of each check)."""
    handler = partial(_Cached, directory=str(AXE.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/{AXE.name}"


def serious_accessibility_violations(page) -> list[str]:
    page.add_script_tag(url=axe_url())
    # Only violations are read: axe then skips the details of what passed (its own advice).
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# (live server, email) -> the last time step whose code a test gave it.
_steps_given: dict[tuple[str, str], int] = {}


def fresh_code(base_url: str, email: str, secret: str) -> str:
    """A code of the app that this live server has not taken yet: the current time step, or
    the next one (accepted too) when a test signs the same user in twice within 30 seconds."""
    totp = pyotp.TOTP(secret)
    while True:
        now = totp.timecode(int(time.time()))
        last = _steps_given.get((base_url, email))
        step = now if last is None or last < now else last + 1
        if step <= now + 1:
            _steps_given[(base_url, email)] = step
            return totp.generate_otp(step)
        time.sleep(1)


def log_in(page, base_url: str, email: str, password: str,
           secret: str = DEMO_TOTP_SECRET) -> None:
    """The login form, then the code page when the account has two-factor sign-in on (the
    demo administrator has, with the demo key)."""
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if page.url.startswith(f"{base_url}/login/code"):
        page.fill("#code", fresh_code(base_url, email, secret))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()


# email -> the cookies a sign-in through the login form gave, earlier in the run.
_sessions: dict[str, list] = {}


def sign_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Signed in as `email`, on the home page, as `log_in` leaves it: through the login form
    (and the code page) the first time in the run, then with the session cookie that gave,
    which every copy of the demo database accepts (the same user, the same session epoch):
    half a second a test. The login form itself is tested in test_foundation and
    test_two_factor. When the cookie is refused (a log-out in this test ended the user's
    sessions), the form again."""
    if email in _sessions:
        page.context.add_cookies(_sessions[email])
        page.goto(f"{base_url}/")
        if not urlsplit(page.url).path.startswith("/login"):
            return
    log_in(page, base_url, email, password)
    _sessions.setdefault(email, page.context.cookies())


def open_menu(page) -> None:
    """On screens where the menu is collapsed, open it as a person would."""
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.locator("#main-nav.show").wait_for()


def log_out(page) -> None:
    open_menu(page)
    page.locator("nav form button[type=submit]").click()
    page.wait_for_load_state()
