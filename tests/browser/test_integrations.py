"""The pages of this session's features, in Arabic, read by axe: mailings, API tokens and
their documentation, two-factor settings, webhooks. Each is right to left and has no serious
accessibility violation."""

from tests.browser.conftest import serious_accessibility_violations, sign_in

PAGES = ("/mailings", "/mailings/new", "/account/api-tokens", "/api/v1/docs",
         "/account/two-factor", "/admin/webhooks", "/admin/webhooks/new")


def test_the_integration_pages_read_right_to_left_without_serious_violations(axe_page,
                                                                             live_server):
    page = axe_page
    sign_in(page, live_server, "admin@demo.crm")
    page.get_by_role("button", name="العربية").click()
    page.wait_for_load_state()
    for path in PAGES:
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("dir") == "rtl", path
        assert serious_accessibility_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
