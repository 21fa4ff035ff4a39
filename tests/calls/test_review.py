"""Reviewing and deciding: a rubric, reviewers who score without seeing each other until they
submit, a ranking by weighted score, and decisions that turn an application into a project."""

import pytest

from crm.auth.models import Role, User
from crm.calls import review, services
from crm.calls.models import Application, ApplicationStatus, QuestionKind, Review
from crm.common.time import local_today
from crm.extensions import db
from crm.organizations.models import Organization
from crm.people.models import Person
from crm.privacy.models import Consent, ConsentSource
from crm.projects.models import Project
from tests.factories import (
    PASSWORD,
    application_data,
    make_call,
    make_organization,
    make_person,
    make_user,
)


def _file(call, **details):
    data = {k: v for k, v in application_data(call).items() if k in services.APPLICANT_FIELDS}
    data.update(phone=None, **details)
    return services.submit_application(call, data, {}, language="ar", notice_version="2026-12",
                                       address="", today=local_today()).application


def _rubric(officer, call):
    review.add_criterion(officer, call, {"label_fr": "Impact", "weight": 3, "scale_max": 5})
    review.add_criterion(officer, call, {"label_fr": "Équipe", "weight": 1, "scale_max": 10})
    return call.criteria


def _client(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email,
                                       "password": PASSWORD}).status_code == 302
    return client


def test_the_weighted_score_puts_each_criterion_on_its_scale(app):
    officer = make_user(Role.OFFICER)
    call = make_call(officer)
    impact, team = _rubric(officer, call)
    application = _file(call)
    mine = review.assign(officer, application, officer)
    review.submit_review(mine, call.criteria, {impact.id: 5, team.id: 0}, "", False)
    # impact 5 on 1..5 is 100%, team 0 on 0..10 is 0%: (3 * 100 + 1 * 0) / 4
    assert review.weighted_score(mine, call.criteria) == 75


def test_two_reviewers_score_blind_and_the_call_ranks_the_applications(app):
    officer, first, second = (make_user(Role.OFFICER) for _ in range(3))
    call = make_call(officer)
    impact, team = _rubric(officer, call)
    strong, weak = _file(call, first_name="Salma"), _file(call, first_name="Omar",
                                                         email="omar@example.org")
    client = _client(app, officer)
    for application in (strong, weak):
        for reviewer in (first, second):
            response = client.post(
                f"/calls/{call.id}/applications/{application.id}/reviewers",
                data={"reviewer_id": str(reviewer.id)})
            assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Review)) == 4

    first_client, second_client = _client(app, first), _client(app, second)
    url = f"/calls/{call.id}/applications/{strong.id}/review"
    response = first_client.post(url, data={f"score_{impact.id}": "5", f"score_{team.id}": "8",
                                            "comment": "Très solide"})
    assert response.status_code == 302
    page = second_client.get(f"/calls/{call.id}/applications/{strong.id}").text
    assert "Très solide" not in page and "shown once you submit your own" in page
    assert "shown once you submit your review" in second_client.get(f"/calls/{call.id}").text
    incomplete = second_client.post(url, data={f"score_{impact.id}": "4"})
    assert incomplete.status_code == 422 and "Score every criterion." in incomplete.text
    second_client.post(url, data={f"score_{impact.id}": "4", f"score_{team.id}": "6"})
    assert "Très solide" in second_client.get(f"/calls/{call.id}/applications/{strong.id}").text
    assert second_client.post(url, data={f"score_{impact.id}": "1", f"score_{team.id}": "1"}
                              ).status_code == 200  # submitted once: nothing changes
    weak_url = f"/calls/{call.id}/applications/{weak.id}/review"
    first_client.post(weak_url, data={f"score_{impact.id}": "2", f"score_{team.id}": "3"})
    second_client.post(weak_url, data={"conflict": "y"})

    ranked = review.ranking(call)
    assert [row.application.id for row in ranked] == [strong.id, weak.id]
    assert ranked[0].score == pytest.approx((95 + 71.25) / 2) and ranked[0].spread > 0
    assert (ranked[1].conflicts, ranked[1].missing, len(ranked[1].scores)) == (1, 0, 1)
    assert "Salma" in client.get(f"/calls/{call.id}").text


def test_only_the_assigned_reviewers_score_an_application(app, client, login_as):
    officer = make_user(Role.OFFICER)
    call = make_call(officer)
    application = _file(call)
    login_as(Role.OFFICER)
    url = f"/calls/{call.id}/applications/{application.id}/review"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"comment": "x"}).status_code == 404
    login_as(Role.MANAGER)
    assert client.get(url).status_code == 404
    assert db.session.scalar(db.select(Review.id)) is None


