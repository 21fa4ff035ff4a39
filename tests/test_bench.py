"""`make bench` (bench/pages.py): the measuring runs on a small database, every page it asks
for answers 200, and every report's hand-written SQL floor gives the report's numbers. No
timing is asserted."""

from datetime import date

import pytest

from bench import floors, pages, summary
from crm.demo.synthetic import seed_synthetic
from crm.extensions import db
from crm.reports.registry import REPORTS
from crm.reports.tables import Column, ReportTable
from tests.conftest import rolled_back

# The tests reading one measuring run go to one worker, which measures once for them.
one_run = pytest.mark.xdist_group("bench-results")


@pytest.fixture(scope="module")
def results(suite_app):
    """One measuring run on a small database (10 organizations, 20 projects...), rolled back
    once measured: its results are plain data."""
    with rolled_back(suite_app) as app:
        seed_synthetic(0.001, seed=2024, today=date.today())
        return pages.measure(app, db.engine.dialect.name, 0.001,
                             pages.Plan(requests=2, warmups=0))


@one_run
def test_every_page_answers_and_is_counted(results):
    failed = [(r.label, r.path, r.status) for r in results if r.status != 200]
    assert failed == []
    kinds = {r.kind for r in results}
    assert kinds == {"list", "segment", "search", "detail", "board", "home", "report",
                     "export"}
    assert all(r.queries_max >= r.queries > 0 and r.samples == 2 for r in results)
    assert {r.label for r in results if r.kind == "report"} >= {r.slug for r in REPORTS}
    assert {r.label for r in results if r.kind == "detail"} == {
        "project page", "organization page", "person page"}


@one_run
def test_every_report_floor_gives_the_report_numbers(results):
    reports = [r for r in results if r.kind == "report"]
    assert all(r.floor_p50_ms is not None and r.build_p50_ms is not None for r in reports)
    assert [(r.label, r.floor_check) for r in reports if r.floor_check] == []


@one_run
def test_the_tables_and_targets_print(results, capsys):
    summary.print_pages(results)
    summary.print_floors(results)
    summary.print_targets(summary.targets(results))
    out = capsys.readouterr().out
    assert "organizations page 1" in out and "time-in-stage" in out
    assert "NOT MEASURED" in out  # no scale 1 on SQLite in this run


def test_a_floor_that_differs_from_its_report_is_told():
    table = ReportTable([Column("stage", "Stage"), Column("projects", "Projects", "int"),
                         Column("median", "Median", "days")],
                        [["Applied", 12, 30.5], ["Assessed", 4, 12.0]])
    assert floors.compare(table, [("assessed", 4, 12.0), ("applied", 12, 30.5)]) is None
    assert floors.compare(table, [("applied", 12, 30.5), ("assessed", 5, 12.0)]) is not None
    assert floors.compare(table, [("applied", 12, 30.5)]) == "2 rows in the report, 1 in the floor"


def test_percentiles_interpolate_between_ranks():
    assert pages.percentile([0.004, 0.001, 0.003, 0.002], 0.5) == pytest.approx(2.5)
    assert pages.percentile([0.001, 0.002, 0.003, 0.004, 0.005], 0.95) == pytest.approx(4.8)


def _report(label: str, page_ms: float, report_ms: float, floor_ms: float) -> pages.Result:
    return pages.Result("sqlite", 1.0, "report", label, f"/reports/{label}", "manager",
                        samples=15, p50_ms=page_ms, p95_ms=page_ms, queries=5, queries_max=5,
                        floor_p50_ms=floor_ms, floor_p95_ms=floor_ms, build_p50_ms=report_ms)


def test_the_floor_target_reads_the_report_and_tells_the_page_apart():
    cheap = _report("crowdfunding", page_ms=14.0, report_ms=7.0, floor_ms=5.0)
    slow = _report("workload", page_ms=40.0, report_ms=33.0, floor_ms=15.0)
    verdicts = {name: (verdict, detail) for name, verdict, detail in summary.targets([cheap])}
    floor_target = next(name for name in verdicts if name.startswith("reports within 2x"))
    assert verdicts[floor_target] == ("PASS", "")
    assert verdicts["report pages against the same floor"][0] == "INFO"
    assert "2.8x" in verdicts["report pages against the same floor"][1]
    assert "7.0 ms" in verdicts["report pages against the same floor"][1]

    verdicts = {name: (verdict, detail) for name, verdict, detail
                in summary.targets([cheap, slow])}
    assert verdicts[floor_target] == ("MISS", "workload 2.2x")
