"""Anonymization on request: every trace of the person's names, email and phone leaves every
table (text, JSON and the stored attendee files), while what the reports count stays."""

import io
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from crm.audit.models import AuditEntry
from crm.auth.models import Role, User
from crm.common.text import fold
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db as _db
from crm.followups import services as followup_services
from crm.followups.models import FollowUp
from crm.forums.models import Participation
from crm.funding import services as funding_services
from crm.impact import services as impact_services
from crm.imports import services as import_services
from crm.imports.models import ImportJob, ImportRow
from crm.interactions import services as interaction_services
from crm.interactions.models import Interaction, InteractionKind
from crm.invitations.models import Invitation
from crm.organizations.models import Membership
from crm.people import services as people_services
from crm.people.models import Gender, Person
from crm.privacy import import_files
from crm.privacy.anonymize import anonymize_person
from crm.privacy.models import Consent, ConsentPurpose
from crm.privacy.sweep import MARK, Traces
from crm.search.models import SearchToken
from tests.factories import (
    make_followup,
    make_forum,
    make_membership,
    make_opportunity,
    make_organization,
    make_participation,
    make_person,
    make_project,
    make_user,
)
from tests.privacy.helpers import link_account, make_consent, text

FIRST, LAST, ARABIC = "Ghizlane", "Oulad Bensaïd", "غزلان أولاد بنسعيد"
EMAIL, PHONE = "ghizlane.bensaid@example.ma", "+212661778899"
PHONE_FORMS = [PHONE, "212661778899", "0661778899", "0661-778899", "06 61 77 88 99",
               "06.61.77.88.99", "+212 661-778899"]
# as typed, and as folded for tags and search keys ("ghizlane oulad bensaid")
NEEDLES = [f"{FIRST} {LAST}", f"{LAST} {FIRST}", ARABIC, EMAIL, *PHONE_FORMS,
           fold(f"{FIRST} {LAST}"), fold(f"{LAST} {FIRST}")]
ATTENDEES = (
    "Prénom;Nom;Email;Téléphone;Organisation;Atelier\r\n"
    f"{FIRST};OULAD BENSAÏD;Ghizlane.Bensaid@Example.ma;06 61 77 88 99;"
    "Coopérative Argane Tiznit;Atelier A\r\n"
    "Karim;Lahlou;karim.lahlou@example.ma;0662112233;Association Amal;Atelier A\r\n"
)


def _traces_in(value: str) -> list[str]:
    folded = " ".join(value.split()).casefold()
    return [n for n in NEEDLES if n.casefold() in folded]


def _every_trace(db) -> list[tuple]:
    """(table, column, needle) for every text or JSON value, JSON read both as stored text
    and decoded, and the stored attendee files, that still holds an identifier."""
    found = []
    for table in _db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.JSON):
                as_text = db.session.scalars(sa.select(sa.cast(column, sa.Text))).all()
                decoded = db.session.scalars(sa.select(column)).all()
                values = [v for v in as_text if v] + [
                    json.dumps(v, ensure_ascii=False) for v in decoded if v is not None]
            elif isinstance(column.type, sa.String):
                values = [v for v in db.session.scalars(sa.select(column)) if v]
            elif isinstance(column.type, sa.LargeBinary):
                values = [v.decode("utf-8-sig", errors="replace")
                          for v in db.session.scalars(sa.select(column)) if v]
            else:
                continue
            found += [(table.name, column.name, n) for v in values for n in _traces_in(v)]
    return found


def _import_attendees(officer, forum, content: bytes = ATTENDEES.encode("utf-8")):
    job = import_services.start_import(officer, forum, "attendees.csv", content)
    import_services.confirm_mapping(officer, job, {"first_name": 0, "last_name": 1,
                                                   "email": 2, "phone": 3,
                                                   "organization": 4, "workshop": 5})
    import_services.run_import(officer, _db.session.get(ImportJob, job.id))
    return job.id


