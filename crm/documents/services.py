"""Attaching documents to records, reading them back (logged) and removing them."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from crm.audit import services as audit
from crm.documents import files
from crm.documents.models import Document, owner_models
from crm.documents.storage import store_for
from crm.errors import ServiceError
from crm.extensions import db

REFUSALS = {
    "empty": _l("The file is empty."),
    "type": _l("This kind of file is not accepted: send a PDF, an image (PNG, JPEG, WebP) or "
               "an office document (Word, Excel, PowerPoint, OpenDocument)."),
}


def _refusal(reason: str, max_bytes: int):
    if reason == "too-large":
        return _l("The file is larger than %(size)s MB: send a smaller one.",
                  size=max_bytes // (1024 * 1024))
    return REFUSALS[reason]


def _store():
    return store_for(current_app)


def owner_type_of(owner) -> str:
    """"organization", "person", "project" or "application", from the record's table."""
    return next(kind for kind, model in owner_models().items() if isinstance(owner, model))


def documents_of(owner) -> list[Document]:
    column = getattr(Document, f"{owner_type_of(owner)}_id")
    return list(db.session.scalars(db.select(Document).where(column == owner.id)
                                   .order_by(Document.uploaded_at.desc(), Document.id.desc())))


def get_document(document_id: int) -> Document | None:
    return db.session.get(Document, document_id)


def stored(actor, owner, upload: FileStorage, field: str = "file",
           question_id: int | None = None) -> Document:
    """Check the upload, keep its bytes in the store and return its Document, added to the
    session but not committed: the caller commits inside `kept_on_commit`. A refused file is
    a ServiceError on `field`."""
    max_bytes = current_app.config["DOCUMENT_MAX_BYTES"]
    try:
        kind, size = files.check(upload.stream, upload.filename or "", max_bytes)
    except files.RefusedFile as refused:
        raise ServiceError(_refusal(refused.reason, max_bytes), field=field) from refused
    document = Document(key=_store().save(upload.stream), kind=kind, size=size,
                        filename=files.safe_name(upload.filename or "", kind),
                        uploaded_by_id=actor.id if actor else None, question_id=question_id,
                        **{f"{owner_type_of(owner)}_id": owner.id})
    db.session.add(document)
    return document


@contextmanager
def kept_on_commit(documents: list[Document]) -> Iterator[None]:
    """Stored files whose rows are not committed are removed from the store again."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        for document in documents:
            _store().delete(document.key)
        raise


def attach(actor, owner, upload: FileStorage) -> Document:
    """A document added to an organization, person or project by staff or an innovator."""
    document = stored(actor, owner, upload)
    with kept_on_commit([document]):
        db.session.flush()
        audit.record(actor, "document_added", owner_type_of(owner), owner.id,
                     {"document": [None, document.filename]})
        db.session.commit()
    return document


def read(actor, document: Document) -> BinaryIO:
    """The document's bytes; who read it is recorded in the owner's history."""
    audit.record(actor, "document_read", document.owner_type, document.owner_id,
                 {"document": [document.filename, document.filename]})
    db.session.commit()
    return _store().open(document.key)


def forget(keys: list[str]) -> None:
    """Delete the bytes of documents whose rows are gone."""
    for key in keys:
        _store().delete(key)


def remove(actor, document: Document) -> None:
    """Delete the document: its row, then its bytes (the history keeps its name)."""
    key, owner_type, owner_id = document.key, document.owner_type, document.owner_id
    audit.record(actor, "document_removed", owner_type, owner_id,
                 {"document": [document.filename, None]})
    db.session.delete(document)
    db.session.commit()
    forget([key])
