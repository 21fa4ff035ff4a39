"""Excel workbooks (.xlsx) with real number and date cells, streamed row by row.

A write-only workbook keeps no cells in memory: 100,000 rows cost what one row costs. Text is
always a text cell (never a formula, never an error code), with the same neutralized starts as
the CSV files (csv_export.FORMULA_STARTS) marked "quote prefix" so that editing the cell in
Excel keeps it text. Arabic exports are laid out right to left.
"""

import io
import re
import unicodedata
from collections.abc import Iterable
from copy import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain, islice
from urllib.parse import quote

from flask import Response, request
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from crm.common.csv_export import FORMULA_STARTS, csv_response
from crm.i18n import text_direction

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DECIMAL_FORMAT = "#,##0.00"
INTEGER_FORMAT = "0"

_MAX_TEXT = 32_767  # Excel's limit for one cell
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_WIDTH_SAMPLE = 200  # rows read ahead to size the columns
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def export_is_rtl() -> bool:
    """Whether the sheet of an export made now should run right to left (the page does)."""
    return text_direction() == "rtl"


def safe_sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of []:*?/\\, no apostrophe at
    either end, not empty."""
    cleaned = " ".join(_TITLE_FORBIDDEN.sub(" ", str(title)).split()).strip("'")
    return cleaned[:31].strip().strip("'") or "Sheet"


class _Cells:
    """Turns Python values into write-only cells of the right type and number format.

    Styled cells copy a style made once per format, which keeps 100,000 rows fast."""

    def __init__(self, ws):
        self.ws = ws
        self.styles = {}
        for key, number_format in (("date", DATE_FORMAT), ("datetime", DATETIME_FORMAT),
                                   ("decimal", DECIMAL_FORMAT), ("int", INTEGER_FORMAT)):
            self.styles[key] = self._style(number_format=number_format)
        self.styles["text"] = self._style(quotePrefix=True)
        self.styles["header"] = self._style(font=Font(bold=True))

    def _style(self, **attributes):
        cell = WriteOnlyCell(self.ws)
        for name, value in attributes.items():
            setattr(cell, name, value)
        return cell._style

    def styled(self, value, style: str, data_type: str | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value)
        cell._style = copy(self.styles[style])
        if data_type:
            cell.data_type = data_type
        return cell

    def header(self, text) -> WriteOnlyCell:
        return self.styled(_clean_text(text), "header", data_type="s")

    def cell(self, value):
        """A plain value when openpyxl's own typing is right, a styled cell otherwise."""
        if value is None or value == "":
            return None
        if isinstance(value, bool | float):
            return value
        if isinstance(value, int):
            return self.styled(value, "int")
        if isinstance(value, Decimal):
            return self.styled(float(value), "decimal")
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            return self.styled(value, "datetime")
        if isinstance(value, date):
            return self.styled(value, "date")
        return self.text(str(value))

    def text(self, text: str):
        text = _clean_text(text)
        if text.startswith(FORMULA_STARTS) or text in ERROR_CODES:
            return self.styled(text, "text", data_type="s")
        return text


def _clean_text(value) -> str:
    """What a cell can hold: no control characters (openpyxl refuses them), 32,767 at most."""
    return ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))[:_MAX_TEXT]


def _display_width(value) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, Decimal | float):
        return len(f"{value:,.2f}")
    text = "" if value is None else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _set_column_widths(ws, header: list, sample: list[list]) -> None:
    for index, title in enumerate(header, start=1):
        widest = max([_display_width(title)]
                     + [_display_width(row[index - 1]) for row in sample if len(row) >= index])
        width = min(max(widest + 2, _MIN_WIDTH), _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(index)].width = width


def xlsx_bytes(sheet_title: str, header: list[str], rows: Iterable[Iterable],
               right_to_left: bool = False) -> bytes:
    """One sheet: a bold, frozen header row, then the rows with typed cells."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(safe_sheet_title(sheet_title))
    rows = iter(rows)
    sample = [list(row) for row in islice(rows, _WIDTH_SAMPLE)]
    # Everything about the sheet goes before the first row: it is written as rows come.
    ws.sheet_view.rightToLeft = bool(right_to_left)
    ws.freeze_panes = "A2"
    _set_column_widths(ws, header, sample)
    cells = _Cells(ws)
    ws.append([cells.header(title) for title in header])
    for row in chain(sample, rows):
        ws.append([cells.cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheet_title: str, header: list[str], rows: Iterable[Iterable],
                  right_to_left: bool = False) -> Response:
    """A download of xlsx_bytes(); `filename` may hold non-ASCII letters."""
    body = xlsx_bytes(sheet_title, header, rows, right_to_left=right_to_left)
    response = Response(body, mimetype=XLSX_MIMETYPE)
    response.headers.set("Content-Disposition", "attachment", **_filename_parameters(filename))
    return response


def _filename_parameters(filename: str) -> dict:
    """As Flask's send_file does: an ASCII name, plus the UTF-8 one when it differs."""
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
        return {"filename": simple, "filename*": "UTF-8''" + quote(filename, safe="!#$&+-.^_`|~")}
    return {"filename": filename}


def wants_xlsx() -> bool:
    """The export was asked for as Excel (`?format=xlsx`); CSV otherwise."""
    return request.args.get("format") == "xlsx"


def export_response(basename: str, sheet_title: str, header: list[str],
                    rows: Iterable[Iterable]) -> Response:
    """The export of a list in the format the request asks for: `?format=xlsx` gives an
    Excel file (right to left for an Arabic user), anything else the CSV file."""
    if wants_xlsx():
        return xlsx_response(f"{basename}.xlsx", sheet_title, header, rows,
                             right_to_left=export_is_rtl())
    return csv_response(f"{basename}.csv", header, rows)

