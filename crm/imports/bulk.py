"""Writing a chunk of checked import rows in a few statements (inserts with RETURNING,
executemany updates), so that 10,000 lines take seconds, not minutes."""

from types import SimpleNamespace

from sqlalchemy import bindparam, delete, select, text, update

from crm.audit.models import AuditEntry
from crm.common.text import fold, has_arabic
from crm.common.time import utcnow
from crm.extensions import db
from crm.forums.models import Participation
from crm.imports.models import ImportJob, ImportRow, RowStatus
from crm.organizations.models import Membership, MembershipRole, Organization
from crm.people.models import Person
from crm.people.services import person_tokens
from crm.search.keys import name_tokens
from crm.search.models import SearchToken
from crm.webhooks import events as webhooks

PERSON_FIELDS = ("first_name", "last_name", "name_arabic", "email", "phone", "city")
ROWS = ImportRow.__table__


def _insert_returning_ids(table, params: list[dict]) -> list[int]:
    """Insert in one batched statement and give the new ids in the order of `params`.

    RETURNING rows come back in no promised order (SQLite cannot batch an ordered RETURNING),
    so each returned row is matched to its parameters by its values; rows with identical
    values are interchangeable."""
    keys = sorted(params[0])
    returned = db.session.execute(table.insert().returning(
        table.c.id, *[table.c[k] for k in keys]), params).all()
    waiting: dict[tuple, list[int]] = {}
    for row in returned:
        waiting.setdefault(tuple(_plain(v) for v in row[1:]), []).append(row[0])
    return [waiting[tuple(_plain(p[k]) for k in keys)].pop() for p in params]


def copy_rows(table, rows: list[dict]) -> None:
    """Insert many rows: COPY on PostgreSQL (INSERT statements of thousands of rows cost more
    to build and parse there than to store), one batched INSERT elsewhere. Python-side column
    defaults and type conversions apply as they do for an INSERT."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    given = [c for c in table.columns if c.name in rows[0]]
    defaults = [(c, _python_default(c)) for c in table.columns if c.name not in rows[0]]
    defaults = [(c, default) for c, default in defaults if default is not None]
    columns = given + [c for c, _default in defaults]
    processors = [c.type._cached_bind_processor(connection.dialect) for c in columns]
    statement = f"COPY {table.name} ({', '.join(c.name for c in columns)}) FROM STDIN"
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for row in rows:
                values = [row[c.name] for c in given] + [default() for _c, default in defaults]
                copy.write_row([value if process is None else process(value)
                                for process, value in zip(processors, values, strict=True)])


def _python_default(column):
    """A function giving the column's Python-side default (`default=`), or None."""
    default = column.default
    if default is None or default.is_sequence:
        return None
    if default.is_callable:
        return lambda: default.arg(None)
    return lambda: default.arg


