"""The attendee import screens: upload, mapping, preview, import, report, rejected lines,
follow-ups; the shared WeXchange 2024 file goes through them with the inline runner."""

import csv
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from crm.auth.models import Role
from crm.demo.forum import seed_forum
from crm.followups.models import FollowUp
from crm.forums import services as forum_services
from crm.forums.models import Participation
from crm.imports.models import ImportJob, ImportRow, ImportStatus
from crm.organizations.models import Membership, Organization
from crm.people.models import Person
from tests.factories import make_person, make_user
from tests.queries import count_queries
from tests.spreadsheets import csv_rows, sheet_as_csv, xlsx_sheet

SHARED_FILE = (Path(__file__).resolve().parents[3] / "shared" / "data"
               / "wexchange2024_attendees.csv")
INVALID_LINES = (105, 212, 214)


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def forum(app):
    return seed_forum()


@pytest.fixture
def shared_bytes() -> bytes:
    return SHARED_FILE.read_bytes()


def _shared_rows() -> list[list[str]]:
    text = SHARED_FILE.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _counts(db) -> dict[str, int]:
    return {model.__name__: _count(db, model)
            for model in (Person, Organization, Membership, Participation)}


def _job(db, job_id: int) -> ImportJob:
    db.session.expire_all()
    return db.session.get(ImportJob, job_id)


def upload(client, forum, content: bytes, filename: str = "attendees.csv"):
    return client.post(f"/forums/{forum.id}/imports/new",
                       data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def upload_ok(client, forum, content: bytes, filename: str = "attendees.csv") -> int:
    """Upload a file; the id of the new job (the answer leads to its column mapping)."""
    response = upload(client, forum, content, filename)
    assert response.status_code == 302, _text(response)
    match = re.search(rf"/forums/{forum.id}/imports/(\d+)/columns$", response.location)
    assert match, response.location
    return int(match.group(1))


def mapping_form(client, forum, job_id: int) -> dict[str, str]:
    """The mapping as the page preselects it (field -> column index, "" when none)."""
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}/columns"))
    chosen = {}
    for name, body in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option selected value="([^"]*)"', body) or re.search(
            r'<option value="([^"]*)" selected', body)
        chosen[name] = selected.group(1) if selected else ""
    return chosen


def confirm(client, forum, job_id: int, mapping: dict[str, str] | None = None):
    data = mapping if mapping is not None else mapping_form(client, forum, job_id)
    response = client.post(f"/forums/{forum.id}/imports/{job_id}/columns", data=data)
    assert response.status_code == 302, _text(response)
    assert response.location.endswith(f"/forums/{forum.id}/imports/{job_id}")
    return response


def preview_counts(page: str) -> dict[str, int]:
    return {status: int(count.replace(",", "")) for status, count in
            re.findall(r'id="count-([\w-]+)">([\d,]+)<', page)}


def run(client, forum, job_id: int, data: dict | None = None):
    response = client.post(f"/forums/{forum.id}/imports/{job_id}/run", data=data or {})
    assert response.status_code == 302
    return response


def import_file(client, forum, content: bytes, filename: str = "attendees.csv") -> int:
    job_id = upload_ok(client, forum, content, filename)
    confirm(client, forum, job_id)
    run(client, forum, job_id)
    return job_id


def report_number(page: str, key: str) -> int:
    return int(re.search(rf'id="report-{key}">([\d,]+)<', page).group(1).replace(",", ""))


# --- the whole journey with the shared file ----------------------------------------------------


