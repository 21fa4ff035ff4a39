"""Removing a person from a stored attendee file (CSV or Excel), so that the file kept for
re-mapping does not hold what the rest of the database no longer does."""

import csv
import io
import logging
import re

from openpyxl import load_workbook

from crm.privacy.sweep import MARK, scrub_text

log = logging.getLogger(__name__)


class _Cells:
    """Blanks the identity cells of some lines (the header is line 1) and scrubs the rest,
    remembering whether anything changed."""

    def __init__(self, lines: set[int], columns: set[int], pattern: re.Pattern):
        self.lines, self.columns, self.pattern = lines, columns, pattern
        self.changed = False

    def __call__(self, value, line: int, column: int):
        if line in self.lines and column in self.columns and value not in (None, ""):
            new = MARK
        elif isinstance(value, str):
            new = scrub_text(value, self.pattern)
        else:
            new = value
        self.changed |= new != value
        return new


def _scrub_csv(content: bytes, cells: _Cells) -> bytes:
    try:
        text, encoding = content.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        text, encoding = content.decode("cp1252", errors="replace"), "cp1252"
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for number, row in enumerate(rows, start=1):
        writer.writerow([cells(v, number, i) for i, v in enumerate(row)])
    return out.getvalue().encode(encoding, errors="replace")


def _scrub_xlsx(content: bytes, cells: _Cells) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    everywhere = _Cells(set(), set(), cells.pattern)  # only the first sheet is imported
    for index, sheet in enumerate(workbook.worksheets):
        scrub = cells if index == 0 else everywhere
        for number, row in enumerate(sheet.iter_rows(), start=1):
            for i, cell in enumerate(row):
                new = scrub(cell.value, number, i)
                if new != cell.value:
                    cell.value = new
    cells.changed |= everywhere.changed
    out = io.BytesIO()
    workbook.save(out)
    workbook.close()
    return out.getvalue()


def scrubbed(filename: str, content: bytes, lines: set[int], columns: set[int],
             pattern: re.Pattern) -> bytes | None:
    """The file with the identity cells of `lines` blanked and the person's identifiers
    removed anywhere, or None when it holds nothing of them. A file that cannot be read
    back while it has lines of the person is emptied rather than kept with them."""
    if not content:
        return None
    cells = _Cells(lines, columns, pattern)
    try:
        if filename.lower().endswith(".xlsx"):
            new = _scrub_xlsx(content, cells)
        else:
            new = _scrub_csv(content, cells)
    except Exception:  # a damaged file: openpyxl and csv raise many kinds
        log.warning("an attendee file could not be read back for anonymization")
        return b"" if lines else None
    return new if cells.changed else None
