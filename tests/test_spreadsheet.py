"""Excel exports: typed cells, text that never runs, Arabic laid out right to left."""

import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from crm.common.spreadsheet import (
    XLSX_MIMETYPE,
    export_is_rtl,
    safe_sheet_title,
    xlsx_bytes,
    xlsx_response,
)

HEADER = ["ID", "Amount", "Rate", "Signed on", "Moved at", "Active", "Note", "Name"]


def _sheet(body: bytes):
    return load_workbook(io.BytesIO(body)).active


def _row(**values) -> list:
    base = {"ID": 7, "Amount": Decimal("1234.50"), "Rate": 0.25, "Signed on": date(2024, 3, 5),
            "Moved at": datetime(2024, 3, 5, 14, 30), "Active": True, "Note": None,
            "Name": "جمعية تيفاوين"}
    base.update(values)
    return [base[title] for title in HEADER]


def test_the_header_is_bold_and_frozen_and_the_columns_are_sized():
    sheet = _sheet(xlsx_bytes("Projects", HEADER, [_row(Note="x" * 300)]))
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.title == "Projects"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABDG"}
    assert 8 <= widths["A"] < widths["D"] < widths["G"] <= 60


def test_numbers_dates_and_booleans_are_typed_cells():
    sheet = _sheet(xlsx_bytes("T", HEADER, [_row()]))
    id_, amount, rate, signed, moved, active, note, name = sheet[2]
    assert (id_.data_type, id_.value, id_.number_format) == ("n", 7, "0")
    assert (amount.data_type, amount.value, amount.number_format) == ("n", 1234.5, "#,##0.00")
    assert (rate.data_type, rate.value) == ("n", 0.25)
    assert signed.is_date and signed.value.date() == date(2024, 3, 5)
    assert signed.number_format == "yyyy-mm-dd"
    assert moved.is_date and moved.value == datetime(2024, 3, 5, 14, 30)
    assert moved.number_format == "yyyy-mm-dd hh:mm"
    assert (active.data_type, active.value) == ("b", True)
    assert note.value is None
    assert (name.data_type, name.value) == ("s", "جمعية تيفاوين")


def test_an_aware_datetime_is_written_in_utc():
    moved = datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
    sheet = _sheet(xlsx_bytes("T", HEADER, [_row(**{"Moved at": moved})]))
    assert sheet["E2"].value == datetime(2024, 3, 5, 14, 30)


def test_empty_strings_are_empty_cells_and_lazy_strings_are_text(app):
    from flask_babel import lazy_gettext
    sheet = _sheet(xlsx_bytes("T", ["A", "B"], [["", lazy_gettext("Name")]]))
    assert sheet["A2"].value is None
    assert (sheet["B2"].data_type, sheet["B2"].value) == ("s", "Name")


@pytest.mark.parametrize("text", ["=1+1", "=HYPERLINK(\"http://evil\")", "+212661", "-1+2",
                                  "@SUM(A1)", "#N/A"])
def test_text_that_a_spreadsheet_would_run_stays_text(text):
    body = xlsx_bytes("T", [text], [[text]])
    sheet = _sheet(body)
    for cell in (sheet["A1"], sheet["A2"]):
        assert cell.data_type == "s" and cell.value == text
    assert sheet["A2"].quotePrefix  # editing the cell in Excel keeps it text
    xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_control_characters_are_dropped_rather_than_failing():
    sheet = _sheet(xlsx_bytes("T", ["A"], [["a\x01b\x0bc\td"]]))
    assert sheet["A2"].value == "abc\td"


def test_right_to_left_lands_in_the_sheet_xml():
    body = xlsx_bytes("المشاريع", HEADER, [_row()], right_to_left=True)
    assert _sheet(body).sheet_view.rightToLeft is True
    xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert 'rightToLeft="1"' in xml
    assert not _sheet(xlsx_bytes("T", HEADER, [_row()])).sheet_view.rightToLeft


@pytest.mark.parametrize("title, expected", [
    ("Funding: requested/committed [2024]*?", "Funding requested committed 202"),
    ("'quoted'", "quoted"), ("", "Sheet"), ("::", "Sheet"), ("المشاريع", "المشاريع"),
])
def test_sheet_titles_are_ones_excel_accepts(title, expected):
    assert safe_sheet_title(title) == expected
    assert _sheet(xlsx_bytes(title, ["A"], [])).title == expected


def test_rows_may_be_a_generator_longer_than_the_width_sample():
    rows = ([n, f"name {n}"] for n in range(1, 1001))
    sheet = _sheet(xlsx_bytes("T", ["N", "Name"], rows))
    assert sheet.max_row == 1001
    assert sheet["A1001"].value == 1000 and sheet["B1001"].value == "name 1000"


def test_the_response_is_an_xlsx_attachment(app):
    response = xlsx_response("مشاريع 2024.xlsx", "Projects", ["A"], [[1]])
    assert response.mimetype == XLSX_MIMETYPE
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition  # non-ASCII names survive (RFC 6266)
    assert _sheet(response.get_data())["A2"].value == 1


@pytest.mark.parametrize("language, rtl", [("ar", True), ("fr", False), ("en", False)])
def test_the_export_direction_follows_the_language(app, language, rtl):
    with app.test_request_context(), force_locale(language):
        assert export_is_rtl() is rtl
