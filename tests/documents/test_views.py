"""Documents on records: added by those who may edit the record, refused unless their content
is an accepted kind, always downloaded as attachments, each read logged, removed for good."""

import io
from pathlib import Path

import pytest

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.documents.models import Document
from crm.extensions import db
from tests.factories import make_organization, make_person, make_project, make_user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def folder(app, tmp_path) -> Path:
    app.config["DOCUMENTS_FOLDER"] = str(tmp_path / "documents")
    return tmp_path / "documents"


def stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def upload(client, url, content: bytes, name: str):
    return client.post(url, data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_an_officer_adds_a_document_and_the_team_downloads_it(client, login_as, folder):
    officer = login_as(Role.OFFICER)
    organization = make_organization(officer)
    page = upload(client, f"/documents/organization/{organization.id}", PDF,
                  "../../etc/Statuts 2024.PDF")
    assert "The document Statuts 2024.pdf was added." in page.text
    document = db.session.scalar(db.select(Document))
    assert (document.organization_id, document.kind, document.size) == (
        organization.id, "pdf", len(PDF))
    assert document.filename == "Statuts 2024.pdf" and document.uploaded_by_id == officer.id
    (path,) = stored_files(folder)
    assert path.name == document.key and path.read_bytes() == PDF
    assert "Statuts 2024.pdf" in client.get(f"/organizations/{organization.id}").text

    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    actions = db.session.scalars(db.select(AuditEntry.action).where(
        AuditEntry.entity_type == "organization", AuditEntry.entity_id == organization.id))
    assert {"document_added", "document_read"} <= set(actions)


@pytest.mark.parametrize("content, name", [
    (HTML, "page.html"), (HTML, "rapport.pdf"), (SVG, "logo.svg"), (SVG, "logo.png"),
    (b"MZ\x90\x00" + b"\x00" * 60, "setup.exe"), (b"#!/bin/sh\nrm -rf /\n", "run.doc")])
def test_files_that_are_not_documents_are_refused_whatever_their_name(client, login_as, folder,
                                                                       content, name):
    officer = login_as(Role.OFFICER)
    person = make_person(officer)
    page = upload(client, f"/documents/person/{person.id}", content, name)
    assert "This kind of file is not accepted" in page.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0
    assert stored_files(folder) == []


def test_a_file_over_the_size_limit_is_refused_and_a_huge_request_is_a_413(client, login_as,
                                                                           folder, app):
    officer = login_as(Role.OFFICER)
    project = make_project(officer, officer=officer)
    app.config["DOCUMENT_MAX_BYTES"] = 1024 * 1024
    page = upload(client, f"/documents/project/{project.id}", PDF + b" " * 1024 * 1024, "a.pdf")
    assert "The file is larger than 1 MB: send a smaller one." in page.text
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    response = client.post(f"/documents/project/{project.id}",
                           data={"file": (io.BytesIO(PDF + b" " * 3 * 1024 * 1024), "b.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0
    assert stored_files(folder) == []


def test_a_removed_document_is_gone_from_the_store_and_its_history_says_so(client, login_as,
                                                                           folder):
    officer = login_as(Role.OFFICER)
    organization = make_organization(officer)
    upload(client, f"/documents/organization/{organization.id}", PDF, "budget.pdf")
    document_id = db.session.scalar(db.select(Document.id))
    page = client.post(f"/documents/{document_id}/remove", follow_redirects=True)
    assert "The document budget.pdf was removed." in page.text
    assert db.session.get(Document, document_id) is None and stored_files(folder) == []
    assert "document removed" in page.text
    assert client.get(f"/documents/{document_id}").status_code == 404


def test_managers_read_documents_but_neither_add_nor_remove_them(client, login_as, folder,
                                                                 app):
    officer = make_user(Role.OFFICER)
    organization = make_organization(officer)
    officer_client = app.test_client()
    officer_client.post("/login", data={"email": officer.email,
                                        "password": "correct-horse-battery"})
    upload(officer_client, f"/documents/organization/{organization.id}", PDF, "a.pdf")
    document = db.session.scalar(db.select(Document))
    login_as(Role.MANAGER)
    assert client.get(f"/documents/{document.id}").status_code == 200
    assert upload(client, f"/documents/organization/{organization.id}", PDF,
                  "b.pdf").status_code == 404
    assert client.post(f"/documents/{document.id}/remove").status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 1


def test_an_officer_adds_nothing_to_another_officer_s_project(client, login_as, folder):
    other = make_user(Role.OFFICER)
    project = make_project(other, officer=other)
    login_as(Role.OFFICER)
    assert upload(client, f"/documents/project/{project.id}", PDF, "a.pdf").status_code == 404
    assert upload(client, f"/documents/nothing/{project.id}", PDF, "a.pdf").status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0


def test_innovators_add_documents_to_their_own_organization_only(world, log_in, folder):
    client = log_in(world.a.user)
    page = upload(client, f"/documents/organization/{world.a.organization.id}", PDF,
                  "attestation.pdf")
    assert "The document attestation.pdf was added." in page.text
    document = db.session.scalar(db.select(Document))
    assert document.uploaded_by_id == world.a.user.id
    assert "attestation.pdf" in client.get(
        f"/portal/organizations/{world.a.organization.id}/edit").text
    assert client.get(f"/documents/{document.id}").data == PDF
    assert upload(client, f"/documents/organization/{world.b.organization.id}", PDF,
                  "x.pdf").status_code == 404
    other = log_in(world.b.user)
    assert other.get(f"/documents/{document.id}").status_code == 404
    assert other.post(f"/documents/{document.id}/remove").status_code == 404
