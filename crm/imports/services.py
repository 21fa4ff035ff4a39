"""Attendee import: upload, map the columns, analyse in the background, let the officer
check the matches, import in the background (in bulk), and report every line not imported."""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, update

from crm.audit import services as audit
from crm.common.text import fold, has_arabic
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.forums import services as forums
from crm.forums.models import SessionKind
from crm.forums.services import session_finder
from crm.i18n import join_list
from crm.imports import bulk, matching, spelling
from crm.imports.mapping import (
    CONFIDENCE_LABELS,
    guess_columns,
    guess_mapping,
    remember_mapping,
    remembered_since,
    unmapped_identifiers,
)
from crm.imports.models import ImportJob, ImportRow, ImportStatus, RowStatus
from crm.imports.reading import read_table
from crm.imports.rows import REASONS, clean_row
from crm.jobs.runner import enqueue

log = logging.getLogger(__name__)
ENTITY = "import"
NAME_FIELDS = ("last_name", "first_name", "full_name")
CHUNK = 2000


def get_job(job_id: int) -> ImportJob | None:
    return db.session.get(ImportJob, job_id)


def list_jobs(forum_id: int) -> list[ImportJob]:
    query = (db.select(ImportJob).where(ImportJob.forum_id == forum_id)
             .options(db.defer(ImportJob.content), db.joinedload(ImportJob.created_by))
             .order_by(ImportJob.id.desc()))
    return list(db.session.scalars(query))


def start_import(actor, forum, filename: str, content: bytes) -> ImportJob:
    """Keep the uploaded file and guess which column holds which field."""
    table = read_table(filename, content)
    job = ImportJob(forum=forum, created_by_id=actor.id if actor else None,
                    filename=filename[:255], content=content, headers=table.headers,
                    mapping=guess_mapping(table.headers, table.rows), total_rows=len(table.rows))
    db.session.add(job)
    db.session.flush()
    audit.record(actor, "create", ENTITY, job.id, {"filename": [None, job.filename],
                                                   "forum_id": [None, forum.id]})
    db.session.commit()
    return job


def can_change_mapping(job: ImportJob) -> bool:
    """The columns can be mapped again until the import runs."""
    return job.status in (ImportStatus.UPLOADED, ImportStatus.PREVIEW, ImportStatus.FAILED)


def is_running(job: ImportJob) -> bool:
    return job.status in (ImportStatus.ANALYSING, ImportStatus.IMPORTING)


def mapping_was_remembered(job: ImportJob) -> bool:
    """True when the job's mapping came from an earlier file with the same headers."""
    return remembered_since(job.headers, job.created_at)


def preview_lines(job: ImportJob, count: int = 5) -> list[list[str]]:
    """The first lines of the file, as read, to show beside the column choices."""
    return read_table(job.filename, job.content).rows[:count]


SAMPLE_LINES = 50  # the first lines the mapping page reads the columns' values from


def guess_confidence(job: ImportJob, sample: list[list[str]]) -> dict[str, str]:
    """field -> how sure the guess of its column is ("sure", "likely", "a guess"), for the
    fields whose column is still the guessed one (nothing for a remembered mapping);
    `sample`: the file's first lines (`preview_lines(job, SAMPLE_LINES)`)."""
    if mapping_was_remembered(job):
        return {}
    guessed, scores = guess_columns(job.headers, sample)
    return {field: str(CONFIDENCE_LABELS[scores[field]]) for field, index in guessed.items()
            if job.mapping.get(field) == index}


def columns_left_out(job: ImportJob, mapping: dict[str, int],
                     sample: list[list[str]]) -> list[tuple[str, str]]:
    """(column, field) for the columns left out of `mapping` that hold emails, phones or
    organizations by the look of them (in `sample`, the file's first lines): the officer is
    warned before they are dropped."""
    return unmapped_identifiers(job.headers, sample, mapping)


def confirm_mapping(actor, job: ImportJob, mapping: dict[str, int]) -> None:
    """Save the officer's mapping (remembered for the same headers) and start the analysis."""
    check_mapping(job, mapping)
    job.mapping = mapping
    remember_mapping(job.headers, mapping)
    job.status, job.processed_rows, job.error = ImportStatus.ANALYSING, 0, ""
    db.session.execute(delete(ImportRow).where(ImportRow.job_id == job.id))
    db.session.commit()
    enqueue("imports.analyse", job.id)


