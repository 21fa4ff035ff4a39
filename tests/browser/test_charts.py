"""Charts legible in Arabic and French, on a laptop and on a phone, measured from each chart's
own layout: tall enough, whole numbers on count axes, x labels that do not collide, dark text,
and time's direction named on time axes."""

import pytest

from crm.auth import services as auth_services
from tests.browser.conftest import screenshot, sign_in

LAPTOP, PHONE = (1366, 768), (390, 844)
PATHS = ["/reports/funding", "/reports/impact", "/reports/funnel", "/reports/forums"]

# What each chart drew. Two drawn x labels collide when their boxes, in the labels' common
# rotated frame, overlap along the text and across it.
MEASURE = """() => Array.from(document.querySelectorAll('canvas[data-chart]')).map(canvas => {
  const chart = Chart.getChart(canvas), x = chart.scales.x, y = chart.scales.y, ctx = chart.ctx;
  const boxes = x.getLabelItems().map(item => {
    const angle = item.options.rotation, [tx, ty] = item.options.translation;
    ctx.save(); ctx.font = item.font.string;
    const width = ctx.measureText(String(item.label)).width; ctx.restore();
    const along = tx * Math.cos(angle) + ty * Math.sin(angle);
    const across = -tx * Math.sin(angle) + ty * Math.cos(angle);
    const align = item.options.textAlign;
    const start = along - (align === 'center' ? width / 2 : (align === 'right' ? width : 0));
    return {label: String(item.label), start, end: start + width, across,
            height: item.font.lineHeight};
  }).sort((a, b) => a.start - b.start);
  const overlaps = [];
  for (let i = 1; i < boxes.length; i++) {
    const a = boxes[i - 1], b = boxes[i];
    if (b.start < a.end - 0.5 && Math.abs(a.across - b.across) < Math.min(a.height, b.height)) {
      overlaps.push(a.label + ' | ' + b.label);
    }
  }
  const values = chart.data.datasets.flatMap(d => d.data).filter(v => v !== null);
  return {
    height: canvas.clientHeight, area: chart.chartArea.bottom - chart.chartArea.top,
    counts: values.every(Number.isInteger), yTicks: y.ticks.map(t => t.value), overlaps,
    tickColor: x.options.ticks.color, tickSize: x.options.ticks.font.size,
    type: chart.config.type, xTitle: x.options.title.display ? x.options.title.text : null,
  };
})"""


def _contrast_on_white(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1366", "390"])
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_report_charts_are_legible(browser, live_app, live_server, language, size):
    with live_app.app_context():
        auth_services.set_language(auth_services.get_user_by_email("manager@demo.crm"),
                                   language)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    sign_in(page, live_server, "manager@demo.crm")
    for path in PATHS:
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == language
        page.wait_for_function("() => window.Chart && [...document.querySelectorAll("
                               "'canvas[data-chart]')].every(c => Chart.getChart(c))")
        for chart in page.evaluate(MEASURE):
            where = (language, size[0], path, chart)
            assert chart["height"] >= (200 if size == PHONE else 250), where
            assert chart["area"] >= 120, where
            assert chart["overlaps"] == [], where
            if chart["counts"]:
                assert all(float(t).is_integer() for t in chart["yTicks"]), where
            assert _contrast_on_white(chart["tickColor"]) >= 4.5 and chart["tickSize"] >= 12
            if chart["type"] == "line":
                assert chart["xTitle"], where  # time's direction is named
        screenshot(page, f"chart-{language}-{size[0]}{path.replace('/', '-')}")
    context.close()
