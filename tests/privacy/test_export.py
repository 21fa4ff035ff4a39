"""The right of access: an innovator reads and downloads everything held about them, and
nothing about anyone else."""

import json
from datetime import date, timedelta

import pytest

from crm.auth.models import Role
from crm.common.time import utcnow
from crm.extensions import db as _db
from crm.followups import services as followup_services
from crm.interactions import services as interaction_services
from crm.interactions.models import InteractionKind
from crm.invitations.models import Invitation
from crm.people import services as people_services
from crm.people.models import Gender
from crm.privacy import export
from crm.privacy.models import ConsentPurpose, ConsentSource
from tests.factories import (
    make_followup,
    make_forum,
    make_membership,
    make_organization,
    make_participation,
    make_person,
    make_project,
    make_user,
)
from tests.privacy.helpers import link_account, make_consent, text

OTHER = {"first_name": "Hicham", "last_name": "Zerouali", "name_arabic": "هشام الزروالي",
         "email": "hicham.zerouali@example.ma"}


@pytest.fixture
def mine(app):
    """Salma's record with something in every section; Hicham, in the same organization,
    with his own records, must not show."""
    officer = make_user(Role.OFFICER, email="officer.secret@fondation.ma")
    salma = make_person(officer, first_name="Salma", last_name="Idrissi",
                        name_arabic="سلمى الإدريسي", email="salma@example.ma",
                        phone="0661234567", gender=Gender.WOMAN, city="Agadir",
                        notes="Porteuse très motivée", tag_names=["Forum 2024"])
    people_services.update_person(officer, salma, salma.version, first_name="Salma",
                                  last_name="Idrissi", name_arabic="سلمى الإدريسي",
                                  email="salma@example.ma", phone="0661234567",
                                  gender=Gender.WOMAN, city="Tiznit", region=None,
                                  notes=salma.notes)
    hicham = make_person(officer, **OTHER)
    organization = make_organization(officer, name="Coopérative Amal")
    make_project(officer, organization=organization, name="Argan numérique")
    make_project(officer, name="Projet d'une autre organisation")
    make_membership(organization, salma, "founder", actor=officer)
    make_membership(organization, hicham, actor=officer)
    forum = make_forum(officer, name="WeXchange 2024", sessions=("Finance innovante",))
    make_participation(forum.sessions[1], salma, "speaker", actor=officer)
    make_participation(forum.sessions[1], hicham, actor=officer)
    make_followup(officer, title="Envoyer le dossier de candidature", person=salma,
                  actor=officer)
    make_followup(officer, title="Rappeler Hicham Zerouali", person=hicham, actor=officer)
    interaction_services.log_interaction(officer, InteractionKind.MEETING, date(2024, 10, 17),
                                         "Rencontre à l'atelier", person=salma)
    interaction_services.log_interaction(officer, InteractionKind.CALL, date(2024, 10, 18),
                                         "Appel de Hicham", person=hicham)
    make_consent(salma, ConsentPurpose.MEDIA, actor=officer, source=ConsentSource.PAPER,
                 detail="Fiche 12")
    make_consent(hicham, ConsentPurpose.SHARING, actor=officer)
    _db.session.add(Invitation(person_id=salma.id, email="salma@example.ma", nonce="a" * 32,
                               invited_by_id=officer.id, sent_at=utcnow() - timedelta(days=2),
                               expires_at=utcnow() + timedelta(days=5), used_at=utcnow()))
    _db.session.add(Invitation(person_id=hicham.id, email=OTHER["email"], nonce="b" * 32,
                               expires_at=utcnow() + timedelta(days=5)))
    _db.session.commit()
    return salma


def _other_traces(content: str) -> list[str]:
    return [v for v in (*OTHER.values(), "Hicham", "officer.secret@fondation.ma",
                        "Projet d'une autre organisation", "Projet d&#39;une autre")
            if v in content]


def test_the_export_holds_every_section_of_the_person(mine):
    data = export.personal_data(mine)
    assert data["person"]["first_name"] == "Salma" and "notes" not in data["person"]
    assert "Porteuse très motivée" not in str(data)  # officers' internal notes stay internal
    assert data["person"]["gender"] == "woman" and data["person"]["phone"] == "+212661234567"
    assert data["person"]["tags"] == ["Forum 2024"]
    assert data["organizations"] == [{"organization": "Coopérative Amal",
                                      "organization_arabic": "", "kind": "association",
                                      "role": "founder"}]
    [participation] = data["forum_participations"]
    assert participation["forum"] == "WeXchange 2024" and participation["role"] == "speaker"
    assert participation["session"] == "Finance innovante" and participation["attended"]
    assert [f["title"] for f in data["follow_ups"]] == ["Envoyer le dossier de candidature"]
    assert data["follow_ups"][0]["status"] == "open"
    assert data["interactions"] == [{"occurred_on": "2024-10-17", "kind": "meeting",
                                     "summary": "Rencontre à l'atelier"}]
    assert data["consents"][0]["purpose"] == "media" and data["consents"][0]["given_on"]
    assert data["invitations"][0]["used_at"] is not None
    assert [p["name"] for p in data["projects"]] == ["Argan numérique"]
    assert data["projects"][0]["stage"] == "identified"
    actions = [entry["action"] for entry in data["history"]]
    assert actions == ["create", "update", "consent_given"]
    assert "city" in data["history"][1]["fields"]
    assert data["account"] is None  # no portal account linked yet
    assert _other_traces(export.to_json(data)) == []


