"""Calls for applications: writing a call and its questions, publishing it, and the
applications filed on its public form."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func
from werkzeug.datastructures import FileStorage

from crm.audit import services as audit
from crm.calls.models import (
    LANGUAGES,
    Answer,
    Application,
    ApplicationStatus,
    Call,
    CallQuestion,
    QuestionKind,
)
from crm.common.records import check_version
from crm.common.text import to_latin
from crm.common.time import utcnow
from crm.documents import services as documents_services
from crm.documents.models import Document
from crm.errors import ServiceError
from crm.extensions import db
from crm.webhooks import events as webhooks

CALL_FIELDS = (
    [f"title_{lang}" for lang in LANGUAGES] + [f"text_{lang}" for lang in LANGUAGES]
    + [f"eligibility_{lang}" for lang in LANGUAGES]
    + ["opens_on", "closes_on", "forum_id", "cohort"])
# The applicant's own details, as the public form names them.
APPLICANT_FIELDS = ("first_name", "last_name", "name_arabic", "email", "phone",
                    "organization_name", "organization_name_arabic", "organization_kind",
                    "region", "legal_identifier", "project_name")
CALL_CLOSED = _l("This call is closed: applications can no longer be filed or changed.")


def list_calls() -> Select:
    """Every call, the latest to open first."""
    return db.select(Call).order_by(Call.opens_on.desc(), Call.id.desc())


def get_call(call_id: int) -> Call | None:
    return db.session.get(Call, call_id, options=[db.selectinload(Call.questions)])


def published_call(slug: str) -> Call | None:
    """The call a public address names, when it is published."""
    return db.session.scalar(db.select(Call).where(Call.slug == slug, Call.published))


def figures(call_id: int) -> dict[str, list[tuple[object, int]]]:
    """How many applications the call received, by status, by region and by kind of
    organization, the largest first (one GROUP BY each)."""
    result = {}
    for name, column in (("status", Application.status), ("region", Application.region),
                         ("kind", Application.organization_kind)):
        query = (db.select(column, func.count()).where(Application.call_id == call_id)
                 .group_by(column).order_by(func.count().desc(), column))
        result[name] = [(value, count) for value, count in db.session.execute(query)]
    return result


def applications_of_person(person) -> list[Application]:
    """The applications a person filed: linked to them once accepted, else under their
    email; the latest first."""
    condition = Application.person_id == person.id
    if person.email:
        condition = condition | (func.lower(Application.email) == person.email.lower())
    return list(db.session.scalars(db.select(Application).where(condition)
                                   .order_by(Application.created_at.desc())))


def application_of_project(project_id: int) -> Application | None:
    """The application a project came from, when it came through a call."""
    return db.session.scalar(db.select(Application).where(Application.project_id == project_id))


def application_counts(call_ids: list[int]) -> dict[int, int]:
    query = (db.select(Application.call_id, func.count()).where(Application.call_id.in_(call_ids))
             .group_by(Application.call_id))
    return {call_id: 0 for call_id in call_ids} | dict(db.session.execute(query).all())


def _check_call(data: dict) -> None:
    if not any((data.get(f"title_{lang}") or "").strip() for lang in LANGUAGES):
        raise ServiceError(_l("Give the call a title in at least one language."),
                           field="title_fr")
    if data["closes_on"] < data["opens_on"]:
        raise ServiceError(_l("The call cannot close before it opens."), field="closes_on")


def _slug_for(data: dict) -> str:
    """A readable public address made from the title, unique among calls."""
    title = next((data[f"title_{lang}"] for lang in ("fr", "en", "ar")
                  if (data.get(f"title_{lang}") or "").strip()), "")
    base = re.sub(r"[^a-z0-9]+", "-", to_latin(title).lower()).strip("-")[:60] or "call"
    slug, number = base, 1
    while db.session.scalar(db.select(Call.id).where(Call.slug == slug)) is not None:
        number += 1
        slug = f"{base}-{number}"
    return slug


def create_call(actor, data: dict) -> Call:
    _check_call(data)
    call = Call(slug=_slug_for(data), created_by_id=actor.id,
                **{field: data[field] for field in CALL_FIELDS})
    db.session.add(call)
    db.session.flush()
    audit.record(actor, "create", "call", call.id, audit.snapshot(call, CALL_FIELDS))
    db.session.commit()
    return call


def update_call(actor, call: Call, version: int, data: dict) -> Call:
    check_version(call, version)
    _check_call(data)
    changes = audit.apply_changes(call, {field: data[field] for field in CALL_FIELDS})
    if changes:
        audit.record(actor, "update", "call", call.id, changes)
    db.session.commit()
    return call


def publish(actor, call: Call, published: bool) -> None:
    if published and not call.questions:
        raise ServiceError(_l("Add at least one question before publishing the call."))
    changes = audit.apply_changes(call, {"published": published})
    if changes:
        audit.record(actor, "update", "call", call.id, changes)
    db.session.commit()


# -- questions --------------------------------------------------------------------------------

def _options(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _check_question(kind: QuestionKind, data: dict) -> None:
    if not any((data.get(f"label_{lang}") or "").strip() for lang in LANGUAGES):
        raise ServiceError(_l("Write the question in at least one language."), field="label_fr")
    if kind != QuestionKind.CHOICE:
        return
    counts = {len(_options(data.get(f"choices_{lang}"))) for lang in LANGUAGES} - {0}
    if len(counts) > 1:
        raise ServiceError(_l("Give the same number of options in each language: the "
                              "options of a line are the same answer."), field="choices_fr")
    if not counts or min(counts) < 2:
        raise ServiceError(_l("A choice needs at least two options, one a line."),
                           field="choices_fr")


def add_question(actor, call: Call, kind: QuestionKind, required: bool,
                 data: dict) -> CallQuestion:
    _check_question(kind, data)
    fields = {f"{name}_{lang}": (data.get(f"{name}_{lang}") or "").strip()
              for name in ("label", "choices") for lang in LANGUAGES}
    if kind != QuestionKind.CHOICE:
        fields.update({f"choices_{lang}": "" for lang in LANGUAGES})
    position = max((q.position for q in call.questions), default=0) + 1
    question = CallQuestion(call=call, kind=kind, required=required, position=position,
                            **fields)
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "create", "call_question", question.id,
                 {"call_id": [None, call.id], "kind": [None, kind.value]})
    db.session.commit()
    return question


def remove_question(actor, call: Call, question: CallQuestion) -> None:
    answered = db.session.scalar(db.select(Answer.id).where(Answer.question_id == question.id)
                                 .limit(1))
    if answered is not None:
        raise ServiceError(_l("This question already has answers: it cannot be removed."))
    call.questions.remove(question)
    audit.record(actor, "delete", "call_question", question.id, {"call_id": [call.id, None]})
    db.session.commit()


def move_question(actor, call: Call, question: CallQuestion, step: int) -> None:
    """Up (-1) or down (+1) one place; the positions are renumbered from 1."""
    questions = list(call.questions)
    index = questions.index(question)
    target = min(max(index + step, 0), len(questions) - 1)
    questions.insert(target, questions.pop(index))
    for position, each in enumerate(questions, start=1):
        each.position = position
    db.session.commit()


# -- applications -----------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def application_by_token(token: str) -> Application | None:
    """The application a private link opens (the link's secret is kept only as a hash)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(db.select(Application).where(
        Application.access_digest == _digest(token)))