def test_the_shared_file_goes_through_upload_mapping_preview_import_and_report(
        client, login_as, db, forum, shared_bytes):
    officer = login_as(Role.OFFICER)
    page = _text(client.get(f"/forums/{forum.id}/imports/new"))
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page

    job_id = upload_ok(client, forum, shared_bytes, "wexchange2024_attendees.csv")
    mapping_page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}/columns"))
    assert "Not in the file" in mapping_page
    assert "EL OUAZZANI" in mapping_page and "COOPÉRATIVE AL BARAKA" in mapping_page  # 5 lines
    assert "Alaoui" in mapping_page and "+212690615843" not in mapping_page  # not line 7
    assert 'id="remembered-mapping"' not in mapping_page
    assert mapping_form(client, forum, job_id) == {
        "last_name": "0", "first_name": "1", "full_name": "", "email": "2", "phone": "3",
        "organization": "4", "organization_kind": "5", "city": "6", "workshop": "7",
        "role": "8", "attended": ""}

    confirm(client, forum, job_id)
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert preview_counts(page) == {"new": 260, "match": 0, "same-as-row": 58, "invalid": 3}
    assert "Import now" in page and page.count('<tr id="line-') == 50
    assert f'href="/forums/{forum.id}/imports/{job_id}?page=2"' in page
    assert _count(db, Person) == 0  # nothing is created before the officer confirms

    invalid = _text(client.get(f"/forums/{forum.id}/imports/{job_id}?status=invalid"))
    for line in INVALID_LINES:
        assert f'id="line-{line}"' in invalid
    assert "invalid email" in invalid and "invalid phone number" in invalid
    assert "workshop not found in this forum" in invalid and "empty line" in invalid
    assert "the name holds characters that a name cannot have" in invalid
    assert "<script>alert(1)</script>" not in invalid  # shown, escaped
    repeats = _text(client.get(f"/forums/{forum.id}/imports/{job_id}?status=same-as-row"))
    assert "Same person as line 2" in repeats and 'id="line-83"' in repeats
    assert f"/imports/{job_id}?status=same-as-row&amp;page=2" in repeats  # the filter is kept

    run(client, forum, job_id)
    job = _job(db, job_id)
    assert job.status == ImportStatus.DONE and job.created_by_id == officer.id
    report = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert report_number(report, "created") == 260
    assert report_number(report, "updated") == 0
    assert report_number(report, "participations") == 315
    assert report_number(report, "rejected") == 3
    for line in INVALID_LINES:
        assert f'id="rejected-{line}"' in report
    assert "Download the lines not imported (CSV)" in report
    assert _count(db, Person) == 260
    assert _count(db, Participation) == 315
    # The same person written twice in the file is one person, with both spellings' details.
    houda = db.session.scalar(sa.select(Person).where(
        Person.email == "houda.ouazzani@outlook.fr"))
    assert houda is not None
    # The workshop names of the file are the forum's sessions.
    sessions = {s.name_fr: s for s in forum.sessions}
    strategic = sessions["Réflexion stratégique"]
    assert houda.id in {p.person_id for p in
                        forum_services.participations_of_session(strategic.id)}


def test_the_lines_not_imported_download_as_csv_with_formulas_neutralized(
        client, login_as, forum, shared_bytes):
    login_as(Role.OFFICER)
    job_id = import_file(client, forum, shared_bytes)
    response = client.get(f"/forums/{forum.id}/imports/{job_id}/rejected.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Line", "Reasons", "Nom", "Prénom", "E-mail", "Téléphone", "Organisation",
                       "Type d'organisation", "Ville", "Atelier", "Rôle"]
    assert [row[0] for row in rows[1:]] == ["105", "212", "214"]
    by_line = {row[0]: row for row in rows[1:]}
    assert by_line["105"][1] == ("invalid email, invalid phone number, "
                                 "workshop not found in this forum")
    assert by_line["105"][2:5] == ["Invalide", "Test", "pas-un-email@"]
    assert by_line["212"][1] == "empty line"
    assert by_line["214"][2] == "'=HYPERLINK(\"http://x\")"
    assert by_line["214"][3] == "<script>alert(1)</script>"