@pytest.fixture
def scene(app):
    """A person with a distinctive name linked to everything, and a control person."""
    admin, officer = make_user(Role.ADMIN), make_user(Role.OFFICER)
    colleague = make_user(Role.OFFICER, full_name=f"{FIRST} Alaoui")  # shares a first name
    person = make_person(officer, first_name=FIRST, last_name=LAST, name_arabic=ARABIC,
                         email=EMAIL, phone="0661-778899", gender=Gender.WOMAN,
                         city="Ouarzazate", notes=f"Rencontrée au forum: {FIRST} {LAST}",
                         tag_names=["Forum 2024"])
    people_services.update_person(officer, person, person.version, first_name=FIRST,
                                  last_name=LAST, name_arabic=ARABIC, email=EMAIL,
                                  phone="0661778899", gender=Gender.WOMAN, city="Zagora",
                                  region=None, notes=person.notes)
    control = make_person(officer, first_name="Omar", last_name="Bensaïd",
                          email="omar.bensaid@example.ma", phone="0662334455")
    # two tags whose unique keys would both become "[anonymized]"
    organization = make_organization(officer, name="Coopérative Argane Tiznit",
                                     tag_names=[f"{FIRST} {LAST}", f"{LAST} {FIRST}"])
    project = make_project(officer, organization=organization, officer=officer,
                           name="Huile d'argan solidaire")
    make_membership(organization, person, "founder", actor=officer)
    make_membership(organization, control, actor=officer)
    jobs = impact_services.get_indicator("jobs")
    impact_services.record_measurement(officer, project, jobs, date(2024, 1, 1),
                                       date(2024, 6, 30), "12",
                                       note=f"Déclaré par {FIRST} {LAST}")
    make_opportunity(project=project, actor=officer, status="committed", requested="150000",
                     committed="100000", notes=f"Contact: {EMAIL}")
    make_followup(officer, title=f"Appeler {FIRST} {LAST}", person=person, actor=officer)
    done = make_followup(officer, title=f"Rencontrer {LAST.upper()} {FIRST}", person=person,
                         actor=officer)
    followup_services.complete_followup(officer, done, f"Vu {ARABIC}, tél 06 61 77 88 99")
    make_followup(officer, title=f"Envoyer le dossier à {EMAIL}", organization=organization,
                  actor=officer)
    interaction_services.log_interaction(
        officer, InteractionKind.MEETING, date(2024, 10, 17),
        f"Rencontre avec {FIRST.upper()} {LAST.upper()}", notes=f"Son numéro: {PHONE}",
        person=person)
    interaction_services.log_interaction(officer, InteractionKind.CALL, date(2024, 10, 18),
                                         "Appel à Omar Bensaïd", person=control)
    forum = make_forum(officer)
    make_participation(forum.sessions[0], person, "speaker", actor=officer)
    make_consent(person, ConsentPurpose.MEDIA, actor=officer, detail=f"Fiche de {FIRST} {LAST}")
    _import_attendees(officer, forum)
    # a file not imported yet, whose line was never linked to the person
    import_services.start_import(officer, forum, "inscrits.csv", (
        f"Nom complet;Courriel\r\n{LAST.upper()} {FIRST};{EMAIL}\r\nSara Idrissi;s@x.ma\r\n"
    ).encode("cp1252"))
    account = make_user(Role.INNOVATOR, email=EMAIL, full_name=f"{FIRST} {LAST}")
    link_account(account, person)
    _db.session.add(Invitation(person_id=person.id, email=EMAIL, nonce="n" * 32,
                               invited_by_id=officer.id,
                               expires_at=utcnow() + timedelta(days=7)))
    _db.session.commit()
    return {"admin": admin, "officer": officer, "colleague": colleague, "person": person,
            "control": control, "project": project, "organization": organization,
            "account": account}


def _figures(db, scene) -> dict:
    person_id, project_id = scene["person"].id, scene["project"].id

    def count(model, *where):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    statuses = db.session.execute(sa.select(FollowUp.status, sa.func.count())
                                  .group_by(FollowUp.status)).all()
    return {
        "impact": {i.code: v for i, v in impact_services.totals([project_id]).items()},
        "funding": funding_services.totals("status", project_id=project_id),
        "followups": sorted((s.value, n) for s, n in statuses),
        "memberships": count(Membership, Membership.person_id == person_id),
        "participations": count(Participation, Participation.person_id == person_id),
        "interactions": count(Interaction, Interaction.person_id == person_id),
        "consents": [(c.purpose, c.given_on) for c in db.session.scalars(
            sa.select(Consent).where(Consent.person_id == person_id))],
        "people": count(Person),
        "women": count(Person, Person.gender == Gender.WOMAN),
    }