def check_mapping(job: ImportJob, mapping: dict[str, int]) -> None:
    """A ServiceError unless `mapping` can be used for this job."""
    if not can_change_mapping(job):
        raise ServiceError(_l("This import is already running or finished."))
    used = [i for i in mapping.values()]
    if len(used) != len(set(used)):
        raise ServiceError(_l("A column can be given to one field only."))
    if not any(f in mapping for f in NAME_FIELDS):
        raise ServiceError(_l("Say which column holds the names."))
    if any(not 0 <= i < len(job.headers) for i in used):
        raise ServiceError(_l("This column does not exist in the file."))


def missing_workshops(job: ImportJob) -> list[str]:
    """The workshops the file names that no session of the forum answers to, each once, as
    first written (the lines refused with "workshop not found in this forum")."""
    index = (job.mapping or {}).get("workshop")
    if index is None or job.status != ImportStatus.PREVIEW:
        return []
    query = db.select(ImportRow.raw, ImportRow.reasons).where(
        ImportRow.job_id == job.id, ImportRow.status == RowStatus.INVALID)
    names: dict[str, str] = {}
    for raw, reasons in db.session.execute(query):
        if "unknown-workshop" in reasons and int(index) < len(raw):
            name = " ".join(str(raw[int(index)]).split())[:200]
            names.setdefault(fold(name), name)
    return sorted(names.values(), key=fold)


def create_missing_sessions(actor, job: ImportJob) -> int:
    """Create a workshop session for each name of `missing_workshops`, then analyse the file
    again so that its lines find them. The number of sessions created."""
    if not can_change_mapping(job):
        raise ServiceError(_l("This import is already running or finished."))
    names = missing_workshops(job)
    for name in names:
        forums.add_session(actor, job.forum, SessionKind.WORKSHOP, name_fr=name,
                           name_ar=name if has_arabic(name) else "")
    confirm_mapping(actor, job, {f: int(i) for f, i in job.mapping.items()})
    return len(names)


def correct_name(actor, job: ImportJob, line: int, first: str, last: str) -> None:
    """The officer's spelling of a line's Latin name (a full name split at the wrong place,
    first and last name swapped), used when the line is imported."""
    if job.status != ImportStatus.PREVIEW:
        raise ServiceError(_l("This import is already running or finished."))
    first, last = " ".join((first or "").split()), " ".join((last or "").split())
    if not (first or last):
        raise ServiceError(_l("Give a first name or a last name."), field="first_name")
    row = db.session.scalar(db.select(ImportRow).where(ImportRow.job_id == job.id,
                                                       ImportRow.line == line))
    if row is None or row.status == RowStatus.INVALID:
        raise ServiceError(_l("This line cannot be corrected: it is not imported."))
    before = [row.values.get("first_name"), row.values.get("last_name")]
    row.values = {**row.values, "first_name": first[:100], "last_name": last[:100],
                  "name_corrected": True}
    audit.record(actor, "update", ENTITY, job.id, {
        f"line {line}": [" / ".join(filter(None, before)), f"{first} / {last}"]})
    db.session.commit()


def _classify(rows, in_file: dict, known: dict) -> list[dict]:
    records = []
    for row, cells in rows:
        record = {"line": row.line, "values": row.values, "raw": cells, "reasons": row.reasons,
                  "status": RowStatus.INVALID, "person_id": None, "same_as_line": None}
        if row.is_valid and row.line in in_file:
            record["same_as_line"], record["reasons"] = in_file[row.line]
            record["status"] = RowStatus.SAME_AS_ROW
        elif row.is_valid and row.line in known:
            record["person_id"], record["reasons"] = known[row.line]
            record["status"] = RowStatus.MATCH
        elif row.is_valid:
            record["status"] = RowStatus.NEW
        records.append(record)
    return records


def _keep_cleaner_spellings(records: list[dict]) -> list[dict]:
    """A person is created from the first line of their group, spelled as the cleanest line
    of the group spells them; the preview says which line the spelling came from."""
    by_line = {r["line"]: r for r in records}
    for record in records:
        first = by_line.get(record["same_as_line"]) if record["same_as_line"] else None
        if first is not None and spelling.cleaner(first["values"], record["values"]):
            first["values"] = {**first["values"], "spelled_as_line": record["line"],
                               "first_name": record["values"]["first_name"],
                               "last_name": record["values"]["last_name"]}
    return records


