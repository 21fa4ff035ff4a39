"""Reports in a real browser: the chart drawn right to left in Arabic, accessible, and the
print layout on A4 without the menu and the filters."""

from tests.browser.conftest import ARTIFACTS, screenshot, serious_accessibility_violations, sign_in


def test_a_report_in_arabic_draws_its_chart_and_prints_on_a4(axe_page, live_server):
    page = axe_page
    sign_in(page, live_server, "officer@demo.crm")  # Arabic
    page.goto(f"{live_server}/reports/funnel")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector("
                           "'canvas[data-chart]'))")
    assert page.locator("#report-table tbody tr").count() >= 7
    assert serious_accessibility_violations(page) == []
    screenshot(page, "report-funnel-ar")

    page.emulate_media(media="print")
    assert not page.locator("form[aria-labelledby=filters-title]").is_visible()
    assert not page.locator("nav.navbar").is_visible()
    assert page.locator("p.print-only").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "report-funnel-ar.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")


def test_the_manager_answers_the_souss_massa_question_in_french(page, live_server):
    sign_in(page, live_server, "manager@demo.crm")
    page.goto(f"{live_server}/reports/impact")
    page.select_option("#region", "souss-massa")
    page.locator("form[aria-labelledby=filters-title] button[type=submit]").click()
    page.wait_for_load_state()
    assert "region=souss-massa" in page.url
    assert page.locator("#report-table").count() + page.locator(".empty-state").count() == 1
    with page.expect_download() as download:
        page.locator("a[href*='/reports/impact/export.xlsx']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