def test_the_scene_holds_the_traces_the_test_looks_for(db, scene):
    tables = {table for table, _column, _needle in _every_trace(db)}
    assert {"people", "users", "follow_ups", "interactions", "audit_entries", "import_rows",
            "import_jobs", "invitations", "consents", "measurements",
            "funding_opportunities", "search_tokens", "tags"} <= tables
    row = db.session.scalar(sa.select(ImportRow).where(
        ImportRow.person_id == scene["person"].id))
    assert row is not None and row.raw[0] == FIRST


def test_anonymization_leaves_no_trace_anywhere_and_keeps_the_totals(db, scene):
    before = _figures(db, scene)
    replaced = anonymize_person(scene["admin"], scene["person"])
    db.session.expire_all()

    assert _every_trace(db) == []
    assert replaced > 0
    assert _figures(db, scene) == before


def test_the_record_keeps_gender_and_region_and_loses_everything_else(db, scene):
    anonymize_person(scene["admin"], scene["person"])
    db.session.expire_all()
    person = db.session.get(Person, scene["person"].id)
    assert (person.first_name, person.last_name, person.name_arabic) == ("", "", "")
    assert (person.email, person.phone, person.city, person.notes) == (None, None, "", "")
    assert person.tags == [] and person.gender == Gender.WOMAN
    assert person.anonymized_at is not None and person.display_name == "Anonymized person"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchToken).where(
        SearchToken.entity_type == "person", SearchToken.entity_id == person.id)) == 0
    assert people_services.search_people("Ghizlane") == []


def test_the_account_is_closed_and_the_invitations_deleted(db, scene, client):
    account_id = scene["account"].id
    anonymize_person(scene["admin"], scene["person"])
    db.session.expire_all()
    account = db.session.get(User, account_id)
    assert account.email == f"anonymized-{account_id}@invalid" and account.full_name == ""
    assert not account.active and account.session_epoch == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
    from tests.factories import PASSWORD

    for email in (EMAIL, account.email):
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 200  # refused: the login page again


def test_the_history_keeps_who_when_and_what_but_not_the_values(db, scene):
    person_id, officer_id = scene["person"].id, scene["officer"].id
    anonymize_person(scene["admin"], scene["person"])
    db.session.expire_all()
    entries = list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.entity_type == "person", AuditEntry.entity_id == person_id)
        .order_by(AuditEntry.id)))
    assert [e.action for e in entries][:3] == ["create", "update", "consent_given"]
    created = entries[0]
    assert created.actor_id == officer_id
    assert created.changes["first_name"] == [None, MARK]
    assert set(created.changes) >= {"first_name", "last_name", "email", "phone"}
    last = entries[-1]
    assert (last.action, last.actor_id) == ("anonymize", scene["admin"].id)
    assert set(last.changes) == {"traces_removed"}


def test_other_people_and_shared_words_are_left_alone(db, scene):
    anonymize_person(scene["admin"], scene["person"])
    db.session.expire_all()
    control = db.session.get(Person, scene["control"].id)
    assert (control.first_name, control.last_name) == ("Omar", "Bensaïd")
    assert control.email == "omar.bensaid@example.ma" and control.phone == "+212662334455"
    assert db.session.get(User, scene["colleague"].id).full_name == f"{FIRST} Alaoui"
    summaries = set(db.session.scalars(sa.select(Interaction.summary)))
    assert "Appel à Omar Bensaïd" in summaries
    assert f"Rencontre avec {MARK}" in summaries
    rows = list(db.session.scalars(sa.select(ImportRow).order_by(ImportRow.line)))
    assert rows[1].raw[:2] == ["Karim", "Lahlou"]
    assert rows[0].raw[:4] == [MARK] * 4 and rows[0].raw[4] == "Coopérative Argane Tiznit"
    content = db.session.scalar(sa.select(ImportJob.content)).decode("utf-8-sig")
    assert "Karim;Lahlou;karim.lahlou@example.ma" in content and FIRST not in content