def test_accepting_creates_the_project_at_applied_with_the_known_person(app, client, login_as):
    officer = login_as(Role.OFFICER)
    known = make_person(officer, first_name="Salma", last_name="Benali",
                        email="salma@example.org")
    organization = make_organization(officer, name="Association Tamkine")
    call = make_call(officer)
    application = _file(call)
    response = client.post(f"/calls/{call.id}/applications/{application.id}/decision",
                           data={"decision": "accept"}, follow_redirects=True)
    assert "The decision was recorded." in response.text
    db.session.refresh(application)
    assert application.status == ApplicationStatus.ACCEPTED
    assert (application.person_id, application.organization_id) == (known.id, organization.id)
    project = db.session.get(Project, application.project_id)
    assert project.stage.code == "applied" and project.name == "Atelier couture"
    assert project.cohort_name == "2027" and project.officer_id == officer.id
    assert db.session.scalar(db.select(db.func.count()).select_from(Person)) == 1
    consent = db.session.scalar(db.select(Consent).where(Consent.person_id == known.id))
    assert consent.source == ConsentSource.APPLICATION
    board = client.get("/pipeline").text
    assert "Atelier couture" in board
    assert "to the call" in client.get(f"/projects/{project.id}").text
    assert "created from this application" in client.get(
        f"/calls/{call.id}/applications/{application.id}").text
    again = client.post(f"/calls/{call.id}/applications/{application.id}/decision",
                        data={"decision": "reject", "reason": "x"}, follow_redirects=True)
    assert "already decided" in again.text


def test_a_new_applicant_becomes_a_new_person_and_organization(app, client, login_as):
    login_as(Role.OFFICER)
    call = make_call()
    application = _file(call, organization_name="Coopérative Argane Tiznit",
                        organization_name_arabic="تعاونية أركان تيزنيت")
    client.post(f"/calls/{call.id}/applications/{application.id}/decision",
                data={"decision": "accept"})
    organization = db.session.scalar(db.select(Organization))
    assert organization.name == "Coopérative Argane Tiznit"
    assert [m.person.email for m in organization.memberships] == ["salma@example.org"]
    # the emails the foundation sends them later are in the language they applied in
    assert organization.memberships[0].person.language == application.language


def test_rejecting_needs_a_reason_and_tells_the_applicant_in_their_language(
        app, client, login_as, smtp_server):
    login_as(Role.OFFICER)
    call = make_call()
    application = _file(call)
    url = f"/calls/{call.id}/applications/{application.id}/decision"
    response = client.post(url, data={"decision": "reject"}, follow_redirects=True)
    assert "Give the reason for the rejection." in response.text
    client.post(url, data={"decision": "reject", "reason": "Hors du territoire",
                           "notify": "y"})
    db.session.refresh(application)
    assert application.status == ApplicationStatus.REJECTED
    (message,) = smtp_server.messages
    body = message.get_content()
    assert "Hors du territoire" in body and "نداء الاحتضان 2027" in body
    assert message["Content-Language"] == "ar"


def test_bulk_decisions_skip_what_was_already_decided(app, client, login_as):
    login_as(Role.OFFICER)
    call = make_call()
    first, second = _file(call), _file(call, email="b@example.org")
    client.post(f"/calls/{call.id}/applications/{first.id}/decision",
                data={"decision": "waitlist"})
    page = client.post(f"/calls/{call.id}/decisions", data={
        "application_id": [str(first.id), str(second.id)], "decision": "waitlist"},
        follow_redirects=True)
    assert "1 application decided." in page.text and "1 was already decided" in page.text
    statuses = set(db.session.scalars(db.select(Application.status)))
    assert statuses == {ApplicationStatus.WAITLISTED}
    assert client.post(f"/calls/{call.id}/decisions", data={
        "application_id": ["x", "99999999999999"], "decision": "accept"}).status_code == 302


def test_managers_read_the_ranking_but_do_not_decide(app, client, login_as):
    call = make_call()
    application = _file(call)
    login_as(Role.MANAGER)
    assert client.get(f"/calls/{call.id}").status_code == 200
    response = client.post(f"/calls/{call.id}/applications/{application.id}/decision",
                           data={"decision": "accept"})
    assert response.status_code == 404
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_call_counts_its_applications_by_status_region_and_kind(app, client, login_as):
    officer = login_as(Role.OFFICER)
    call = make_call(officer)
    _file(call)
    _file(call, email="b@example.org", region=None, organization_kind="cooperative")
    rejected = _file(call, email="c@example.org")
    client.post(f"/calls/{call.id}/applications/{rejected.id}/decision",
                data={"decision": "reject", "reason": "Hors délai"})
    figures = services.figures(call.id)
    assert [(v.value, n) for v, n in figures["status"]] == [("submitted", 2), ("rejected", 1)]
    assert [(v and v.value, n) for v, n in figures["region"]] == [("souss-massa", 2), (None, 1)]
    assert [(v.value, n) for v, n in figures["kind"]] == [("association", 2), ("cooperative", 1)]
    page = client.get(f"/calls/{call.id}").text
    assert "By region" in page and "Souss-Massa" in page and "Not given" in page