def test_the_innovator_downloads_their_data_as_json(client, login_as, mine):
    innovator = login_as(Role.INNOVATOR)
    link_account(innovator, mine)
    response = client.get("/portal/my-data.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".json" in disposition
    body = response.get_data(as_text=True)
    assert "سلمى الإدريسي" in body  # not escaped
    assert body.startswith('{\n  "account": {')  # sorted keys, indented by 2
    data = json.loads(body)
    assert data["account"]["email"] == innovator.email and data["account"]["role"] == "innovator"
    assert set(data["account"]) == {"email", "full_name", "role", "language", "active",
                                    "created_at", "last_login_at"}
    assert "password" not in body and "scrypt" not in body and "session_epoch" not in body
    assert data["person"]["last_name"] == "Idrissi"
    assert _other_traces(body) == []


def test_the_innovator_reads_their_data_on_a_page(client, login_as, mine):
    innovator = login_as(Role.INNOVATOR)
    link_account(innovator, mine)
    response = client.get("/portal/my-data")
    page = text(response)
    assert response.status_code == 200
    assert "Porteuse très motivée" not in page  # officers' notes stay internal
    for expected in ("Salma", "Idrissi", "سلمى الإدريسي", "salma@example.ma", "Tiznit",
                     "Coopérative Amal", "Founder", "WeXchange 2024",
                     "Finance innovante", "Speaker", "Envoyer le dossier de candidature",
                     "Rencontre à l&#39;atelier", "Photos, videos and testimonies",
                     "Fiche 12", "Argan numérique", "consent recorded", "City",
                     'href="/portal/my-data.json"'):
        assert expected in page, expected
    assert _other_traces(page) == []


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.OFFICER])
def test_staff_get_404_on_the_portal_export(client, login_as, mine, role):
    login_as(role)
    assert client.get("/portal/my-data").status_code == 404
    assert client.get("/portal/my-data.json").status_code == 404


def test_an_innovator_linked_to_no_record_gets_404(client, login_as, mine):
    login_as(Role.INNOVATOR)
    assert client.get("/portal/my-data").status_code == 404
    assert client.get("/portal/my-data.json").status_code == 404


def test_closed_follow_ups_are_exported_with_their_status(client, login_as, mine):
    officer = make_user(Role.OFFICER)
    followup = make_followup(officer, title="Visite du site", person=mine, actor=officer)
    followup_services.complete_followup(officer, followup, "Visite faite")
    statuses = {f["title"]: f["status"] for f in export.personal_data(mine)["follow_ups"]}
    assert statuses == {"Envoyer le dossier de candidature": "open", "Visite du site": "done"}


def test_the_innovator_downloads_their_data_for_a_spreadsheet(client, login_as, mine):
    import csv
    import io

    innovator = login_as(Role.INNOVATOR)
    link_account(innovator, mine)
    assert 'href="/portal/my-data.csv"' in client.get("/portal/my-data").get_data(as_text=True)
    response = client.get("/portal/my-data.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")  # Excel reads the Arabic as UTF-8
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["section", "item", "field", "value"]
    cells = {(section, field): value for section, _item, field, value in rows[1:]}
    data = export.personal_data(mine)
    assert cells[("person", "last_name")] == data["person"]["last_name"] == "Idrissi"
    assert cells[("account", "email")] == innovator.email
    assert ("follow_ups", "title") in cells and ("consents", "purpose") in cells
    assert "سلمى الإدريسي" in body
    assert "Porteuse très motivée" not in body  # officers' internal notes stay internal
    assert _other_traces(body) == []


def test_staff_get_404_on_the_portal_csv_export(client, login_as, mine):
    login_as(Role.OFFICER)
    assert client.get("/portal/my-data.csv").status_code == 404


def test_the_spreadsheet_holds_every_value_of_the_json(client, login_as, mine):
    import csv
    import io

    innovator = login_as(Role.INNOVATOR)
    link_account(innovator, mine)
    data = json.loads(client.get("/portal/my-data.json").get_data(as_text=True))
    body = client.get("/portal/my-data.csv").get_data(as_text=True)
    cells = {(s, i, f): v.removeprefix("'")  # the quote that keeps "+212..." from a formula
             for s, i, f, v in list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]}
    expected = {}
    for section, content in data.items():
        for number, item in enumerate(content if isinstance(content, list) else [content], 1):
            for field, value in (item or {}).items() if isinstance(item, dict) else []:
                value = "; ".join(value) if isinstance(value, list) else value
                expected[(section, str(number), field)] = "" if value is None else str(value)
    assert cells == expected | {("exported_at", "", ""): cells[("exported_at", "", "")]}
    assert "Porteuse très motivée" not in body and _other_traces(body) == []