def analyse_job(job_id: int) -> None:
    """Background: validate every line, find duplicates in the file and known people."""
    job = db.session.get(ImportJob, job_id)
    try:
        table = read_table(job.filename, job.content)
        find = session_finder(job.forum)
        rows = [(clean_row(n, cells, job.mapping, find), cells)
                for n, cells in enumerate(table.rows, start=2)]
        identities = [matching.identity(r.line, r.values["first_name"], r.values["last_name"],
                                        r.values["name_arabic"], r.values["email"],
                                        r.values["phone"]) for r, _cells in rows if r.is_valid]
        in_file = matching.cluster(identities)
        known = matching.match_known([i for i in identities if i.key not in in_file])
        records = _keep_cleaner_spellings(_classify(rows, in_file, known))
        for start in range(0, len(records), CHUNK):
            chunk = records[start:start + CHUNK]
            bulk.copy_rows(ImportRow.__table__, [{"job_id": job.id, **r} for r in chunk])
            job.processed_rows = start + len(chunk)
            db.session.commit()
        job.status = ImportStatus.PREVIEW
        job.rejected_count = sum(r["status"] == RowStatus.INVALID for r in records)
        db.session.commit()
    except Exception as error:
        _fail(job, error)


def _fail(job: ImportJob, error: Exception) -> None:
    log.exception("import job %s failed", job.id)
    db.session.rollback()
    job.status, job.error = ImportStatus.FAILED, str(error)[:2000]
    job.finished_at = utcnow()
    db.session.commit()


def list_rows(job: ImportJob, status: RowStatus | None = None, page: int = 1, per_page: int = 50):
    query = (db.select(ImportRow).where(ImportRow.job_id == job.id)
             .options(db.joinedload(ImportRow.person)).order_by(ImportRow.line))
    if status is not None:
        query = query.where(ImportRow.status == status)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def count_rows(job: ImportJob) -> dict[RowStatus, int]:
    query = (db.select(ImportRow.status, db.func.count()).where(ImportRow.job_id == job.id)
             .group_by(ImportRow.status))
    counts = dict(db.session.execute(query).all())
    return {status: counts.get(status, 0) for status in RowStatus}


def _decide_matches(job: ImportJob, refused_lines: set[int],
                    decided_lines: set[int] | None) -> None:
    """Record which matches the officer refused among `decided_lines` (every match when None;
    a preview page only shows some of them, the others keep their decision)."""
    query = update(ImportRow).where(ImportRow.job_id == job.id,
                                    ImportRow.status == RowStatus.MATCH)
    if decided_lines is not None:
        if not decided_lines:
            return
        query = query.where(ImportRow.line.in_(decided_lines))
    db.session.execute(query.values(
        use_match=~ImportRow.line.in_(refused_lines) if refused_lines else True))


def set_match_decisions(actor, job: ImportJob, refused_lines: set[int],
                        decided_lines: set[int] | None = None) -> None:
    """The officer unticked some matches: those lines become new people."""
    if job.status != ImportStatus.PREVIEW:
        raise ServiceError(_l("This import cannot be changed any more."))
    _decide_matches(job, refused_lines, decided_lines)
    db.session.commit()


def run_import(actor, job: ImportJob, refused_lines: set[int] = frozenset(),
               decided_lines: set[int] = frozenset()) -> None:
    """Start creating and updating people, organizations and participations, after recording
    the decisions taken on the page the officer saw last."""
    if job.status != ImportStatus.PREVIEW:
        raise ServiceError(_l("This import cannot be started now."))
    _decide_matches(job, refused_lines, set(decided_lines))
    job.status, job.processed_rows = ImportStatus.IMPORTING, 0
    audit.record(actor, "update", ENTITY, job.id, {"status": ["preview", "importing"]})
    db.session.commit()
    enqueue("imports.run", job.id)


def run_job(job_id: int) -> None:
    """Background: import the checked rows in chunks, committing and counting as it goes."""
    job = db.session.get(ImportJob, job_id)
    try:
        importer = bulk.Importer(job)
        rows = bulk.load_rows(job.id)
        for start in range(0, len(rows), CHUNK):
            importer.import_chunk(rows[start:start + CHUNK])
            job.processed_rows = min(job.total_rows, start + CHUNK)
            db.session.commit()
        job.status, job.finished_at = ImportStatus.DONE, utcnow()
        job.processed_rows = job.total_rows
        db.session.commit()
    except Exception as error:
        _fail(job, error)


def rejected_rows(job: ImportJob):
    """(line, reasons in the user's language, the cells as read) of every line not imported."""
    query = (db.select(ImportRow).where(ImportRow.job_id == job.id,
                                        ImportRow.status == RowStatus.INVALID)
             .order_by(ImportRow.line))
    for row in db.session.scalars(query):
        yield row.line, reason_text(row.reasons), row.raw


def reason_text(reasons: list[str]) -> str:
    return join_list(REASONS.get(r, r) for r in reasons)


def imported_person_ids(job: ImportJob) -> list[int]:
    query = (db.select(ImportRow.person_id).where(
        ImportRow.job_id == job.id, ImportRow.person_id.is_not(None),
        ImportRow.outcome.in_(["created", "updated"])).distinct())
    return list(db.session.scalars(query))