def test_the_lines_not_imported_download_as_excel_too(client, login_as, forum, shared_bytes):
    login_as(Role.OFFICER, language="ar")
    job_id = import_file(client, forum, shared_bytes)
    report = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert f"/imports/{job_id}/rejected.csv?format=xlsx" in report
    url = f"/forums/{forum.id}/imports/{job_id}/rejected.csv"
    response = client.get(f"{url}?format=xlsx")
    assert f"import-{job_id}-not-imported.xlsx" in response.headers["Content-Disposition"]
    sheet = xlsx_sheet(response)
    assert sheet_as_csv(sheet) == csv_rows(client.get(url))
    assert sheet.title == "الأسطر غير المستوردة" and sheet.sheet_view.rightToLeft is True
    assert [cell.value for cell in sheet["A"][1:]] == [105, 212, 214]
    assert sheet["A2"].data_type == "n"
    formula = sheet["C4"]
    assert (formula.data_type, formula.value) == ("s", "=HYPERLINK(\"http://x\")")


def test_a_second_import_of_the_same_file_creates_nothing(client, login_as, db, forum,
                                                         shared_bytes):
    login_as(Role.OFFICER)
    import_file(client, forum, shared_bytes)
    before = _counts(db)
    assert before["Person"] == 260

    job_id = upload_ok(client, forum, shared_bytes)
    confirm(client, forum, job_id)
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert preview_counts(page) == {"new": 0, "match": 260, "same-as-row": 58, "invalid": 3}
    assert "same email" in page and 'name="same"' in page and "checked" in page
    run(client, forum, job_id)

    assert _counts(db) == before
    report = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert report_number(report, "created") == 0
    assert report_number(report, "updated") == 260
    assert report_number(report, "participations") == 0


def test_an_unticked_match_becomes_a_new_person(client, login_as, db, forum, shared_bytes):
    login_as(Role.OFFICER)
    known = make_person(first_name="Asmae", last_name="Bennani", email="asmae.bennani@gmail.com")
    job_id = upload_ok(client, forum, shared_bytes)
    confirm(client, forum, job_id)
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}?status=match"))
    assert preview_counts(page)["match"] == 1
    assert f'href="/people/{known.id}"' in page and "same email" in page
    assert 'name="shown" value="4"' in page and 'id="same-4" checked' in page

    response = client.post(f"/forums/{forum.id}/imports/{job_id}/matches?status=match",
                           data={"shown": ["4"]})  # the box of line 4 unticked
    assert response.status_code == 302 and "status=match" in response.location
    db.session.expire_all()
    assert db.session.scalar(sa.select(ImportRow.use_match).where(
        ImportRow.job_id == job_id, ImportRow.line == 4)) is False
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}?status=match"))
    assert 'id="same-4">' in page  # no longer ticked

    run(client, forum, job_id)
    bennanis = list(db.session.scalars(sa.select(Person).where(
        Person.first_name == "Asmae", Person.last_name == "Bennani")))
    assert len(bennanis) == 2
    assert _job(db, job_id).created_count == 260  # 259 new lines, and the unticked one
    assert _count(db, Person) == 261


def test_import_now_records_the_choices_of_the_page_it_was_pressed_on(client, login_as, db,
                                                                     forum, shared_bytes):
    login_as(Role.OFFICER)
    make_person(first_name="Asmae", last_name="Bennani", email="asmae.bennani@gmail.com")
    job_id = upload_ok(client, forum, shared_bytes)
    confirm(client, forum, job_id)
    run(client, forum, job_id, data={"shown": ["4"]})
    assert _count(db, Person) == 261  # the known Asmae, and 260 from the file


def test_a_kept_match_completes_the_known_person_and_creates_no_one(client, login_as, db,
                                                                   forum, shared_bytes):
    login_as(Role.OFFICER)
    known = make_person(first_name="Asmae", last_name="Bennani", email="asmae.bennani@gmail.com")
    job_id = upload_ok(client, forum, shared_bytes)
    confirm(client, forum, job_id)
    run(client, forum, job_id, data={"shown": ["4"], "same": ["4"]})
    db.session.expire_all()
    assert _count(db, Person) == 260
    assert db.session.get(Person, known.id).phone == "+212634313271"  # filled from the file
    assert _job(db, job_id).updated_count == 1


