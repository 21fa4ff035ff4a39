"""`make bench` (bench/pages.py): the measuring runs on a small database, every page it asks
for answers 200, and every report's hand-written SQL floor gives the report's numbers. No
timing is asserted."""

from datetime import date

import pytest

from bench import floors, pages
from crm.demo.synthetic import seed_synthetic
from crm.reports.registry import REPORTS
from crm.reports.tables import Column, ReportTable


@pytest.fixture
def results(app, db):
    seed_synthetic(0.001, seed=2024, today=date.today())  # 10 organizations, 20 projects...
    return pages.measure(app, db.engine.dialect.name, 0.001, pages.Plan(requests=2, warmups=0))


def test_every_page_answers_and_is_counted(results):
    failed = [(r.label, r.path, r.status) for r in results if r.status != 200]
    assert failed == []
    kinds = {r.kind for r in results}
    assert kinds == {"list", "search", "detail", "board", "home", "report"}
    assert all(r.queries_max >= r.queries > 0 and r.samples == 2 for r in results)
    assert {r.label for r in results if r.kind == "report"} >= {r.slug for r in REPORTS}
    assert {r.label for r in results if r.kind == "detail"} == {
        "project page", "organization page", "person page"}


def test_every_report_floor_gives_the_report_numbers(results):
    reports = [r for r in results if r.kind == "report"]
    assert all(r.floor_p50_ms is not None and r.build_p50_ms is not None for r in reports)
    assert [(r.label, r.floor_check) for r in reports if r.floor_check] == []


def test_the_tables_and_targets_print(results, capsys):
    pages.print_pages(results)
    pages.print_floors(results)
    pages.print_targets(pages.targets(results))
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
