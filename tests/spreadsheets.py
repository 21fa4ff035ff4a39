"""Reading the exports the application sends, as a spreadsheet program would."""

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from crm.common.csv_export import safe_cell
from crm.common.spreadsheet import XLSX_MIMETYPE


def xlsx_sheet(response):
    """The only sheet of an Excel download (checked to be one)."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX_MIMETYPE
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert ".xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert len(workbook.worksheets) == 1
    return workbook.active


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _as_csv_cell(cell) -> str:
    value = cell.value
    if isinstance(value, datetime) and cell.number_format == "yyyy-mm-dd":
        return value.date().isoformat()
    return safe_cell(value)


def sheet_as_csv(sheet) -> list[list[str]]:
    """The sheet's cells written as the CSV export writes them, to compare the two files."""
    width = sheet.max_column
    return [[_as_csv_cell(cell) for cell in row]
            for row in sheet.iter_rows(min_row=1, max_col=width)]


def column(sheet, title: str) -> list:
    """The cells under the header `title`."""
    header = [cell.value for cell in sheet[1]]
    index = header.index(title) + 1
    return [row[0] for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]