def test_anonymizing_twice_is_refused(db, scene):
    anonymize_person(scene["admin"], scene["person"])
    db.session.expire_all()
    person = db.session.get(Person, scene["person"].id)
    with pytest.raises(ServiceError):
        anonymize_person(scene["admin"], person)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.INNOVATOR])
def test_only_an_administrator_may_anonymize_in_the_service(db, scene, role):
    with pytest.raises(ServiceError):
        anonymize_person(make_user(role), scene["person"])
    db.session.expire_all()
    assert db.session.get(Person, scene["person"].id).first_name == FIRST


def test_records_merged_into_the_person_are_anonymized_with_it(app, db):
    admin = make_user(Role.ADMIN)
    survivor = make_person(first_name=FIRST, last_name=LAST, email=EMAIL)
    duplicate = make_person(first_name="G.", last_name=LAST, name_arabic=ARABIC,
                            phone=PHONE)
    people_services.merge_people(admin, survivor, duplicate)
    with pytest.raises(ServiceError):  # the merged-away record is not the one to anonymize
        anonymize_person(admin, db.session.get(Person, duplicate.id))
    anonymize_person(admin, db.session.get(Person, survivor.id))
    db.session.expire_all()
    assert db.session.get(Person, duplicate.id).anonymized_at is not None
    assert _every_trace(db) == []


def test_a_person_known_by_one_name_only_does_not_wipe_that_name_elsewhere(app, db):
    admin = make_user(Role.ADMIN)
    person = people_services.create_person(None, first_name="", last_name="Bensaïd",
                                           email="b@example.ma")
    other = make_person(first_name="Omar", last_name="Bensaïd")
    anonymize_person(admin, person)
    db.session.expire_all()
    assert db.session.get(Person, other.id).last_name == "Bensaïd"


def test_an_excel_attendee_file_is_rewritten_without_the_person(app):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Prénom", "Nom", "Email", "Remarque"])
    sheet.append([FIRST, "OULAD BENSAÏD", EMAIL, "ok"])
    sheet.append(["Karim", "Lahlou", "karim@example.ma", f"cousin de {FIRST} {LAST}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    traces = Traces()
    traces.add_person(FIRST, LAST, ARABIC, EMAIL, PHONE)
    content = import_files.scrubbed("liste.xlsx", buffer.getvalue(), {2}, {0, 1, 2},
                                    traces.pattern())
    rows = [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(
        values_only=True)]
    assert rows[0] == ["Prénom", "Nom", "Email", "Remarque"]
    assert rows[1] == [MARK, MARK, MARK, "ok"]
    assert rows[2] == ["Karim", "Lahlou", "karim@example.ma", f"cousin de {MARK}"]


def test_a_csv_file_is_rewritten_only_when_it_holds_the_person(app):
    traces = Traces()
    traces.add_person(FIRST, LAST, ARABIC, EMAIL, PHONE)
    content = b"Nom;Email\r\nLahlou;karim@example.ma\r\n"
    assert import_files.scrubbed("a.csv", content, set(), set(), traces.pattern()) is None
    theirs = f"Nom;Email\r\nLahlou;{EMAIL.upper()}\r\n".encode()
    scrubbed = import_files.scrubbed("a.csv", theirs, set(), set(), traces.pattern())
    assert scrubbed == f"Nom;Email\r\nLahlou;{MARK}\r\n".encode("utf-8-sig")


@pytest.mark.parametrize("written", PHONE_FORMS + ["00212 661 77 88 99", "+212 (0)6 61 77 88 99"])
def test_phone_numbers_are_found_however_they_are_written(written):
    traces = Traces()
    traces.add_person(FIRST, LAST, "", None, PHONE)
    assert traces.pattern().sub(MARK, f"tél: {written}.") == f"tél: {MARK}."
    assert traces.pattern().sub(MARK, "ref 90661778899") == "ref 90661778899"


# --- the screens ---------------------------------------------------------------------------


def _login(client, user):
    from tests.factories import sign_in

    response = sign_in(client, user)  # an admin: the password, then the code
    assert response.status_code == 302


def test_an_admin_confirms_then_anonymizes_from_the_person_page(client, db, scene):
    _login(client, scene["admin"])
    person_id = scene["person"].id
    page = text(client.get(f"/people/{person_id}"))
    assert f'href="/people/{person_id}/anonymize"' in page

    page = text(client.get(f"/people/{person_id}/anonymize"))
    assert f"{FIRST} {LAST}" in page and EMAIL in page and "06 61 77 88 99" in page
    assert "This cannot be undone." in page and "What will be kept" in page
    assert f'action="/people/{person_id}/anonymize"' in page
    db.session.expire_all()
    assert db.session.get(Person, person_id).anonymized_at is None  # the page changed nothing

    response = client.post(f"/people/{person_id}/anonymize")
    assert response.status_code == 302 and response.location.endswith(f"/people/{person_id}")
    page = text(client.get(f"/people/{person_id}"))
    assert "Anonymized person" in page and "This person was anonymized on" in page
    assert "their identifiers were removed everywhere" in page
    assert FIRST not in page.replace(f"{FIRST} Alaoui", "") and EMAIL not in page
    assert f'href="/people/{person_id}/anonymize"' not in page


def test_a_second_anonymization_is_refused_on_the_screen(client, db, scene):
    _login(client, scene["admin"])
    person_id = scene["person"].id
    client.post(f"/people/{person_id}/anonymize")
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    response = client.post(f"/people/{person_id}/anonymize")
    assert response.status_code == 200
    assert "This person was already anonymized." in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == entries


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.INNOVATOR])
def test_other_roles_get_404_on_the_anonymize_page_and_post(client, login_as, db, scene, role):
    login_as(role)
    person_id = scene["person"].id
    assert client.get(f"/people/{person_id}/anonymize").status_code == 404
    assert client.post(f"/people/{person_id}/anonymize").status_code == 404
    db.session.expire_all()
    assert db.session.get(Person, person_id).first_name == FIRST
    if role != Role.INNOVATOR:
        assert "/anonymize" not in text(client.get(f"/people/{person_id}"))


