"""In Arabic: create an organization and a project, move the project on the board."""

import pytest

from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in


def test_an_officer_creates_an_organization_and_a_project_and_moves_it_in_arabic(page,
                                                                                 live_server):
    sign_in(page, live_server, "officer@demo.crm")  # her language is Arabic
    assert page.locator("html").get_attribute("dir") == "rtl"

    page.goto(f"{live_server}/organizations/new")
    page.fill("#name", "Coopérative Azur Tissage")
    page.fill("#name_arabic", "تعاونية أزور للنسيج")
    page.select_option("#kind", "cooperative")
    page.select_option("#region", "souss-massa")
    page.fill("#city", "أكادير")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/organizations/" in page.url
    assert "تعاونية أزور للنسيج" in page.locator("main").inner_text()
    screenshot(page, "organization-ar")

    page.get_by_role("link", name="مشروع جديد").click()
    page.wait_for_load_state()
    page.fill("#name", "Tissage numérique")
    page.fill("#name_arabic", "النسيج الرقمي")
    page.fill("#cohort", "2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/projects/" in page.url
    project_id = page.url.rstrip("/").split("/")[-1]
    assert "النسيج الرقمي" in page.locator("main").inner_text()
    screenshot(page, "project-ar")

    page.goto(f"{live_server}/pipeline?cohort=2026")
    card = page.locator("#column-identified").locator("xpath=ancestor::section").get_by_text(
        "النسيج الرقمي")  # the Arabic name first on an Arabic page
    assert card.count() == 1
    page.locator(f"#move-{project_id}-stage").locator("xpath=ancestor::details").locator(
        "summary").click()
    page.select_option(f"#move-{project_id}-stage", "contacted")
    page.fill(f"#move-{project_id}-note", "أول اتصال هاتفي بعد المنتدى")
    page.click(f"#move-{project_id}-submit")
    contacted = page.locator("section[aria-labelledby=column-contacted]")
    contacted.get_by_text("النسيج الرقمي").wait_for()
    assert page.locator("section[aria-labelledby=column-identified]").get_by_text(
        "النسيج الرقمي").count() == 0
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "board-ar")

    page.goto(f"{live_server}/projects/{project_id}")
    assert "أول اتصال هاتفي بعد المنتدى" in page.locator("main").inner_text()


def test_an_exit_without_a_reason_is_refused_on_the_board(page, live_server):
    sign_in(page, live_server, "officer@demo.crm")
    page.goto(f"{live_server}/pipeline")
    form = page.locator("form[hx-post]").first
    form.locator("xpath=ancestor::details").locator("summary").click()
    form.locator("select").select_option("declined")
    form.locator("button").click()
    page.locator("#board-status.alert-danger").wait_for()
    assert "سبب خروج المشروع" in page.locator("#board-status").inner_text()


@pytest.mark.parametrize("lang, native", [("ar", "العربية"), ("fr", "Français")])
def test_portfolio_pages_have_no_serious_accessibility_violation(axe_page, live_server, lang,
                                                                 native):
    page = axe_page
    sign_in(page, live_server, "admin@demo.crm")
    page.get_by_role("button", name=native).click()
    page.wait_for_load_state()
    for path in ("/organizations", "/organizations/1", "/organizations/new", "/people",
                 "/people/1", "/projects", "/projects/1", "/pipeline", "/pipeline/stages",
                 "/search?q=amrani"):
        page.goto(f"{live_server}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert serious_accessibility_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path


def test_portfolio_pages_fit_a_phone_screen(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server, "officer@demo.crm")
    for path in ("/", "/organizations", "/people/1", "/projects", "/projects/1", "/pipeline"):
        page.goto(f"{live_server}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    screenshot(page, "board-360-ar")
    context.close()
