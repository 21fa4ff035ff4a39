"""Column guessing from headers in three languages and registration tools' exports, from the
values where headers say nothing; kinds of organization however attendees write them."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from crm.auth.models import Role
from crm.imports.mapping import guess_columns
from crm.imports.models import ImportRow
from crm.imports.rows import organization_kind
from crm.organizations.models import OrganizationKind
from tests.imports.test_views import _text, confirm, forum, mapping_form, upload_ok  # noqa: F401

DATA = Path(__file__).resolve().parent.parent / "data"


def _upload_fixture(client, edition, name: str) -> int:
    return upload_ok(client, edition, (DATA / name).read_bytes(), name)


def _analysed_rows(client, edition, db, job_id: int) -> dict[int, dict]:
    """Line -> cleaned values, once the mapping the page proposes is confirmed."""
    confirm(client, edition, job_id)
    return {r.line: r.values for r in db.session.scalars(sa.select(ImportRow))}


def test_an_english_export_maps_all_its_columns_without_a_hand_correction(client, login_as,
                                                                           db, forum):  # noqa: F811
    login_as(Role.OFFICER)
    job_id = _upload_fixture(client, forum, "english_headers.csv")
    assert mapping_form(client, forum, job_id) == {
        "last_name": "", "first_name": "", "full_name": "0", "email": "1", "phone": "2",
        "organization": "3", "organization_kind": "4", "role": "5", "workshop": "6",
        "city": "7", "attended": ""}
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}/columns"))
    assert "Guessed: sure" in page and "Guessed: likely" in page  # the workshop's header
    assert 'id="columns-left-out"' not in page
    rows = _analysed_rows(client, forum, db, job_id)
    assert (rows[2]["first_name"], rows[2]["last_name"]) == ("Fatima Zahra", "Tazi")
    assert (rows[3]["first_name"], rows[3]["last_name"]) == ("Abdel Ilah", "Nassiri")
    assert rows[2]["email"] == "fz.tazi@example.ma" and rows[2]["organization"] == "Atlas Weavers"
    assert [rows[n]["organization_kind"] for n in range(2, 12)] == [
        "social-enterprise", "cooperative", "association", "social-enterprise", "foundation",
        "mutual", "social-enterprise", "association", "social-enterprise", "company"]
    assert rows[3]["role"] == "speaker"


def test_leaving_out_an_email_column_is_warned_before_importing(client, login_as, forum):  # noqa: F811
    login_as(Role.OFFICER)
    job_id = _upload_fixture(client, forum, "english_headers.csv")
    chosen = mapping_form(client, forum, job_id) | {"email": "", "organization": ""}
    response = client.post(f"/forums/{forum.id}/imports/{job_id}/columns", data=chosen)
    page = _text(response)
    assert response.status_code == 200  # not imported: the warning first
    assert 'id="columns-left-out"' in page and 'role="alert"' in page
    assert "“Email Address” looks like Email." in page
    assert "“Company / Organization” looks like Organization." in page
    assert 'name="drop_left_out"' in page
    for bad in ({"full_name": "abc"}, {"full_name": "99999999999999999999"}):
        assert client.post(f"/forums/{forum.id}/imports/{job_id}/columns",
                           data=chosen | bad).status_code == 200
    response = client.post(f"/forums/{forum.id}/imports/{job_id}/columns",
                           data=chosen | {"drop_left_out": "yes"})
    assert response.status_code == 302  # dropped knowingly


def test_a_google_forms_export_in_french_maps_all_but_its_timestamp(client, login_as, db,
                                                                    forum):  # noqa: F811
    login_as(Role.OFFICER)
    job_id = _upload_fixture(client, forum, "google_forms_fr.csv")
    assert mapping_form(client, forum, job_id) == {
        "last_name": "", "first_name": "", "full_name": "2", "email": "1", "phone": "3",
        "organization": "4", "organization_kind": "5", "city": "6", "workshop": "7",
        "role": "", "attended": ""}
    assert 'id="columns-left-out"' not in _text(
        client.get(f"/forums/{forum.id}/imports/{job_id}/columns"))
    rows = _analysed_rows(client, forum, db, job_id)
    assert [(rows[n]["first_name"], rows[n]["last_name"]) for n in range(2, 10)] == [
        ("Fatima Zahra", "El Idrissi"), ("Karim", "Ben Moussa"), ("Fatima Zahra", "Tazi"),
        ("Mohamed Ali", "Kettani"), ("Abd El Kader", "Saidi"), ("Hamid", "Aït Taleb"),
        ("Nour Eddine", "Lahlou"), ("Youssef", "El Amrani")]
    assert [rows[n]["organization_kind"] for n in range(2, 10)] == [
        "social-enterprise", "cooperative", "association", "social-enterprise", "foundation",
        "mutual", "social-enterprise", "association"]
    assert rows[3]["email"] == "k.benmoussa@example.ma" and rows[3]["phone"]


@pytest.mark.parametrize("headers, expected", [
    (["First Name", "Last Name", "Email", "Cell Phone", "Company", "Job Title", "Ticket Type"],
     {"first_name": 0, "last_name": 1, "email": 2, "phone": 3, "organization": 4, "role": 6}),
    (["Horodateur", "Adresse e-mail", "Nom complet", "Numéro de téléphone",
      "Organisation / Structure", "Ville"],
     {"email": 1, "full_name": 2, "phone": 3, "organization": 4, "city": 5}),
    (["E-mail Addresses", "Mobile Phone", "Organisations"],
     {"email": 0, "phone": 1, "organization": 2}),
    (["الاسم الكامل", "البريد الالكتروني", "رقم الهاتف", "الجمعية"],
     {"full_name": 0, "email": 1, "phone": 2, "organization": 3}),
    (["Nom et prénom", "num_tel", "Org", "Email professionnel", "Téléphone (WhatsApp)"],
     {"full_name": 0, "phone": 1, "organization": 2, "email": 3}),
])
def test_headers_of_registration_tools_are_guessed(app, headers, expected):
    assert guess_columns(headers)[0] == expected


def test_columns_without_telling_headers_are_guessed_from_their_values(app):
    rows = [["a@atlas.ma", "0661234567", "x"], ["b@atlas.ma", "+212 662 34 56 78", "y"]]
    mapping, confidence = guess_columns(["Col A", "Col B", "Col C"], rows)
    assert mapping == {"email": 0, "phone": 1}
    assert confidence == {"email": 2, "phone": 2}


@pytest.mark.parametrize("written, kind", [
    ("social_enterprise", OrganizationKind.SOCIAL_ENTERPRISE),
    ("Social enterprise", OrganizationKind.SOCIAL_ENTERPRISE),
    ("Entreprise sociale", OrganizationKind.SOCIAL_ENTERPRISE),
    ("Entreprise Sociale et Solidaire", OrganizationKind.SOCIAL_ENTERPRISE),
    ("ESS", OrganizationKind.SOCIAL_ENTERPRISE),
    ("مقاولة اجتماعية", OrganizationKind.SOCIAL_ENTERPRISE),
    ("Coop", OrganizationKind.COOPERATIVE), ("Coopératives", OrganizationKind.COOPERATIVE),
    ("Assoc.", OrganizationKind.ASSOCIATION), ("Associations", OrganizationKind.ASSOCIATION),
    ("Mutuelle", OrganizationKind.MUTUAL), ("business", OrganizationKind.COMPANY),
    ("Entreprise", OrganizationKind.COMPANY), ("something else", OrganizationKind.OTHER),
    ("E.S.S.", OrganizationKind.SOCIAL_ENTERPRISE), ("Coop.", OrganizationKind.COOPERATIVE),
    ("entreprise_sociale", OrganizationKind.SOCIAL_ENTERPRISE),
    ("association", OrganizationKind.ASSOCIATION), ("الجمعيات", OrganizationKind.ASSOCIATION),
    ("التعاونيات", OrganizationKind.COOPERATIVE),
    ("مقاولات اجتماعية", OrganizationKind.SOCIAL_ENTERPRISE),
])
def test_kinds_are_read_however_they_are_written(written, kind):
    assert organization_kind(written) == kind


def test_an_arabic_windows_file_with_compound_names_is_read_and_split(client, login_as, db,
                                                                      forum):  # noqa: F811
    login_as(Role.OFFICER)
    job_id = _upload_fixture(client, forum, "arabic_cp1256.csv")
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}/columns"))
    assert "فاطمة الزهراء التازي" in page and "Prénom" in page
    assert mapping_form(client, forum, job_id)["full_name"] == "2"
    rows = _analysed_rows(client, forum, db, job_id)
    assert (rows[2]["first_name"], rows[2]["last_name"]) == ("Fatima Zahra", "Tazi")
    assert (rows[4]["first_name"], rows[4]["last_name"]) == ("Abdel Ilah", "Bennani")
    assert rows[2]["name_arabic"] == "فاطمة الزهراء التازي"  # kept, not dropped