def test_an_external_reviewer_is_invited_chooses_a_password_and_sees_only_their_applications(
        app, client, login_as, smtp_server):
    officer = login_as(Role.OFFICER)
    call = make_call(officer)
    impact, team = _rubric(officer, call)
    given, other = _file(call), _file(call, email="other@example.org", first_name="Omar")
    response = client.post(f"/calls/{call.id}/reviewers/invite", data={
        "full_name": "Leila Experte", "email": "leila@partner.org", "language": "fr"},
        follow_redirects=True)
    assert "Leila Experte was invited by email" in response.text
    reviewer = db.session.scalar(db.select(User).where(User.email == "leila@partner.org"))
    assert reviewer.role == Role.REVIEWER
    client.post(f"/calls/{call.id}/applications/{given.id}/reviewers",
                data={"reviewer_id": str(reviewer.id)})

    (message,) = smtp_server.messages
    link = next(line for line in message.get_content().splitlines() if "/password/" in line)
    guest = app.test_client()
    path = link.split("127.0.0.1:5000", 1)[1]
    chosen = guest.post(path, data={"password": "une-phrase-de-passe-longue",
                                    "confirm": "une-phrase-de-passe-longue"})
    assert chosen.status_code in (200, 302)
    guest.post("/login", data={"email": "leila@partner.org",
                               "password": "une-phrase-de-passe-longue"})
    home = guest.get("/").text
    assert "Mes évaluations" in home and given.display_name in home  # her language: French
    assert other.display_name not in home
    page = guest.get(f"/calls/{call.id}/applications/{given.id}").text
    assert "Atelier couture" in page and given.email not in page  # no contact details
    for url in (f"/calls/{call.id}/applications/{other.id}", f"/calls/{call.id}", "/calls",
                f"/calls/{call.id}/applications/{other.id}/review", "/projects", "/people"):
        assert guest.get(url).status_code == 404, url
    url = f"/calls/{call.id}/applications/{given.id}/review"
    assert guest.post(url, data={f"score_{impact.id}": "3", f"score_{team.id}": "7"}
                      ).status_code == 302
    assert db.session.scalar(db.select(Review.submitted_at).where(
        Review.reviewer_id == reviewer.id)) is not None


def test_an_invitation_that_cannot_be_sent_keeps_no_account(app, client, login_as):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there
    login_as(Role.OFFICER)
    call = make_call()
    response = client.post(f"/calls/{call.id}/reviewers/invite", data={
        "full_name": "Leila", "email": "leila@partner.org", "language": "ar"},
        follow_redirects=True)
    assert "Nothing was saved" in response.text
    assert db.session.scalar(db.select(User).where(User.email == "leila@partner.org")) is None


def test_an_external_reviewer_downloads_the_files_of_their_applications_only(app, client,
                                                                             tmp_path):
    from io import BytesIO

    from crm.documents.models import Document
    from tests.factories import application_data

    app.config["DOCUMENTS_FOLDER"] = str(tmp_path)
    officer = make_user(Role.OFFICER)
    call = make_call(officer)
    question = services.add_question(officer, call, QuestionKind.FILE, False,
                                     {"label_fr": "Statuts"})
    files = []
    for email in ("given@example.org", "other@example.org"):
        response = client.post(f"/apply/{call.slug}", content_type="multipart/form-data",
                               data={**application_data(call, email=email),
                                     f"answer_{question.id}": (BytesIO(b"%PDF-1.4\n%%EOF\n"),
                                                               "statuts.pdf")})
        assert response.status_code == 302
        files.append(db.session.scalar(db.select(Document).order_by(Document.id.desc())))
    given = db.session.get(Application, files[0].application_id)
    reviewer = make_user(Role.REVIEWER)
    review.assign(officer, given, reviewer)
    guest = _client(app, reviewer)
    assert guest.get(f"/documents/{files[0].id}").status_code == 200
    assert guest.get(f"/documents/{files[1].id}").status_code == 404
