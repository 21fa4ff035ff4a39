/*
 * Charts drawn with the vendored Chart.js from data-* attributes: no inline script (the CSP
 * forbids it), and every chart has a table with the same numbers next to it.
 *
 * The contract, shared by every page that draws a chart (funding, impact). A chart is:
 *
 *   <canvas data-chart="line"                       "line" or "bar"
 *           data-labels='["Jan 2024", "Feb 2024"]'  JSON array of strings: the x axis labels,
 *                                                   already formatted for the user's language
 *           data-series='[{"label": "Jobs created", "values": [3, 5]}]'
 *                                                   JSON array of series, one per line or set
 *                                                   of bars: "label" (shown in the legend) and
 *                                                   "values", one per label: numbers, numeric
 *                                                   strings (exact decimals, as Flask's tojson
 *                                                   writes Decimal) or null for a gap
 *           data-rtl="true"                         "true" on right-to-left pages: legend and
 *                                                   tooltips right to left, x axis reversed
 *           data-time-axis="Oldest → newest"        optional: the x axis is time; its title
 *                                                   says which way it runs (the reading
 *                                                   direction: right to left in Arabic)
 *           role="img" aria-label="A one-sentence summary of the chart"></canvas>
 *   <table> with a <caption>, giving the same numbers, next to the canvas.
 *
 * In a template (|tojson escapes quotes, so single-quoted attributes are safe):
 *   data-labels='{{ labels|tojson }}' data-series='{{ series|tojson }}'
 *   data-rtl="{{ 'true' if text_direction == 'rtl' else 'false' }}"
 *
 * Load this file, after Chart.js, only on the pages that have charts:
 *   {% block head %}
 *   <script src="{{ url_for('static', filename='vendor/chartjs/chart.umd.min.js') }}" defer></script>
 *   <script src="{{ url_for('static', filename='js/charts.js') }}" defer></script>
 *   {% endblock %}
 *
 * A canvas whose data cannot be read is left empty: its table still gives the numbers.
 */
(function () {
  "use strict";

  var TYPES = ["line", "bar"];
  var TEXT = "#343a40";  // axis and legend text: 11:1 on white

  function parse(text, fallback) {
    try {
      var value = JSON.parse(text || "");
      return Array.isArray(value) ? value : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function toNumber(value) {
    if (value === null || value === undefined || value === "") {
      return null;
    }
    var number = Number(value);
    return isFinite(number) ? number : null;
  }

  function chartConfig(canvas) {
    var type = canvas.getAttribute("data-chart");
    var labels = parse(canvas.getAttribute("data-labels"), null);
    var series = parse(canvas.getAttribute("data-series"), null);
    if (TYPES.indexOf(type) === -1 || !labels || !series) {
      return null;
    }
    var rtl = canvas.getAttribute("data-rtl") === "true";
    var direction = rtl ? "rtl" : "ltr";
    var datasets = series.map(function (one) {
      return {
        label: String(one.label || ""),
        data: (one.values || []).map(toNumber),
        spanGaps: true,
      };
    });
    var counts = datasets.every(function (set) {
      return set.data.every(function (v) { return v === null || Number.isInteger(v); });
    });
    var narrow = (canvas.parentNode ? canvas.parentNode.clientWidth : window.innerWidth) < 600;
    var timeTitle = canvas.getAttribute("data-time-axis");
    var ticks = {color: TEXT, font: {size: 12}};
    return {
      type: type,
      data: {labels: labels.map(String), datasets: datasets},
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: true,
        // Tall enough on a phone (its legend takes lines there), not too tall on a laptop.
        aspectRatio: narrow ? 0.85 : 2.6,
        color: TEXT,
        locale: document.documentElement.lang || undefined,
        plugins: {
          legend: {rtl: rtl, textDirection: direction,
                   labels: {color: TEXT, font: {size: 12}, boxWidth: narrow ? 12 : 40}},
          tooltip: {rtl: rtl, textDirection: direction},
        },
        scales: {
          // Labels skip and turn rather than overlap; time runs in the reading direction.
          x: {reverse: rtl,
              ticks: Object.assign({autoSkip: true, autoSkipPadding: 12, maxRotation: 60}, ticks),
              title: {display: Boolean(timeTitle), text: timeTitle || "", color: TEXT,
                      font: {size: 12}}},
          // Whole numbers on the axis of counts (no 2.5 projects).
          y: {beginAtZero: true, position: rtl ? "right" : "left",
              ticks: Object.assign(counts ? {precision: 0} : {}, ticks)},
        },
      },
    };
  }

  function drawCharts() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var config = chartConfig(canvas);
      if (config) {
        new window.Chart(canvas, config);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawCharts);
  } else {
    drawCharts();
  }
})();
