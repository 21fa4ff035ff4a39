"""Adding a document to a record, downloading it (always as an attachment) and removing it."""

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _

from crm.auth.permissions import ensure, require
from crm.calls.models import Application
from crm.common.forms import EmptyForm
from crm.common.urls import safe_redirect_target
from crm.common.web import actor, flash_form_errors, found_or_404
from crm.documents import services
from crm.documents.files import ACCEPT, ALLOWED
from crm.documents.forms import DocumentForm
from crm.documents.models import owner_models
from crm.errors import ServiceError
from crm.extensions import db

bp = Blueprint("documents", __name__, url_prefix="/documents")

@bp.app_template_global()
def document_accept() -> str:
    return ACCEPT


# Staff and innovators attach documents to these; applications get theirs from their form.
RECORD_OWNERS = ("organization", "person", "project")


def record_page(owner_type: str, owner_id: int) -> str:
    """The page of the record, where its documents are listed."""
    endpoint = {"organization": "organizations.show_organization",
                "person": "people.show_person", "project": "projects.show_project"}[owner_type]
    return url_for(endpoint, **{f"{owner_type}_id": owner_id}, _anchor="documents")


def _back(owner_type: str, owner_id: int):
    """Back to where the form was (the portal's pages too), else to the record's page."""
    return redirect(safe_redirect_target(request.form.get("next"),
                                         record_page(owner_type, owner_id)))


@bp.post("/<owner_type>/<int:owner_id>")
@require("document.add")
def add_document(owner_type: str, owner_id: int):
    if owner_type not in RECORD_OWNERS:
        abort(404)
    owner = found_or_404(db.session.get(owner_models()[owner_type], owner_id))
    ensure(actor(), "document.add", owner)
    form = DocumentForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(owner_type, owner_id)
    try:
        document = services.attach(actor(), owner, form.file.data)
    except ServiceError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("The document %(name)s was added.", name=document.filename), "success")
    return _back(owner_type, owner_id)


@bp.get("/<int:document_id>")
@require("document.view")
def download(document_id: int):
    document = found_or_404(services.get_document(document_id))
    ensure(actor(), "document.view", document)
    return attachment(services.read(actor(), document), document)


def attachment(stream, document):
    """The file as a download, never shown in the page: its own type, nosniff (every
    response), and a sandbox in case a browser renders it anyway."""
    response = send_file(stream, mimetype=ALLOWED[document.kind][1], as_attachment=True,
                         download_name=document.filename, max_age=0)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.post("/<int:document_id>/remove")
@require("document.remove")
def remove(document_id: int):
    document = found_or_404(services.get_document(document_id))
    ensure(actor(), "document.remove", document)
    owner_type, owner_id, name = document.owner_type, document.owner_id, document.filename
    if owner_type == "application":
        call_id = db.session.get(Application, owner_id).call_id
        back = url_for("calls.show_application", call_id=call_id, application_id=owner_id)
    else:
        back = record_page(owner_type, owner_id)
    if EmptyForm().validate_on_submit():
        services.remove(actor(), document)
        flash(_("The document %(name)s was removed.", name=name), "success")
    return redirect(safe_redirect_target(request.form.get("next"), back))