@dataclass
class Filed:
    application: Application
    token: str  # the private link's secret: shown once, sent by email, never stored


def _is_open(call: Call, today: date) -> bool:
    return call.state(today).value == "open"


def _set_answers(application: Application, answers: dict[int, str]) -> None:
    kept = {answer.question_id: answer for answer in application.answers}
    for question in application.call.questions:
        value = answers.get(question.id, "")
        if question.id in kept:
            kept[question.id].value = value
        elif value:
            application.answers.append(Answer(question_id=question.id, value=value))


def _store_uploads(application: Application, uploads: dict[int, FileStorage],
                   answers: dict[int, str]) -> list[Document]:
    """Keep each uploaded file as a document of the application; its answer is its name."""
    documents = []
    for question_id, upload in uploads.items():
        document = documents_services.stored(None, application, upload,
                                             field=f"answer_{question_id}",
                                             question_id=question_id)
        documents.append(document)
        answers[question_id] = document.filename
    return documents


def submit_application(call: Call, details: dict, answers: dict[int, str], *, language: str,
                       notice_version: str, address: str, today: date,
                       uploads: dict[int, FileStorage] | None = None) -> Filed:
    """File an application on an open call; the applicant accepted the privacy notice.
    A refused file files nothing (a ServiceError on its question)."""
    if not _is_open(call, today):
        raise ServiceError(CALL_CLOSED)
    token = secrets.token_urlsafe(32)
    application = Application(
        call=call, language=language, consent_given_at=utcnow(), notice_version=notice_version,
        access_digest=_digest(token), submitted_from=address[:45],
        **{field: details[field] for field in APPLICANT_FIELDS})
    documents: list[Document] = []
    with documents_services.kept_on_commit(documents):
        db.session.add(application)
        db.session.flush()
        documents += _store_uploads(application, uploads or {}, answers)
        _set_answers(application, answers)
        audit.record(None, "create", "application", application.id,
                     {"call_id": [None, call.id], "email": [None, application.email]})
        webhooks.emit("application.submitted", application)
        db.session.commit()
    return Filed(application, token)


def update_application(application: Application, version: int, details: dict,
                       answers: dict[int, str], *, today: date,
                       uploads: dict[int, FileStorage] | None = None) -> None:
    """The applicant's own changes, through the private link, while the call is open. A new
    file replaces the one that answered the same question; a question left without a new file
    keeps its file."""
    if not _is_open(application.call, today) or application.status != ApplicationStatus.SUBMITTED:
        raise ServiceError(CALL_CLOSED)
    check_version(application, version)
    uploads = uploads or {}
    replaced = [d for d in documents_services.documents_of(application)
                if d.question_id in uploads]
    documents: list[Document] = []
    with documents_services.kept_on_commit(documents):
        changes = audit.apply_changes(application,
                                      {field: details[field] for field in APPLICANT_FIELDS})
        kept = {d.question_id: d.filename for d in documents_services.documents_of(application)}
        documents += _store_uploads(application, uploads, answers)
        _set_answers(application, kept | answers)
        for document in replaced:
            db.session.delete(document)
        audit.record(None, "update", "application", application.id, changes)
        db.session.commit()
    documents_services.forget([document.key for document in replaced])
