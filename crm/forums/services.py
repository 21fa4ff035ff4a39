"""Forum editions, their sessions, participations, and what became of the people met."""

from datetime import date

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz

from crm.audit import services as audit
from crm.common.text import fold
from crm.errors import ServiceError
from crm.extensions import db
from crm.forums.models import Forum, ForumSession, Participation, ParticipationRole, SessionKind
from crm.people.models import Person

WORKSHOP_MATCH = 85


def list_forums() -> list[Forum]:
    return list(db.session.scalars(db.select(Forum).order_by(Forum.held_on.desc())))


def get_forum(forum_id: int) -> Forum | None:
    return db.session.get(Forum, forum_id, options=[db.selectinload(Forum.sessions)])


def create_forum(actor, name: str, held_on: date, number: int | None = None, city: str = "",
                 theme: str = "") -> Forum:
    if not name.strip():
        raise ServiceError(_l("Give the forum a name."), field="name")
    forum = Forum(name=name.strip(), held_on=held_on, number=number, city=city.strip(),
                  theme=theme.strip())
    db.session.add(forum)
    db.session.flush()
    audit.record(actor, "create", "forum", forum.id, audit.snapshot(
        forum, ["name", "number", "held_on", "city", "theme"]))
    db.session.commit()
    return forum


def add_session(actor, forum: Forum, kind: SessionKind, name_fr: str, name_ar: str = "",
                name_en: str = "") -> ForumSession:
    if not name_fr.strip():
        raise ServiceError(_l("Give the session a name."), field="name_fr")
    session = ForumSession(forum=forum, kind=kind, name_fr=name_fr.strip(),
                           name_ar=name_ar.strip(), name_en=name_en.strip(),
                           position=len(forum.sessions) + 1)
    db.session.add(session)
    db.session.flush()
    audit.record(actor, "create", "forum_session", session.id, {"name_fr": [None, name_fr]})
    db.session.commit()
    return session


def session_finder(forum: Forum):
    """A function: workshop name as written in a file -> the matching session id, or None.
    An empty name means the plenary (everyone attends it)."""
    sessions = list(forum.sessions)
    plenary = next((s.id for s in sessions if s.kind == SessionKind.PLENARY), None)
    names = [(fold(n), s.id) for s in sessions for n in (s.name_fr, s.name_ar, s.name_en) if n]
    cache: dict[str, int | None] = {}

    def find(name: str) -> int | None:
        key = fold(" ".join(name.split()))
        if not key:
            return plenary
        if key not in cache:
            exact = next((sid for n, sid in names if n == key), None)
            if exact is None:
                scored = [(fuzz.ratio(key, n), sid) for n, sid in names]
                best = max(scored, default=(0, None))
                exact = best[1] if best[0] >= WORKSHOP_MATCH else None
            cache[key] = exact
        return cache[key]

    return find


def add_participation(actor, session: ForumSession, person: Person, role: ParticipationRole,
                      attended: bool = False) -> Participation:
    existing = db.session.scalar(db.select(Participation).where(
        Participation.session_id == session.id, Participation.person_id == person.id))
    if existing is not None:
        raise ServiceError(_l("This person is already listed in this session."))
    participation = Participation(session=session, person=person, role=role, attended=attended)
    db.session.add(participation)
    db.session.flush()
    audit.record(actor, "create", "participation", participation.id,
                 {"person_id": [None, person.id], "role": [None, role.value]})
    db.session.commit()
    return participation


def participations_of_session(session_id: int) -> list[Participation]:
    query = (db.select(Participation).where(Participation.session_id == session_id)
             .options(db.joinedload(Participation.person))
             .join(Participation.person).order_by(Person.last_name, Person.first_name))
    return list(db.session.scalars(query))


def participations_of_person(person_id: int) -> list[Participation]:
    query = (db.select(Participation).where(Participation.person_id == person_id)
             .options(db.joinedload(Participation.session).joinedload(ForumSession.forum)))
    return list(db.session.scalars(query))
