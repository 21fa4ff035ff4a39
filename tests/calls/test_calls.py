"""Calls for applications: the staff write a call and its questions, publish it, and anyone
files an application on its public page, then sees and changes it through a private link."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest

from crm.auth.models import Role
from crm.calls import services
from crm.calls.models import Answer, Application, Call, CallQuestion, QuestionKind
from crm.common.time import local_today
from crm.documents.models import Document
from crm.extensions import db
from tests.factories import application_data, make_call, make_user


def test_an_officer_writes_a_call_and_its_questions_then_publishes_it(client, login_as):
    officer = login_as(Role.OFFICER)
    today = local_today()
    response = client.post("/calls/new", data={
        "title_fr": "Appel Prix Jeunes 2027", "title_ar": "جائزة الشباب 2027", "title_en": "",
        "text_fr": "Un prix pour les jeunes.", "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=20)).isoformat(), "forum_id": "", "cohort": "2027"})
    assert response.status_code == 302
    call = db.session.scalar(db.select(Call))
    assert call.slug == "appel-prix-jeunes-2027" and call.created_by_id == officer.id
    assert not call.published

    refused = client.post(f"/calls/{call.id}/publish", data={"published": "1"},
                          follow_redirects=True)
    assert "Add at least one question before publishing the call." in refused.text
    assert client.get("/apply/appel-prix-jeunes-2027").status_code == 404

    response = client.post(f"/calls/{call.id}/questions", data={
        "kind": "choice", "label_fr": "Secteur", "choices_fr": "Agriculture\nArtisanat",
        "choices_ar": "فلاحة"})
    assert response.status_code == 422
    assert "Give the same number of options in each language" in response.text
    client.post(f"/calls/{call.id}/questions", data={
        "kind": "choice", "required": "y", "label_fr": "Secteur", "label_en": "Sector",
        "choices_fr": "Agriculture\nArtisanat", "choices_en": "Farming\nCrafts"})
    client.post(f"/calls/{call.id}/questions", data={"kind": "number", "label_fr": "Budget"})
    client.post(f"/calls/{call.id}/publish", data={"published": "1"})
    db.session.refresh(call)
    assert call.published and [q.kind for q in call.questions] == [QuestionKind.CHOICE,
                                                                     QuestionKind.NUMBER]
    sector, budget = call.questions
    client.post(f"/calls/{call.id}/questions/{budget.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [q.id for q in db.session.get(Call, call.id).questions] == [budget.id, sector.id]

    page = client.get("/apply/appel-prix-jeunes-2027")
    assert page.status_code == 200
    assert "Appel Prix Jeunes 2027" in page.text and "Farming" in page.text


def test_a_call_refuses_bad_dates_and_an_empty_title_with_clear_messages(client, login_as):
    login_as(Role.OFFICER)
    response = client.post("/calls/new", data={
        "title_fr": "", "opens_on": "2027-02-01", "closes_on": "2027-01-01", "forum_id": ""})
    assert response.status_code == 200
    assert "Give the call a title in at least one language." in response.text
    response = client.post("/calls/new", data={
        "title_fr": "Appel", "opens_on": "2027-02-01", "closes_on": "2027-01-01",
        "forum_id": ""})
    assert "The call cannot close before it opens." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Call)) == 0


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR])
def test_only_officers_and_admins_write_calls(client, login_as, role):
    call = make_call()
    login_as(role)
    assert client.post("/calls/new", data={"title_fr": "X"}).status_code in (403, 404)
    assert client.post(f"/calls/{call.id}/publish", data={"published": "0"}).status_code in (
        403, 404)
    db.session.refresh(call)
    assert call.published
    expected = 200 if role == Role.MANAGER else 404
    assert client.get(f"/calls/{call.id}").status_code in ((200,) if role == Role.MANAGER
                                                             else (403, 404))
    assert expected


def test_anyone_files_an_application_and_gets_a_private_link_by_email(client, smtp_server):
    call = make_call()
    response = client.post(f"/apply/{call.slug}", data=application_data(call),
                           headers={"Accept-Language": "ar"})
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application))
    assert application.email == "salma@example.org" and application.phone == "+212612345678"
    assert application.language == "ar" and application.notice_version == "2026-12"
    assert application.consent_given_at is not None
    answers = {a.question.label_fr: a.value for a in application.answers}
    assert answers == {"Décrivez le problème": "Les femmes du douar n'ont pas de revenu.",
                       "Stade": "2"}

    (message,) = smtp_server.messages
    assert message["To"].addresses[0].addr_spec == "salma@example.org"
    body = message.get_content()
    assert "نداء الاحتضان 2027" in body
    link = next(line for line in body.splitlines() if "/apply/application/" in line)
    token = link.rsplit("/", 1)[1]
    assert token not in application.access_digest  # only its hash is kept
    assert response.headers["Location"].startswith(f"/apply/application/{token}")

    page = client.get(f"/apply/application/{token}?filed=1")
    assert page.status_code == 200 and "Atelier couture" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/apply/application/" + "x" * 43).status_code == 404


def test_the_applicant_changes_the_application_until_the_call_closes(client, app):
    call = make_call()
    filed = services.submit_application(
        call, {**{k: "" for k in services.APPLICANT_FIELDS}, "first_name": "Salma",
               "email": "s@example.org", "phone": None, "organization_name": "Tamkine",
               "organization_kind": "association", "region": None,
               "project_name": "Couture"},
        {call.questions[0].id: "Pas de revenu"}, language="fr", notice_version="2026-12",
        address="127.0.0.1", today=local_today())
    data = application_data(call, project_name="Couture solidaire", version="1")
    del data["consent"]
    response = client.post(f"/apply/application/{filed.token}", data=data)
    assert response.status_code == 302
    db.session.refresh(filed.application)
    assert filed.application.project_name == "Couture solidaire"
    assert filed.application.answer_to(call.questions[1]).value == "2"

    call.closes_on = local_today() - timedelta(days=1)
    call.opens_on = call.closes_on - timedelta(days=10)
    db.session.commit()
    data.update(project_name="Trop tard", version=str(filed.application.version))
    response = client.post(f"/apply/application/{filed.token}", data=data)
    assert "This call is closed" in response.text
    db.session.refresh(filed.application)
    assert filed.application.project_name == "Couture solidaire"


def test_the_form_says_what_is_missing_and_keeps_what_was_typed(client):
    call = make_call()
    data = application_data(call, email="not-an-email", consent="")
    del data["consent"]
    data[f"answer_{call.questions[0].id}"] = ""
    response = client.post(f"/apply/{call.slug}", data=data)
    assert response.status_code == 422
    assert "This is not a valid email address." in response.text
    assert "Accept the privacy notice to file your application." in response.text
    assert "This field is required." in response.text
    assert "Atelier couture" in response.text  # nothing typed is lost
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0


def test_robots_filling_the_hidden_field_file_nothing(client):
    call = make_call()
    response = client.post(f"/apply/{call.slug}", data=application_data(
        call, website="http://spam.example"))
    assert response.status_code == 200 and "Application received" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0


def test_one_address_files_a_limited_number_of_applications_an_hour(client, app):
    app.config["APPLICATIONS_PER_HOUR"] = 2
    call = make_call()
    statuses = [client.post(f"/apply/{call.slug}", data=application_data(
        call, email=f"a{n}@example.org")).status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 2


def test_drafts_and_closed_calls_take_no_application(client):
    draft = make_call(published=False)
    assert client.get(f"/apply/{draft.slug}").status_code == 404
    today = local_today()
    closed = make_call(opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    page = client.get(f"/apply/{closed.slug}")
    assert page.status_code == 200 and "This call is closed" in page.text
    response = client.post(f"/apply/{closed.slug}", data=application_data(closed))
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0
    upcoming = make_call(opens_on=today + timedelta(days=3))
    assert "This call opens on" in client.get(f"/apply/{upcoming.slug}").text


def test_a_question_with_answers_cannot_be_removed(client, login_as):
    officer = login_as(Role.OFFICER)
    call = make_call(actor=officer)
    client.post(f"/apply/{call.slug}", data=application_data(call))
    problem = call.questions[0]
    response = client.post(f"/calls/{call.id}/questions/{problem.id}/remove",
                           follow_redirects=True)
    assert "This question already has answers" in response.text
    assert db.session.get(CallQuestion, problem.id) is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 2


def test_staff_read_the_applications_of_a_call(client, login_as):
    call = make_call()
    client.post(f"/apply/{call.slug}", data=application_data(call))
    application = db.session.scalar(db.select(Application))
    login_as(Role.MANAGER)
    page = client.get(f"/calls/{call.id}")
    assert "Salma Benali" in page.text
    detail = client.get(f"/calls/{call.id}/applications/{application.id}")
    assert detail.status_code == 200
    assert "Prototype" in detail.text and "Les femmes du douar" in detail.text
    other = make_call()
    assert client.get(f"/calls/{other.id}/applications/{application.id}").status_code == 404


def test_the_public_page_reads_in_arabic_right_to_left(client):
    call = make_call()
    page = client.get(f"/apply/{call.slug}", headers={"Accept-Language": "ar"})
    assert 'dir="rtl"' in page.text and "نداء الاحتضان 2027" in page.text
    assert "صف المشكلة" in page.text and "فكرة" in page.text


def test_the_database_holds_the_call_rules(app):
    call = make_call()
    call.closes_on = call.opens_on - timedelta(days=1)
    with pytest.raises(Exception):  # noqa: B017 - the engine's IntegrityError
        db.session.commit()
    db.session.rollback()
    assert date.today()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _call_with_a_file_question():
    officer = make_user(Role.OFFICER)
    call = make_call(actor=officer)
    question = services.add_question(officer, call, QuestionKind.FILE, True, {
        "label_fr": "Statuts de l'association", "label_en": "Articles of association"})
    return call, question


def _post(client, url, data, files):
    return client.post(url, data={**data, **files}, content_type="multipart/form-data")


def _stored(app) -> list:
    folder = Path(app.config["DOCUMENTS_FOLDER"])
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_a_file_question_takes_a_document_and_refuses_anything_else(client, app, tmp_path):
    app.config["DOCUMENTS_FOLDER"] = str(tmp_path)
    call, question = _call_with_a_file_question()
    name = f"answer_{question.id}"
    missing = _post(client, f"/apply/{call.slug}", application_data(call), {})
    assert missing.status_code == 422 and "This field is required." in missing.text
    html = b"<html><script>alert(1)</script></html>"
    refused = _post(client, f"/apply/{call.slug}", application_data(call),
                    {name: (io.BytesIO(html), "statuts.pdf")})
    assert refused.status_code == 422 and "This kind of file is not accepted" in refused.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0
    assert _stored(app) == []

    filed = _post(client, f"/apply/{call.slug}", application_data(call),
                  {name: (io.BytesIO(PDF), "../statuts.pdf")})
    assert filed.status_code == 302
    document = db.session.scalar(db.select(Document))
    application = db.session.scalar(db.select(Application))
    assert (document.application_id, document.question_id, document.filename) == (
        application.id, question.id, "statuts.pdf")
    assert _stored(app) == [document.key]
    token = filed.headers["Location"].split("/")[-1].split("?")[0]
    own = client.get(f"/apply/application/{token}/documents/{document.id}")
    assert own.data == PDF and own.headers["Content-Disposition"].startswith("attachment")

    other = services.submit_application(
        call, {**{k: "" for k in services.APPLICANT_FIELDS}, "first_name": "Omar",
               "email": "o@example.org", "phone": None, "organization_name": "X",
               "organization_kind": "association", "region": None, "project_name": "Y"},
        {}, language="fr", notice_version="1", address="", today=local_today())
    assert client.get(
        f"/apply/application/{other.token}/documents/{document.id}").status_code == 404


def test_a_new_file_replaces_the_old_one_and_no_file_keeps_it(client, app, tmp_path, login_as):
    app.config["DOCUMENTS_FOLDER"] = str(tmp_path)
    call, question = _call_with_a_file_question()
    name = f"answer_{question.id}"
    filed = _post(client, f"/apply/{call.slug}", application_data(call),
                  {name: (io.BytesIO(PDF), "v1.pdf")})
    token = filed.headers["Location"].split("/")[-1].split("?")[0]
    data = application_data(call, version="1")
    del data["consent"]
    assert _post(client, f"/apply/application/{token}", data, {}).status_code == 302
    assert [d.filename for d in db.session.scalars(db.select(Document))] == ["v1.pdf"]
    data["version"] = str(db.session.scalar(db.select(Application.version)))
    replaced = _post(client, f"/apply/application/{token}", data,
                     {name: (io.BytesIO(PDF + b"%v2"), "v2.pdf")})
    assert replaced.status_code == 302
    (document,) = db.session.scalars(db.select(Document))
    assert document.filename == "v2.pdf" and _stored(app) == [document.key]

    login_as(Role.OFFICER)
    application = db.session.scalar(db.select(Application))
    page = client.get(f"/calls/{call.id}/applications/{application.id}")
    assert "v2.pdf" in page.text and f"/documents/{document.id}" in page.text
    assert client.get(f"/documents/{document.id}").data == PDF + b"%v2"
    client.post(f"/calls/{call.id}/applications/{application.id}/decision",
                data={"decision": "accept"})
    db.session.refresh(application)
    project_page = client.get(f"/projects/{application.project_id}").text
    assert "v2.pdf" in project_page and f"/documents/{document.id}" in project_page


def test_hostile_input_on_the_public_form_is_a_clear_error_never_a_500(client):
    officer = make_user(Role.OFFICER)
    call = make_call(actor=officer)
    number = services.add_question(officer, call, QuestionKind.NUMBER, False,
                                   {"label_fr": "Emplois"})
    date_question = services.add_question(officer, call, QuestionKind.DATE, False,
                                          {"label_fr": "Création"})
    data = application_data(call, first_name="Sal\x00ma", **{
        f"answer_{number.id}": "9" * 40, f"answer_{date_question.id}": "2024-02-31",
        f"answer_{call.questions[1].id}": "99999999999999999999", "region": "mars",
        "organization_kind": "\x00"})
    response = client.post(f"/apply/{call.slug}", data=data)
    assert response.status_code == 422
    assert "This text contains a character that is not allowed." in response.text
    assert "Enter a number of at most" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0
    assert client.get(f"/apply/{'x' * 500}").status_code == 404
    assert client.get("/apply/application/%00").status_code in (400, 404)
    assert client.get(f"/calls/{'9' * 30}").status_code in (302, 404)


def test_an_innovator_sees_their_own_applications_in_the_portal(world, log_in):
    call = make_call()
    mine = application_data(call, email=world.a.person.email.upper(), project_name="Mon four")
    theirs = application_data(call, email=world.b.person.email, project_name="Leur four")
    for data in (mine, theirs):
        details = {k: v for k, v in data.items() if k in services.APPLICANT_FIELDS}
        services.submit_application(call, details | {"phone": None}, {}, language="fr",
                                    notice_version="1", address="", today=local_today())
    page = log_in(world.a.user).get("/").text
    assert "Your applications" in page and "Mon four" in page and "Leur four" not in page
