"""The benchmark's tables and its verdict on the targets of issue 7 (printed by
bench/pages.py from its `Result`s)."""

from __future__ import annotations

import math
from statistics import median
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    from bench.pages import Result

PAGE_TARGET_MS, REPORT_TARGET_MS, FLOOR_RATIO = 50.0, 300.0, 2.0
SEGMENT_TARGET_MS = 100.0  # issue 17: a segment of 20,000 projects opens in under 100 ms


def _ms(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:,.1f}"


def _target(result: Result) -> float:
    """The p95 a page should stay under (an export has none: its time is reported)."""
    if result.kind == "export":
        return math.inf
    return {"report": REPORT_TARGET_MS, "segment": SEGMENT_TARGET_MS}.get(result.kind,
                                                                         PAGE_TARGET_MS)


def _queries(result: Result) -> str:
    if result.queries == result.queries_max:
        return str(result.queries)
    return f"{result.queries}-{result.queries_max}"


def _shown_path(path: str, width: int = 44) -> str:
    path = unquote(path)
    return path if len(path) <= width else path[:width - 1] + "…"


def print_pages(results: list[Result]) -> None:
    print(f"\n{'engine':<11}{'scale':>6}  {'kind':<8}{'page':<33}{'path':<45}"
          f"{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}  note")
    for r in results:
        if r.status != 200:
            note = f"ERROR: status {r.status}"
        else:
            note = f"p95 over {_target(r):.0f} ms" if r.p95_ms >= _target(r) else ""
        print(f"{r.engine:<11}{r.scale:>6g}  {r.kind:<8}{r.label:<33}{_shown_path(r.path):<45}"
              f"{r.samples:>4}{_ms(r.p50_ms):>9}{_ms(r.p95_ms):>9}{_queries(r):>9}  {note}")


def query_growth(results: list[Result]) -> list[tuple[str, str, int, int]]:
    """(engine, page, queries at the smallest scale, at the largest) for every page measured
    at two scales or more."""
    rows = []
    for engine in dict.fromkeys(r.engine for r in results):
        # an export reads its rows in batches: its queries grow with them, by design
        mine = [r for r in results
                if r.engine == engine and r.status == 200 and r.kind != "export"]
        scales = sorted({r.scale for r in mine})
        if len(scales) < 2:
            continue
        small = {r.label: r for r in mine if r.scale == scales[0]}
        for r in mine:
            if r.scale == scales[-1] and r.label in small:
                rows.append((engine, r.label, small[r.label].queries_max, r.queries_max))
    return rows


def print_growth(results: list[Result]) -> None:
    rows = query_growth(results)
    if not rows:
        print("\n(queries by scale: only one scale measured)")
        return
    scales = sorted({r.scale for r in results})
    engines = list(dict.fromkeys(engine for engine, *_rest in rows))
    by_page: dict[str, dict] = {}
    for engine, label, small, large in rows:
        by_page.setdefault(label, {})[engine] = (small, large)
    print(f"\nQueries per request at scale {scales[0]:g} and {scales[-1]:g} (the most a request "
          "issued)")
    print(f"{'page':<33}" + "".join(f"{engine:>16}" for engine in engines) + "  note")
    for label, found in by_page.items():
        cells = "".join(f"{f'{found[e][0]} -> {found[e][1]}' if e in found else '—':>16}"
                        for e in engines)
        grows = [e for e in engines if e in found and found[e][1] > found[e][0]]
        print(f"{label:<33}{cells}  {'GROWS on ' + ', '.join(grows) if grows else ''}")


def print_floors(results: list[Result]) -> None:
    print("\nReports against their floor (the same figures by one hand-written SQL query)")
    print("(report: the report's figures computed, its queries and their assembly into the "
          "table, which is what the floor does; page: the whole page as timed above, which adds "
          "the session, the filter form and the HTML)")
    print(f"{'engine':<11}{'scale':>6}  {'report':<33}{'report p50':>11}{'floor p50':>10}"
          f"{'floor p95':>10}{'report/floor':>13}{'page p50':>9}{'page/floor':>11}  note")
    for r in results:
        if r.kind != "report" or r.floor_p50_ms is None:
            continue
        notes = []
        if r.build_ratio and r.build_ratio > FLOOR_RATIO:
            notes.append(f"over {FLOOR_RATIO:g}x")
        if r.floor_check:
            notes.append(f"WARNING figures differ: {r.floor_check}")
        print(f"{r.engine:<11}{r.scale:>6g}  {r.label:<33}{_ms(r.build_p50_ms):>11}"
              f"{_ms(r.floor_p50_ms):>10}{_ms(r.floor_p95_ms):>10}{r.build_ratio:>12.1f}x"
              f"{_ms(r.p50_ms):>9}{r.ratio:>10.1f}x  {'; '.join(notes)}")


