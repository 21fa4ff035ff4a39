"""Reading an attendee file: CSV (comma or semicolon; UTF-8 with or without BOM, or
Windows-1252) or Excel (.xlsx), into a header row and data rows of strings."""

import csv
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from crm.errors import ServiceError

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # each padded to the width of the headers


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes) -> list[list[str]]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed as a number
    return str(value)


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ServiceError(_l("This Excel file cannot be read.")) from error
    sheet = workbook.worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_table(filename: str, content: bytes) -> Table:
    """The file's header row and data rows (ServiceError when it cannot be used)."""
    if not content:
        raise ServiceError(_l("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ServiceError(_l("The file is too large (20 MB at most)."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        rows = _read_csv(content)
    else:
        raise ServiceError(_l("Choose a CSV or an Excel (.xlsx) file."))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()  # trailing blank lines
    if len(rows) < 2:
        raise ServiceError(_l("The file has no line after its header."))
    headers = [h.strip() for h in rows[0]]
    width = len(headers)
    data = [(row + [""] * width)[:width] for row in rows[1:]]
    return Table(headers, data)
