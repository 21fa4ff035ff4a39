"""Every CSV the application writes is safe to open in a spreadsheet."""

import pytest

from crm.common.csv_export import csv_text, safe_cell


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+212661", "'+212661"),
    ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Bennani", "Bennani"), ("محمد", "محمد"), (None, ""), (12, "12"),
])
def test_cells_that_a_spreadsheet_would_run_are_neutralized(value, expected):
    assert safe_cell(value) == expected


def test_the_header_and_the_rows_are_neutralized():
    text = csv_text(["=cmd"], [["=1+1", "ok"]])
    assert text.splitlines() == ["'=cmd", "'=1+1,ok"]