# --- other files ---------------------------------------------------------------------------


def test_the_remembered_mapping_is_offered_for_a_file_with_the_same_headers(client, login_as,
                                                                           forum):
    login_as(Role.OFFICER)
    rows = _shared_rows()
    # The registration tool changed: other column order, headers nobody could guess.
    order = [2, 1, 0, 7, 3, 4, 5, 6, 8]
    headers = ["Adresse", "P.", "N.", "Choix 1", "Contact", "Structure d'origine", "Forme",
               "Lieu", "Qualité"]
    lines = [headers] + [[row[i] for i in order] for row in rows[1:40]]
    content = "\n".join(";".join(line) for line in lines).encode("utf-8")

    job_id = upload_ok(client, forum, content, "other-tool.csv")
    guessed = mapping_form(client, forum, job_id)
    assert guessed["workshop"] == "" and guessed["last_name"] == ""
    assert guessed["email"] == "0" and guessed["phone"] == "4"  # recognized by their values
    by_hand = {"last_name": "2", "first_name": "1", "full_name": "", "email": "0",
               "phone": "4", "organization": "5", "organization_kind": "6", "city": "7",
               "workshop": "3", "role": "8", "attended": ""}
    confirm(client, forum, job_id, by_hand)

    again = upload_ok(client, forum, content, "other-tool-again.csv")
    page = _text(client.get(f"/forums/{forum.id}/imports/{again}/columns"))
    assert 'id="remembered-mapping"' in page
    assert mapping_form(client, forum, again) == by_hand
    confirm(client, forum, again)
    counts = preview_counts(_text(client.get(f"/forums/{forum.id}/imports/{again}")))
    assert counts["invalid"] == 0 and counts["new"] + counts["same-as-row"] == 39


def test_an_excel_file_imports_like_the_csv(client, login_as, db, forum):
    login_as(Role.OFFICER)
    workbook = Workbook()
    sheet = workbook.active
    for row in _shared_rows():
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    job_id = upload_ok(client, forum, buffer.getvalue(), "wexchange2024.xlsx")
    assert mapping_form(client, forum, job_id)["workshop"] == "7"
    confirm(client, forum, job_id)
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert preview_counts(page) == {"new": 260, "match": 0, "same-as-row": 58, "invalid": 3}
    run(client, forum, job_id)
    assert _count(db, Person) == 260


def _fits_cp1252(row: list[str]) -> bool:
    try:
        "".join(row).encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def test_a_windows_1252_csv_with_commas_imports_like_the_utf8_one(client, login_as, db, forum):
    login_as(Role.OFFICER)
    rows = _shared_rows()
    wanted = [rows[0]] + [row for row in rows[1:40] if _fits_cp1252(row)]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=",").writerows(wanted)
    content = buffer.getvalue().encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really not UTF-8: the accents are single cp1252 bytes

    job_id = upload_ok(client, forum, content, "export-excel-windows.csv")
    assert mapping_form(client, forum, job_id)["workshop"] == "7"
    confirm(client, forum, job_id)
    run(client, forum, job_id)
    job = _job(db, job_id)
    assert job.status == ImportStatus.DONE and job.rejected_count == 0
    assert job.created_count > 20
    organizations = {name.lower() for name in db.session.scalars(sa.select(Organization.name))}
    accented = {row[4].lower() for row in wanted[1:] if not row[4].isascii()}
    assert accented and accented <= organizations  # the accents are read back intact


# --- errors at upload and mapping --------------------------------------------------------------


