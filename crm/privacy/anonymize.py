"""Anonymization on request: a person's identifiers are removed everywhere, while what the
reports count (gender, region, memberships, participations, follow-ups, consents, impact
figures) stays, so no total changes."""

import re
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crm.audit import services as audit
from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.auth.permissions import can
from crm.common.time import utcnow
from crm.documents import services as document_services
from crm.documents.models import Document
from crm.errors import ServiceError
from crm.extensions import db
from crm.imports.models import ImportJob, ImportRow
from crm.invitations.models import Invitation
from crm.people.models import Person
from crm.privacy import import_files
from crm.privacy.sweep import MARK, Traces, sweep
from crm.search.models import SearchToken

ENTITY = "person"
# The values of an import line that say who the person is.
IDENTITY_FIELDS = ("first_name", "last_name", "full_name", "name_arabic", "email", "phone")


def _same_person_records(person: Person) -> list[Person]:
    """The person and every record merged into them (the same human, kept archived)."""
    records, frontier = [person], [person.id]
    while frontier:
        found = list(db.session.scalars(db.select(Person).where(
            Person.merged_into_id.in_(frontier), Person.anonymized_at.is_(None))))
        records += found
        frontier = [p.id for p in found]
    return records


def _accounts(ids: list[int]) -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.person_id.in_(ids))))


def _invitations(ids: list[int]) -> list[Invitation]:
    return list(db.session.scalars(db.select(Invitation).where(Invitation.person_id.in_(ids))))


def _collect_traces(records: list[Person], accounts: list[User],
                    invitations: list[Invitation]) -> Traces:
    traces = Traces()
    for p in records:
        traces.add_person(p.first_name, p.last_name, p.name_arabic, p.email, p.phone)
    for user in accounts:
        traces.add_name(user.full_name)
        traces.add_email(user.email)
    for invitation in invitations:
        traces.add_email(invitation.email)
    return traces


def _blank_person(person: Person, now) -> None:
    person.first_name = person.last_name = person.name_arabic = ""
    person.email = person.phone = None
    person.city = person.notes = ""
    person.tags = []
    person.anonymized_at = now


def _close_account(user: User) -> None:
    user.active = False
    user.email = f"anonymized-{user.id}@invalid"
    user.full_name = ""
    user.password_hash = "!" + secrets.token_hex(16)  # no "$": never matches a password
    user.calendar_token = None
    user.session_epoch += 1


def _blank(value):
    if isinstance(value, list):
        return [_blank(v) for v in value]
    return value if value in (None, "") else MARK


def _blank_history(ids: list[int]) -> None:
    """Who, when and which kind of change stay; the values go."""
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == ENTITY, AuditEntry.entity_id.in_(ids)))
    for entry in entries:
        entry.changes = {field: _blank(value) for field, value in (entry.changes or {}).items()}


def _blank_import_lines(ids: list[int]) -> dict[int, tuple[set[int], set[int]]]:
    """The lines of attendee files that were this person: identity values and cells blanked.
    Returns {job id: (those line numbers, the identity columns)} for the files themselves."""
    rows = list(db.session.scalars(db.select(ImportRow).where(ImportRow.person_id.in_(ids))))
    lines_by_job: dict[int, set[int]] = {}
    for row in rows:
        lines_by_job.setdefault(row.job_id, set()).add(row.line)
    blanked = {}
    for job_id, lines in lines_by_job.items():
        mapping = db.session.scalar(db.select(ImportJob.mapping).where(ImportJob.id == job_id))
        same = db.session.scalars(db.select(ImportRow).where(
            ImportRow.job_id == job_id, ImportRow.same_as_line.in_(lines)))
        job_rows = [r for r in rows if r.job_id == job_id] + list(same)
        columns = {int(mapping[f]) for f in IDENTITY_FIELDS if f in (mapping or {})}
        for row in job_rows:
            row.values = {k: (MARK if k in IDENTITY_FIELDS and v else v)
                          for k, v in (row.values or {}).items()}
            row.raw = [MARK if i in columns and cell else cell
                       for i, cell in enumerate(row.raw or [])]
        blanked[job_id] = ({r.line for r in job_rows}, columns)
    return blanked


def _scrub_import_files(blanked: dict, pattern: re.Pattern) -> int:
    """Every stored attendee file, one at a time (they can be large): the person's lines
    blanked, their identifiers removed anywhere else. Returns how many files changed."""
    changed = 0
    for job_id in list(db.session.scalars(db.select(ImportJob.id).order_by(ImportJob.id))):
        filename, content = db.session.execute(db.select(
            ImportJob.filename, ImportJob.content).where(ImportJob.id == job_id)).one()
        lines, columns = blanked.get(job_id, (set(), set()))
        new = import_files.scrubbed(filename, content, lines, columns, pattern)
        if new is not None:
            db.session.execute(sa.update(ImportJob).where(ImportJob.id == job_id)
                               .values(content=new))
            changed += 1
    return changed


def anonymize_person(actor, person: Person) -> int:
    """Remove the person's identifiers from every table, in one transaction; returns how many
    stored values elsewhere held them. Admins only; once per person."""
    if not can(actor, "person.anonymize"):
        raise ServiceError(_l("Only an administrator can anonymize a person."))
    if person.anonymized_at is not None:
        raise ServiceError(_l("This person was already anonymized."))
    if person.merged_into_id is not None:
        raise ServiceError(_l("This record was merged into another one: anonymize that one."))
    records = _same_person_records(person)
    ids = [p.id for p in records]
    accounts, invitations = _accounts(ids), _invitations(ids)
    traces = _collect_traces(records, accounts, invitations)
    now = utcnow()
    try:
        for record in records:
            _blank_person(record, now)
        for user in accounts:
            _close_account(user)
        for invitation in invitations:
            db.session.delete(invitation)
        db.session.execute(sa.delete(SearchToken).where(
            SearchToken.entity_type == ENTITY, SearchToken.entity_id.in_(ids)))
        _blank_history(ids)
        pattern = traces.pattern()
        files = _scrub_import_files(_blank_import_lines(ids), pattern)
        replaced = sweep(traces, ids) + files
        removed = _delete_documents(ids)
        audit.record(actor, "anonymize", ENTITY, person.id, {"traces_removed": [None, replaced]})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    document_services.forget(removed)
    return replaced


def _delete_documents(person_ids: list[int]) -> list[str]:
    """The person's documents go, rows now and bytes once committed; their keys."""
    documents = db.session.scalars(db.select(Document).where(Document.person_id.in_(person_ids)))
    keys = []
    for document in documents:
        keys.append(document.key)
        db.session.delete(document)
    return keys
