"""Logging in and out in Arabic and French, page direction, accessibility, small screens."""

import pytest
from flask import request, request_started

from crm.demo import DEMO_PASSWORD
from tests.browser.conftest import (
    log_in,
    log_out,
    open_menu,
    screenshot,
    serious_accessibility_violations,
)


def _choose_language(page, native_name: str) -> None:
    page.get_by_role("button", name=native_name).click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    "lang, native, direction, heading, logout, email",
    [("ar", "العربية", "rtl", "تسجيل الدخول", "تسجيل الخروج", "officer@demo.crm"),
     ("fr", "Français", "ltr", "Se connecter", "Se déconnecter", "manager@demo.crm")],
)
def test_log_in_and_out(page, live_server, lang, native, direction, heading, logout, email):
    """Each demo user's own language preference is the one they log in with."""
    page.goto(f"{live_server}/login")
    _choose_language(page, native)
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == direction
    assert page.get_by_role("heading", level=1).inner_text() == heading
    screenshot(page, f"login-{lang}")

    log_in(page, live_server, email, DEMO_PASSWORD)
    assert page.url == f"{live_server}/"
    assert page.locator("html").get_attribute("dir") == direction
    screenshot(page, f"home-{lang}")

    open_menu(page)
    page.get_by_role("button", name=logout).click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server}/login")
    assert page.locator("html").get_attribute("dir") == direction
    page.goto(f"{live_server}/")
    assert page.url.startswith(f"{live_server}/login")


def test_a_wrong_password_shows_the_message_in_arabic(page, live_server):
    page.goto(f"{live_server}/login")
    _choose_language(page, "العربية")
    log_in(page, live_server, "manager@demo.crm", "not-the-password")
    assert "البريد الإلكتروني أو كلمة المرور غير صحيحة" in page.locator("main").inner_text()


@pytest.mark.parametrize("lang, native", [("ar", "العربية"), ("fr", "Français")])
def test_login_and_home_pages_have_no_serious_accessibility_violation(axe_page, live_server,
                                                                      lang, native):
    page = axe_page
    page.goto(f"{live_server}/login")
    _choose_language(page, native)
    assert serious_accessibility_violations(page) == []
    for email in ("admin@demo.crm", "officer@demo.crm", "innovator@demo.crm"):
        log_in(page, live_server, email, DEMO_PASSWORD)
        _choose_language(page, native)  # also saves it as the user's preference
        assert page.locator("html").get_attribute("lang") == lang
        assert serious_accessibility_violations(page) == [], email
        log_out(page)


def test_pages_fit_a_360_pixel_wide_screen(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for lang in ("ar", "fr"):
        context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
        page.goto(f"{live_server}/login")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        log_in(page, live_server, "admin@demo.crm", DEMO_PASSWORD)
        for path in ("/", "/admin/users"):
            page.goto(f"{live_server}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, (lang, path)
        screenshot(page, f"users-360-{lang}")
        page.get_by_role("button", name="Show the menu").count()  # the menu collapses
        context.clear_cookies()
    context.close()


def test_the_content_security_policy_blocks_nothing_of_ours(page, live_server):
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    log_in(page, live_server, "admin@demo.crm", DEMO_PASSWORD)
    page.goto(f"{live_server}/admin/users")
    assert errors == []



def test_a_second_page_takes_its_style_sheets_and_scripts_from_the_browser_cache(
        page, live_app, live_server):
    page.goto(f"{live_server}/login")
    served = []

    def count(sender, **_extra):
        served.append(request.path)

    with request_started.connected_to(count, live_app):
        page.goto(f"{live_server}/login")
        page.get_by_role("button", name="العربية").click()  # a form, then a redirect
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "/login" in served
    # Only the right-to-left style sheet is new to the browser (Chromium asks for the tab's
    # icon itself each time, whatever its cache holds).
    assert [path for path in served if path.startswith("/static/")
            and path != "/static/favicon.svg"] == [
        "/static/vendor/bootstrap/bootstrap.rtl.min.css"]