@pytest.mark.parametrize("content, filename, message", [
    (b"", "empty.csv", "The file is empty."),
    (b"not an excel file", "broken.xlsx", "This Excel file cannot be read."),
    (b"Nom;Prenom\n", "header-only.csv", "The file has no line after its header."),
    (b"%PDF-1.4", "programme.pdf", "Choose a CSV or an Excel (.xlsx) file."),
])
def test_an_unusable_file_is_refused_next_to_the_field(client, login_as, db, forum, content,
                                                       filename, message):
    login_as(Role.OFFICER)
    response = upload(client, forum, content, filename)
    assert response.status_code == 200
    page = _text(response)
    assert 'id="file-errors"' in page and message in page
    assert _count(db, ImportJob) == 0


def test_no_file_chosen_is_refused(client, login_as, forum):
    login_as(Role.OFFICER)
    response = client.post(f"/forums/{forum.id}/imports/new", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "Choose a file." in _text(response)


def test_a_request_larger_than_allowed_gets_a_translated_413_page(app, client, login_as, forum):
    login_as(Role.OFFICER)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = upload(client, forum, b"x" * 4096)
    assert response.status_code == 413
    page = _text(response)
    assert "The file is too large" in page and "1024" not in page and "<html" in page


@pytest.mark.parametrize("change, message", [
    ({"email": "0"}, "A column can be given to one field only."),
    ({"last_name": "", "first_name": ""}, "Say which column holds the names."),
    ({"city": "42"}, "Not a valid choice"),
])
def test_a_wrong_mapping_is_refused_with_a_message(client, login_as, db, forum, shared_bytes,
                                                   change, message):
    login_as(Role.OFFICER)
    job_id = upload_ok(client, forum, shared_bytes)
    data = {**mapping_form(client, forum, job_id), **change}
    response = client.post(f"/forums/{forum.id}/imports/{job_id}/columns", data=data)
    assert response.status_code == 200 and message in _text(response)
    assert _job(db, job_id).status == ImportStatus.UPLOADED


def test_a_job_waiting_for_its_mapping_leads_to_the_mapping(client, login_as, forum,
                                                           shared_bytes):
    login_as(Role.OFFICER)
    job_id = upload_ok(client, forum, shared_bytes)
    response = client.get(f"/forums/{forum.id}/imports/{job_id}")
    assert response.status_code == 302 and response.location.endswith("/columns")
    listing = _text(client.get(f"/forums/{forum.id}/imports/new"))
    assert f"/forums/{forum.id}/imports/{job_id}" in listing and "Columns to map" in listing


def test_a_finished_import_cannot_be_mapped_or_run_again(client, login_as, db, forum,
                                                         shared_bytes):
    login_as(Role.OFFICER)
    job_id = import_file(client, forum, shared_bytes)
    response = client.get(f"/forums/{forum.id}/imports/{job_id}/columns")
    assert response.status_code == 302 and response.location.endswith(f"/imports/{job_id}")
    response = client.post(f"/forums/{forum.id}/imports/{job_id}/run", data={},
                           follow_redirects=True)
    assert "This import cannot be started now." in _text(response)
    assert _count(db, Person) == 260


# --- the progress and the failed state ------------------------------------------------------


def _set_status(db, job_id: int, status: ImportStatus, **values) -> None:
    db.session.execute(sa.update(ImportJob).where(ImportJob.id == job_id)
                       .values(status=status, **values))
    db.session.commit()


def test_a_running_job_shows_a_progress_bar_that_polls_and_reloads_when_done(
        client, login_as, db, forum, shared_bytes):
    login_as(Role.OFFICER)
    job_id = upload_ok(client, forum, shared_bytes)
    _set_status(db, job_id, ImportStatus.IMPORTING, processed_rows=120)
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert '<progress id="job-progress-bar"' in page and 'value="120" max="321"' in page
    assert "120 of 321 lines" in page and 'role="status" aria-live="polite"' in page
    assert f'hx-get="/forums/{forum.id}/imports/{job_id}/progress?polls=1"' in page
    assert 'hx-trigger="load delay:250ms, every 1s"' in page and 'hx-swap="outerHTML"' in page
    assert '<meta http-equiv="refresh" content="3">' in page

    fragment = client.get(f"/forums/{forum.id}/imports/{job_id}/progress",
                          headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "HX-Refresh" not in fragment.headers
    assert "<html" not in _text(fragment) and "120 of 321 lines" in _text(fragment)

    _set_status(db, job_id, ImportStatus.PREVIEW)
    fragment = client.get(f"/forums/{forum.id}/imports/{job_id}/progress",
                          headers={"HX-Request": "true"})
    assert fragment.headers["HX-Refresh"] == "true"
    assert "hx-get" not in _text(fragment)
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert 'http-equiv="refresh"' not in page and "<progress" not in page


@pytest.mark.parametrize("polls, trigger, next_polls", [
    ("1", "load delay:500ms, every 1s", 2), ("2", "every 1s", 3), ("3", "every 1s", 4),
    ("9", "every 1s", 9), ("", "load delay:250ms, every 1s", 1),
    ("x", "load delay:250ms, every 1s", 1), ("99999", "load delay:250ms, every 1s", 1)])
def test_the_progress_is_asked_again_soon_then_every_second(client, login_as, db, forum,
                                                            shared_bytes, polls, trigger,
                                                            next_polls):
    login_as(Role.OFFICER)
    job_id = upload_ok(client, forum, shared_bytes)
    _set_status(db, job_id, ImportStatus.IMPORTING, processed_rows=120)
    fragment = _text(client.get(f"/forums/{forum.id}/imports/{job_id}/progress",
                                query_string={"polls": polls}, headers={"HX-Request": "true"}))
    assert f'hx-trigger="{trigger}"' in fragment
    assert f'/progress?polls={next_polls}"' in fragment


def test_a_failed_job_shows_its_error_and_the_way_back_to_the_mapping(client, login_as, db,
                                                                      forum, shared_bytes):
    login_as(Role.OFFICER)
    job_id = upload_ok(client, forum, shared_bytes)
    _set_status(db, job_id, ImportStatus.FAILED, error="database is locked")
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert "database is locked" in page
    assert f'href="/forums/{forum.id}/imports/{job_id}/columns"' in page
    confirm(client, forum, job_id)  # the mapping can be confirmed again
    assert _job(db, job_id).status == ImportStatus.PREVIEW


# --- follow-ups from the report --------------------------------------------------------------


def test_the_report_creates_a_follow_up_for_each_imported_person(client, login_as, db, forum,
                                                                 shared_bytes):
    officer = login_as(Role.OFFICER)
    colleague = make_user(Role.OFFICER, full_name="Salma Alaoui")
    job_id = import_file(client, forum, shared_bytes)
    report = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert "Create a follow-up for each imported person" in report
    assert "260 people were created or found by this import" in report
    assert f'<option selected value="{officer.id}">' in report

    response = client.post(f"/forums/{forum.id}/imports/{job_id}/followups", data={
        "kind": "call", "title": "Appeler après WeXchange", "due_on": "2024-11-15",
        "assignee_id": str(colleague.id)})
    assert response.status_code == 302 and response.location.endswith("/followups")
    followups = list(db.session.scalars(sa.select(FollowUp)))
    assert len(followups) == 260
    assert {f.assignee_id for f in followups} == {colleague.id}
    assert len({f.person_id for f in followups}) == 260

    again = client.post(f"/forums/{forum.id}/imports/{job_id}/followups", data={
        "kind": "call", "title": "Appeler après WeXchange", "due_on": "2024-11-15",
        "assignee_id": str(colleague.id)})
    assert again.status_code == 302
    assert _count(db, FollowUp) == 260  # open follow-ups with the same title are not doubled


def test_a_follow_up_form_with_errors_is_shown_again(client, login_as, db, forum,
                                                     shared_bytes):
    login_as(Role.OFFICER)
    job_id = import_file(client, forum, shared_bytes)
    response = client.post(f"/forums/{forum.id}/imports/{job_id}/followups", data={
        "kind": "call", "title": "", "due_on": "not a date", "assignee_id": ""})
    assert response.status_code == 200
    page = _text(response)
    assert "This field is required." in page and "Give a valid date." in page
    assert 'id="report-created"' in page
    assert _count(db, FollowUp) == 0


# --- who may do what ------------------------------------------------------------------------


def _endpoints(forum_id: int, job_id: int) -> list[tuple[str, str]]:
    base = f"/forums/{forum_id}/imports"
    return [("get", f"{base}/new"), ("post", f"{base}/new"), ("get", f"{base}/{job_id}"),
            ("get", f"{base}/{job_id}/columns"), ("post", f"{base}/{job_id}/columns"),
            ("get", f"{base}/{job_id}/progress"), ("post", f"{base}/{job_id}/matches"),
            ("post", f"{base}/{job_id}/run"), ("get", f"{base}/{job_id}/rejected.csv"),
            ("get", f"{base}/{job_id}/rejected.csv?format=xlsx"),
            ("post", f"{base}/{job_id}/followups")]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR])
