"""Two-factor sign-in in a real browser: an officer sets it up from their account page
(reading the key on the page, as they would type it in an app), signs out, and signs in with
the password and a code; the pages pass axe in Arabic (right to left) and French."""

import re

import pytest

from crm.demo import DEMO_PASSWORD
from tests.browser.conftest import (
    fresh_code,
    log_in,
    log_out,
    screenshot,
    serious_accessibility_violations,
)


def _set_up(page, base_url: str, email: str) -> str:
    """From the account page to the recovery codes; the key the app was given."""
    page.goto(f"{base_url}/account/password")
    page.locator("main a[href='/account/two-factor/setup']").click()
    page.wait_for_load_state()
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    page.fill("#code", fresh_code(base_url, email, secret))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return secret


def test_an_officer_sets_it_up_then_signs_in_with_a_code(page, live_server):
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    email = "officer2@demo.crm"  # French
    log_in(page, live_server, email, DEMO_PASSWORD)
    page.goto(f"{live_server}/account/two-factor/setup")
    qr = page.locator("img.qr-code")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 100")  # CSP let it in
    secret = _set_up(page, live_server, email)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "two-factor-recovery-codes-fr")
    page.locator("main a.btn-primary").click()  # "I have saved them"
    page.wait_for_load_state()
    assert page.url == f"{live_server}/account/two-factor"
    log_out(page)

    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server}/login/code"
    page.goto(f"{live_server}/")  # the password alone opens nothing
    assert page.url.startswith(f"{live_server}/login")
    page.go_back()
    page.fill("#code", "000000")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("#code").get_attribute("aria-invalid") == "true"
    page.fill("#code", fresh_code(live_server, email, secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.url == f"{live_server}/"
    assert errors == []


@pytest.mark.parametrize("email, lang, direction", [("officer@demo.crm", "ar", "rtl"),
                                                    ("officer2@demo.crm", "fr", "ltr")])
def test_the_setup_and_code_pages_have_no_serious_accessibility_violation(
        axe_page, live_server, email, lang, direction):
    page = axe_page
    log_in(page, live_server, email, DEMO_PASSWORD)
    page.goto(f"{live_server}/account/two-factor/setup")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == direction
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"two-factor-setup-{lang}")
    _set_up(page, live_server, email)
    assert serious_accessibility_violations(page) == []  # the recovery codes
    page.goto(f"{live_server}/account/two-factor")
    assert serious_accessibility_violations(page) == []
    log_out(page)

    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server}/login/code"
    assert page.locator("html").get_attribute("dir") == direction
    page.locator("details summary").click()  # the recovery code's form, open
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"two-factor-code-{lang}")


def test_the_demo_administrator_passes_the_code_page(page, live_server):
    log_in(page, live_server, "admin@demo.crm", DEMO_PASSWORD)  # the demo key, documented
    page.goto(f"{live_server}/admin/users")
    assert page.url == f"{live_server}/admin/users"
    assert "admin@demo.crm" in page.locator("main").inner_text()