def test_an_unknown_person_is_404_on_the_anonymize_page(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/people/9999/anonymize").status_code == 404
    assert client.post("/people/9999/anonymize").status_code == 404


def test_a_failure_half_way_changes_nothing(db, scene, monkeypatch):
    from crm.privacy import anonymize

    def broken(traces, person_ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(anonymize, "sweep", broken)
    with pytest.raises(RuntimeError):
        anonymize_person(scene["admin"], scene["person"])
    db.session.expire_all()
    person = db.session.get(Person, scene["person"].id)
    assert (person.first_name, person.email, person.anonymized_at) == (FIRST, EMAIL, None)
    assert db.session.get(User, scene["account"].id).active
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchToken).where(
        SearchToken.entity_type == "person", SearchToken.entity_id == person.id)) > 0


def test_the_person_s_documents_and_applications_keep_nothing_of_them(db, scene, app, tmp_path):
    from werkzeug.datastructures import FileStorage

    from crm.calls import services as call_services
    from crm.calls.models import Application
    from crm.documents import services as document_services
    from crm.documents.models import Document
    from tests.factories import application_data, make_call

    app.config["DOCUMENTS_FOLDER"] = str(tmp_path)
    document = document_services.attach(scene["officer"], scene["person"], FileStorage(
        io.BytesIO(b"%PDF-1.4\n%%EOF\n"), f"CV {FIRST} {LAST}.pdf"))
    call = make_call(scene["officer"])
    details = {k: v for k, v in application_data(call).items()
               if k in call_services.APPLICANT_FIELDS}
    details.update(first_name=FIRST, last_name=LAST, name_arabic=ARABIC, email=EMAIL,
                   phone=PHONE)
    call_services.submit_application(call, details, {}, language="fr", notice_version="1",
                                     address="", today=call.opens_on)
    key = document.key
    anonymize_person(scene["admin"], scene["person"])
    db.session.expire_all()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0
    assert not any(path.name == key for path in tmp_path.rglob("*"))
    application = db.session.scalar(sa.select(Application))
    assert EMAIL not in (application.email, application.first_name, application.last_name)
    assert _every_trace(db) == []