def page_cost_ms(reports: list[Result]) -> float:
    """What a report page adds to its report, the same whatever the report (median)."""
    return median(r.p50_ms - r.build_p50_ms for r in reports)


def _verdict(name: str, misses: list[str], measured: int) -> tuple[str, str, str]:
    if not measured:
        return name, "—", "nothing measured"
    return name, "PASS" if not misses else "MISS", ", ".join(misses)


def targets(results: list[Result]) -> list[tuple[str, str, str]]:
    """The targets of issue 7, at scale 1 on SQLite: (target, PASS or MISS, what misses)."""
    at = [r for r in results if r.engine == "sqlite" and r.scale == 1.0]
    if not at:
        return [("targets at scale 1 on SQLite", "NOT MEASURED",
                 "run with 1 in --scales and sqlite in --engines")]
    lines = []
    for kinds, name, limit in (
            (("list",), "list pages: p95 under 50 ms", PAGE_TARGET_MS),
            (("search",), "search: p95 under 50 ms", PAGE_TARGET_MS),
            (("detail",), "detail pages: p95 under 50 ms", PAGE_TARGET_MS),
            (("board", "home"), "board and home pages: p95 under 50 ms (the page target)",
             PAGE_TARGET_MS),
            (("report",), "reports: p95 under 300 ms", REPORT_TARGET_MS),
            (("segment",), "a segment of every project opens: p95 under 100 ms",
             SEGMENT_TARGET_MS)):
        chosen = [r for r in at if r.kind in kinds]
        misses = [f"{r.label} {'error ' + str(r.status) if r.status != 200 else _ms(r.p95_ms)}"
                  for r in chosen if r.status != 200 or r.p95_ms >= limit]
        lines.append(_verdict(name, misses, len(chosen)))
    for engine in dict.fromkeys(r.engine for r in results):
        growth = [row for row in query_growth(results) if row[0] == engine]
        misses = [f"{label} {small}->{large}" for _e, label, small, large in growth
                  if large > small]
        lines.append(_verdict(f"query counts do not grow with the scale ({engine})", misses,
                              len(growth)))
    reports = [r for r in at if r.kind == "report" and r.build_ratio is not None]
    misses = [f"{r.label} {r.build_ratio:.1f}x" for r in reports if r.build_ratio > FLOOR_RATIO]
    lines.append(_verdict("reports within 2x of their SQL floor (the report's figures, computed "
                          "as the floor computes them)", misses, len(reports)))
    if reports:
        ratios = [r.ratio for r in reports]
        lines.append(("report pages against the same floor", "INFO",
                      f"{min(ratios):.1f}x to {max(ratios):.1f}x; a page adds about "
                      f"{page_cost_ms(reports):.1f} ms to its report whatever the report "
                      "(session, filter form, HTML), which is most of a cheap report's page"))
    return lines


def print_load(load_results: dict | None, target: float) -> None:
    if not load_results:
        return
    hello = load_results["hello"]
    print(f"\ngunicorn -w 4 on {load_results['database']}, {load_results['clients']} client "
          f"processes, {load_results['seconds']:g} s each")
    for t in [*load_results["lists"], hello]:
        ratio = t["per_second"] / hello["per_second"] if hello["per_second"] else math.nan
        verdict = "" if t is hello else (
            f"  {ratio:.2f} of /healthz (target >= {target:.2f}: "
            f"{'PASS' if ratio >= target else 'MISS'})")
        print(f"  {t['path']:<16}{t['per_second']:>9,.0f} pages/s  (p50 {_ms(t['p50_ms'])} ms, "
              f"p95 {_ms(t['p95_ms'])} ms, {t['errors']} errors){verdict}")
    print("  (no true hello-world route exists and none may be added: /healthz runs one "
          "SELECT 1)")


def print_targets(lines: list[tuple[str, str, str]]) -> None:
    print("\nTargets of issue 7 (scale 1, SQLite)")
    for name, verdict, detail in lines:
        print(f"  {verdict:<5} {name}" + (f": {detail}" if detail else ""))