def test_roles_that_may_not_import_get_404_and_change_nothing(client, login_as, db, forum,
                                                              shared_bytes, role):
    officer = make_user(Role.OFFICER)
    job = _start_as(officer, forum, shared_bytes)
    login_as(role)
    for method, url in _endpoints(forum.id, job.id):
        if method == "get":
            response = client.get(url)
        elif url.endswith("/new"):
            response = upload(client, forum, shared_bytes)
        else:
            response = client.post(url, data={"last_name": "0", "title": "x", "kind": "call"})
        assert response.status_code == 404, (method, url)
    assert _count(db, ImportJob) == 1
    assert _job(db, job.id).status == ImportStatus.UPLOADED


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, forum, shared_bytes):
    response = client.get(f"/forums/{forum.id}/imports/new")
    assert response.status_code == 302 and "/login" in response.location


def _start_as(user, forum, content: bytes) -> ImportJob:
    from crm.imports import services

    return services.start_import(user, forum, "attendees.csv", content)


def test_a_job_of_another_forum_or_an_unknown_forum_is_404(client, login_as, db, forum,
                                                           shared_bytes):
    from datetime import date

    officer = login_as(Role.OFFICER)
    other = forum_services.create_forum(None, "WeXchange 2023", date(2023, 10, 12), number=2)
    job = _start_as(officer, forum, shared_bytes)
    for method, url in _endpoints(other.id, job.id):
        if url.endswith("/new"):
            continue
        response = getattr(client, method)(url, data={} if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert client.get("/forums/9999/imports/new").status_code == 404
    assert client.get(f"/forums/{forum.id}/imports/9999").status_code == 404
    assert _job(db, job.id).status == ImportStatus.UPLOADED


# --- the cost of a page -------------------------------------------------------------------------


def test_the_preview_page_issues_a_fixed_number_of_queries(client, login_as, db, forum,
                                                           shared_bytes):
    login_as(Role.OFFICER)
    import_file(client, forum, shared_bytes)
    job_id = upload_ok(client, forum, shared_bytes)  # every line matches a known person
    confirm(client, forum, job_id)
    with count_queries(db) as statements:
        page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}?status=match"))
    assert page.count('name="same"') == 50
    assert len(statements) < 15, statements


def test_lines_of_one_person_in_different_chunks_link_them_once(client, login_as, db, forum,
                                                               shared_bytes, monkeypatch):
    """The importer remembers the links it made: a line repeating a person created in an
    earlier chunk adds no membership or participation, and a second import adds nothing."""
    monkeypatch.setattr("crm.imports.services.CHUNK", 7)
    login_as(Role.OFFICER)
    job_id = import_file(client, forum, shared_bytes)
    assert _job(db, job_id).status == ImportStatus.DONE
    expected = {"Person": 260, "Organization": 15, "Membership": 260, "Participation": 315}
    assert _counts(db) == expected

    job_id = import_file(client, forum, shared_bytes)
    assert _job(db, job_id).status == ImportStatus.DONE
    assert _counts(db) == expected