def insert_returning_ids(table, params: list[dict]) -> list[int]:
    """Insert and give the new ids in the order of `params`."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return _insert_returning_ids(table, params)
    ids = list(connection.execute(text(
        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table.name, "n": len(params)}).scalars())
    copy_rows(table, [{"id": new_id, **p} for new_id, p in zip(ids, params, strict=True)])
    return ids


def _plain(value):
    return value.value if hasattr(value, "value") else value


def load_rows(job_id: int) -> list[SimpleNamespace]:
    """The job's rows as plain objects: thousands of ORM instances would cost more than the
    import itself."""
    query = select(ROWS).where(ROWS.c.job_id == job_id).order_by(ROWS.c.line)
    return [SimpleNamespace(**row) for row in db.session.execute(query).mappings()]


class Importer:
    """Imports the rows of one job; remembers, across chunks, who each line became."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.person_of_line: dict[int, int] = {}
        # People created by this job are not "updated" when a later line repeats them, and a
        # known person met on several lines or chunks counts once.
        self.created_ids: set[int] = set()
        self.updated_ids: set[int] = set()
        self.members: set[tuple[int, int]] = set()  # (person, organization) pairs that exist
        self.taking_part: set[tuple[int, int]] = set()  # (person, session) pairs that exist
        query = select(Organization.id, Organization.name, Organization.name_arabic).where(
            Organization.archived_at.is_(None))
        self.organizations = {}
        for oid, name, arabic in db.session.execute(query):
            for key in (fold(name), fold(arabic)):
                if key:
                    self.organizations.setdefault(key, oid)

    def _audit(self, action: str, entity: str, ids_changes: list[tuple[int, dict]]) -> None:
        if ids_changes:
            copy_rows(AuditEntry.__table__, [
                {"actor_id": self.job.created_by_id, "address": "", "action": action,
                 "entity_type": entity, "entity_id": eid, "at": utcnow(),
                 "changes": {**changes, "import_job": [None, self.job.id]}}
                for eid, changes in ids_changes])

    def _tokens(self, entity: str, tokens_by_id: dict[int, set[str]]) -> None:
        rows = [{"entity_type": entity, "entity_id": eid, "token": t[:120]}
                for eid, tokens in tokens_by_id.items() for t in sorted(tokens) if t]
        copy_rows(SearchToken.__table__, rows)

    def _organization_ids(self, rows: list) -> dict[str, int]:
        """Folded organization name -> id, creating the organizations not known yet."""
        wanted = {}
        for row in rows:
            name = row.values.get("organization") or ""
            if name and fold(name) not in self.organizations:
                wanted.setdefault(fold(name), row.values)
        if wanted:
            params = [{"name": "" if _arabic(v["organization"]) else v["organization"],
                       "name_arabic": v["organization"] if _arabic(v["organization"]) else "",
                       "kind": v["organization_kind"], "city": v.get("city", "")}
                      for v in wanted.values()]
            ids = insert_returning_ids(Organization.__table__, params)
            for key, oid in zip(wanted, ids, strict=True):
                self.organizations[key] = oid
            self._tokens("organization", {oid: name_tokens(p["name"], p["name_arabic"], p["city"])
                                          for oid, p in zip(ids, params, strict=True)})
            self._audit("create", "organization", [
                (oid, {"name": [None, p["name"] or p["name_arabic"]]})
                for oid, p in zip(ids, params, strict=True)])
        return self.organizations

    def _create_people(self, rows: list) -> None:
        params = [{f: row.values.get(f) or ("" if f not in ("email", "phone") else None)
                   for f in PERSON_FIELDS} for row in rows]
        if not params:
            return
        ids = insert_returning_ids(Person.__table__, params)
        for row, pid in zip(rows, ids, strict=True):
            self.person_of_line[row.line] = pid
            row.person_id, row.outcome = pid, "created"
        self._tokens("person", {pid: person_tokens(p) for pid, p in zip(ids, params,
                                                                         strict=True)})
        self._audit("create", "person", [(pid, {"name": [None, _display(p)]})
                                         for pid, p in zip(ids, params, strict=True)])
        self.created_ids.update(ids)
        self.job.created_count = len(self.created_ids)
        webhooks.emit_each("person.created", Person, ids)

    def _fill_blanks(self, rows: list) -> None:
        """Known people keep what they have; the file only fills what is empty."""
        ids = {row.person_id for row in rows}
        query = select(Person.id, *[getattr(Person, f) for f in PERSON_FIELDS]).where(
            Person.id.in_(ids))
        people = {pid: dict(zip(PERSON_FIELDS, values, strict=True))
                  for pid, *values in db.session.execute(query)}
        changes = {}
        for row in rows:
            row.outcome = "updated"
            current = people[row.person_id]
            filled = {f: row.values[f] for f in PERSON_FIELDS
                      if row.values.get(f) and not current[f]}
            if filled:
                current.update(filled)
                changes.setdefault(row.person_id, {}).update(filled)
        for person_id, filled in changes.items():
            db.session.execute(update(Person).where(Person.id == person_id).values(
                **filled, version=Person.version + 1))
        if changes:
            db.session.execute(delete(SearchToken).where(
                SearchToken.entity_type == "person", SearchToken.entity_id.in_(changes)))
            self._tokens("person", {pid: person_tokens(people[pid]) for pid in changes})
        self._audit("update", "person", [(pid, {f: [None, v] for f, v in filled.items()})
                                         for pid, filled in changes.items()])
        self.updated_ids |= ids - self.created_ids
        self.job.updated_count = len(self.updated_ids)

    def _link(self, rows: list) -> None:
        """Memberships and participations that do not exist yet."""
        organizations = self._organization_ids(rows)
        self._remember_links_of({row.person_id for row in rows})
        members, taking_part = self.members, self.taking_part
        new_members, new_participations = [], []
        for row in rows:
            org_id = organizations.get(fold(row.values.get("organization") or ""))
            if org_id and (row.person_id, org_id) not in members:
                members.add((row.person_id, org_id))
                new_members.append({"person_id": row.person_id, "organization_id": org_id,
                                    "role": MembershipRole.MEMBER})
            session_id = row.values.get("session_id")
            if session_id and (row.person_id, session_id) not in taking_part:
                taking_part.add((row.person_id, session_id))
                new_participations.append({
                    "person_id": row.person_id, "session_id": session_id,
                    "role": row.values["role"], "attended": row.values.get("attended", False)})
        copy_rows(Membership.__table__, new_members)
        copy_rows(Participation.__table__, new_participations)
        self.job.participation_count += len(new_participations)

    def _remember_links_of(self, person_ids: set[int]) -> None:
        """Add to the pairs this job made the memberships and participations of the people
        it did not create (those it created have only the ones it made)."""
        known = person_ids - self.created_ids
        if known:
            self.members.update(db.session.execute(
                select(Membership.person_id, Membership.organization_id)
                .where(Membership.person_id.in_(known))).all())
            self.taking_part.update(db.session.execute(
                select(Participation.person_id, Participation.session_id)
                .where(Participation.person_id.in_(known))).all())

    def import_chunk(self, rows: list) -> None:
        creating, known, repeats = [], [], []
        for row in rows:
            if row.status == RowStatus.INVALID:
                row.outcome = "rejected"
            elif row.status == RowStatus.SAME_AS_ROW:
                repeats.append(row)
            elif row.status == RowStatus.MATCH and row.use_match:
                known.append(row)
            else:
                creating.append(row)
        self._create_people(creating)
        for row in known:
            self.person_of_line[row.line] = row.person_id
        for row in repeats:  # their first line is in this chunk or an earlier one
            row.person_id = self.person_of_line.get(row.same_as_line)
            (known if row.person_id else creating).append(row)
        self._create_people([row for row in creating if row.person_id is None])
        if known:
            self._fill_blanks(known)
        linked = [row for row in rows if row.person_id and row.outcome != "rejected"]
        if linked:
            self._link(linked)
        _record_outcomes(rows)

def _arabic(text: str) -> bool:
    return has_arabic(text)


def _display(values: dict) -> str:
    return f"{values.get('first_name') or ''} {values.get('last_name') or ''}".strip() or (
        values.get("name_arabic") or "")


def _record_outcomes(rows: list) -> None:
    """Who each line became and what happened to it: on PostgreSQL through a temporary table
    filled by COPY and one UPDATE, elsewhere one batched UPDATE."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(
            ROWS.update().where(ROWS.c.id == bindparam("row_id")).values(
                person_id=bindparam("person"), outcome=bindparam("result")),
            [{"row_id": r.id, "person": r.person_id, "result": r.outcome} for r in rows])
        return
    connection.execute(text("CREATE TEMPORARY TABLE IF NOT EXISTS import_outcomes "
                            "(id integer, person_id integer, outcome varchar(20))"))
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy("COPY import_outcomes (id, person_id, outcome) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row.id, row.person_id, row.outcome))
    connection.execute(text("UPDATE import_rows SET person_id = o.person_id, outcome = o.outcome "
                            "FROM import_outcomes o WHERE import_rows.id = o.id"))
    connection.execute(text("DELETE FROM import_outcomes"))
