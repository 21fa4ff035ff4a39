"""Reading an attendee file: CSV (comma or semicolon; UTF-8 with or without BOM, UTF-16, or
the Windows code pages Excel saves in: Arabic 1256, Western 1252) or Excel (.xlsx), into a
header row and data rows of strings."""

import codecs
import csv
import io
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from crm.errors import ServiceError

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # each padded to the width of the headers


# What registration tools and Excel on Arabic, French or English Windows write.
LEGACY_ENCODINGS = ["cp1256", "cp1252", "iso8859_6", "utf_16"]
SINGLE_BYTE_ENCODINGS = ["cp1256", "cp1252", "iso8859_6"]
_WORD = re.compile(r"[^\W\d_]+")
_SIDE_BY_SIDE = re.compile(r"[\u00c0-\u024f]{2}")


def _utf16_without_bom(content: bytes) -> str | None:
    """Latin punctuation written in UTF-16 leaves zero bytes on one side only."""
    odd, even = content[1::2].count(0), content[0::2].count(0)
    encoding = "utf-16-le" if odd and not even else "utf-16-be" if even and not odd else None
    try:
        return content.decode(encoding) if encoding and len(content) % 2 == 0 else None
    except UnicodeDecodeError:
        return None


def _decode(content: bytes) -> str:
    """The file's text: by its BOM, as UTF-8, else the legacy encoding charset-normalizer
    finds coherent; ServiceError rather than text full of replacement characters."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16")
    try:
        text = content.decode("utf-8-sig")
        if "\x00" not in text:  # else UTF-16 without its BOM
            return text
    except UnicodeDecodeError:
        pass
    if b"\x00" in content and (text := _utf16_without_bom(content)) is not None:
        return text
    text = _legacy_text(content)
    if text is None:
        raise ServiceError(_l("The characters of this file cannot be read. Save it from your "
                              "spreadsheet as \"CSV UTF-8\" and try again."))
    return text


def _implausible_words(text: str) -> tuple[int, int]:
    """(words no one writes, words with a letter beyond ASCII). A name mixes no Arabic and
    Latin letters, and no Latin word is mostly accented letters side by side: that is what
    Arabic read in a Latin code page (or the reverse) looks like."""
    odd = foreign = 0
    for word in _WORD.findall(text):
        latin = [c for c in word if c.isascii() or "\u00c0" <= c <= "\u024f"]
        accented = [c for c in latin if not c.isascii()]
        arabic = any("\u0600" <= c <= "\u06ff" for c in word)
        foreign += bool(arabic or accented)
        if (arabic and latin) or (2 * len(accented) > len(word) and _SIDE_BY_SIDE.search(word)):
            odd += 1
    return odd, foreign


def _legacy_text(content: bytes) -> str | None:
    """The text in the code page where it reads as names do, or None. charset-normalizer
    proposes the code pages and ranks them; on a few short names (where it cannot tell Arabic
    from accented Latin) the words themselves decide."""
    chaos = {m.encoding: m.chaos for m in from_bytes(content, cp_isolation=LEGACY_ENCODINGS)}
    candidates = []
    for rank, encoding in enumerate(dict.fromkeys([*chaos, *SINGLE_BYTE_ENCODINGS])):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
            continue  # control characters: a binary file
        odd, foreign = _implausible_words(text)
        candidates.append((odd, chaos.get(encoding, 1.0), rank, foreign, text))
    if not candidates:
        return None
    odd, _chaos, _rank, foreign, text = min(candidates)
    return None if odd and 4 * odd > foreign else text


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
