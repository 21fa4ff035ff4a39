"""Attendee files in the encodings Excel and registration tools write: Arabic Windows
(cp1256), Western Windows (cp1252), UTF-16; a file that cannot be read is refused."""

import codecs

import pytest

from crm.errors import ServiceError
from crm.imports.reading import read_table

ARABIC_ROWS = [["الاسم الكامل", "المدينة"], ["محمد العمراني", "الدار البيضاء"],
               ["فاطمة الزهراء التازي", "الرباط"]]


def _csv(rows, encoding: str) -> bytes:
    return "\r\n".join(",".join(row) for row in rows).encode(encoding)


def test_an_arabic_windows_file_is_read_in_arabic_not_as_mojibake():
    table = read_table("attendees.csv", _csv(ARABIC_ROWS, "cp1256"))
    assert table.headers == ARABIC_ROWS[0]
    assert table.rows == ARABIC_ROWS[1:]


def test_a_short_arabic_windows_file_with_latin_names_beside_arabic_ones():
    rows = [["Name", "Arabic name"], ["Mohamed El Amrani", "محمد العمراني"]]
    assert read_table("a.csv", _csv(rows, "cp1256")).rows == rows[1:]


def test_a_french_windows_file_keeps_its_accents():
    rows = [["Nom", "Ville"], ["Hélène Benoît", "Fès"]]
    assert read_table("a.csv", _csv(rows, "cp1252")).rows == rows[1:]


@pytest.mark.parametrize("content", [
    codecs.BOM_UTF16_LE + _csv(ARABIC_ROWS, "utf-16-le"),
    _csv(ARABIC_ROWS, "utf-16-le"),
    codecs.BOM_UTF8 + _csv(ARABIC_ROWS, "utf-8"),
])
def test_utf16_and_utf8_files_are_read(content):
    assert read_table("a.csv", content).rows == ARABIC_ROWS[1:]


def test_a_binary_file_named_csv_is_refused_with_a_reason():
    with pytest.raises(ServiceError, match="cannot be read"):
        read_table("a.csv", bytes(range(256)) * 8)


@pytest.mark.parametrize(("rows", "encoding"), [
    ([["Nom"], ["علي"]], "cp1256"),  # one short Arabic name: detectors read it as Latin
    ([["Nom", "Ville"], ["Youssef", "Fès"], ["علي", "سلا"]], "cp1256"),
    ([["Nom"], ["علي"]], "iso8859_6"),
    ([["Name", "City"], ["Müller", "Köln"], ["Œuvre", "Noël"]], "cp1252"),
    ([["Nom", "Montant"], ["Zoé", "100 €"]], "cp1252"),
    ([["Prénom", "Nom"], ["Hélène", "Benoît"], ["Élodie", "Été"]], "cp1252"),
])
def test_short_windows_files_are_read_in_their_own_script(rows, encoding):
    table = read_table("a.csv", _csv(rows, encoding))
    assert [table.headers, *table.rows] == rows


def test_the_real_attendee_file_saved_by_excel_on_arabic_windows_is_read():
    """The attendee list of a forum, in Arabic and French, as Excel on an Arabic Windows
    saves it ("CSV (séparateur : point-virgule)")."""
    rows = [["Nom", "Prénom", "Ville", "Organisation"],
            ["العمراني", "محمد", "الدار البيضاء", "جمعية الأمل"],
            ["EL OUAZZANI", "Huda", "Laâyoune", "Coopérative Nour Tissage"],
            ["بنعلي", "فاطمة الزهراء", "فاس", "تعاونية البركة"]]
    content = "\r\n".join(";".join(row) for row in rows).encode("cp1256")
    table = read_table("attendees.csv", content)
    assert [table.headers, *table.rows] == rows


def test_text_of_no_language_is_refused_rather_than_imported_as_mojibake():
    content = b"Nom,Ville\n" + bytes(range(0xC0, 0xFF)) + b"," + bytes(
        range(0xFF, 0xBF, -1))
    with pytest.raises(ServiceError, match="cannot be read"):
        read_table("a.csv", content)
