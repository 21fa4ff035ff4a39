"""Forum editions, their sessions, participations, and what became of the people met."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz
from sqlalchemy import Select, case, exists, func, or_, update
from sqlalchemy.exc import IntegrityError

from crm.audit import services as audit
from crm.common.records import commit_or_conflict, update_record
from crm.common.text import fold
from crm.errors import ServiceError
from crm.extensions import db
from crm.followups.models import FollowUp, FollowUpStatus
from crm.forums.models import Forum, ForumSession, Participation, ParticipationRole, SessionKind
from crm.interactions.models import Interaction
from crm.organizations.models import Membership
from crm.people.models import Person
from crm.projects.models import Project

WORKSHOP_MATCH = 85
# "Followed up within 30 days": what the foundation promises the people it meets.
FOLLOW_UP_WINDOW_DAYS = 30
# The people who led a session: listed on the forum page, followed up first.
LEADING_ROLES = (ParticipationRole.SPEAKER, ParticipationRole.MODERATOR)
ROLE_ORDER = case({ParticipationRole.SPEAKER: 0, ParticipationRole.MODERATOR: 1,
                   ParticipationRole.ORGANIZER: 2}, value=Participation.role, else_=3)


def list_forums() -> Select:
    """The editions, newest first."""
    return db.select(Forum).order_by(Forum.held_on.desc(), Forum.id.desc())


def edition_choices() -> list[tuple[int, str]]:
    """(id, name) of every edition, newest first, for filter forms (no objects built)."""
    return [(row.id, row.name) for row in db.session.execute(
        list_forums().with_only_columns(Forum.id, Forum.name))]


@dataclass
class ForumCounts:
    sessions: int = 0
    people: int = 0


def forum_counts(forum_ids: list[int]) -> dict[int, ForumCounts]:
    """How many sessions and distinct people each forum has, in one query."""
    query = (db.select(ForumSession.forum_id, func.count(ForumSession.id.distinct()),
                       func.count(Participation.person_id.distinct()))
             .outerjoin(Participation, Participation.session_id == ForumSession.id)
             .where(ForumSession.forum_id.in_(forum_ids)).group_by(ForumSession.forum_id))
    counts = {forum_id: ForumCounts() for forum_id in forum_ids}
    for forum_id, sessions, people in db.session.execute(query):
        counts[forum_id] = ForumCounts(sessions, people)
    return counts


def get_forum(forum_id: int) -> Forum | None:
    return db.session.get(Forum, forum_id, options=[db.selectinload(Forum.sessions)])


FORUM_FIELDS = ["name", "number", "held_on", "city", "theme"]


def _clean_forum(data: dict) -> dict:
    """The rules of an edition, created or changed: a name, texts trimmed."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if not data.get("name"):
        raise ServiceError(_l("Give the forum a name."), field="name")
    return data


def create_forum(actor, name: str, held_on: date, number: int | None = None, city: str = "",
                 theme: str = "") -> Forum:
    forum = Forum(**_clean_forum({"name": name, "held_on": held_on, "number": number,
                                  "city": city, "theme": theme}))
    db.session.add(forum)
    db.session.flush()
    audit.record(actor, "create", "forum", forum.id, audit.snapshot(forum, FORUM_FIELDS))
    db.session.commit()
    return forum


def update_forum(actor, forum: Forum, expected_version, **data) -> dict:
    """Change an edition's name, date, number, city or theme, if `expected_version` is still
    the saved one (a ConflictError otherwise)."""
    unknown = set(data) - set(FORUM_FIELDS)
    if unknown:
        raise TypeError(f"update_forum() got unknown fields {sorted(unknown)}")
    changes = update_record(actor, forum, "forum", expected_version, _clean_forum(
        {name: data.get(name, getattr(forum, name)) for name in FORUM_FIELDS}))
    commit_or_conflict(forum)
    return changes


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


def get_participation(participation_id: int) -> Participation | None:
    return db.session.get(Participation, participation_id)


def change_participation(actor, participation: Participation,
                         role: ParticipationRole | None = None,
                         attended: bool | None = None) -> dict:
    """Give a participant another role, or say whether they attended (None: unchanged)."""
    data = {}
    if role is not None:
        data["role"] = ParticipationRole(role)
    if attended is not None:
        data["attended"] = bool(attended)
    changes = audit.apply_changes(participation, data)
    if changes:
        audit.record(actor, "update", "participation", participation.id, changes)
    db.session.commit()
    return changes


def remove_participation(actor, participation: Participation) -> None:
    """Take a person off a session's list. The follow-ups made from that participation stay,
    unlinked from it (the foreign key is ON DELETE SET NULL: the audit entry names them)."""
    followups = list(db.session.scalars(db.select(FollowUp.id).where(
        FollowUp.participation_id == participation.id).order_by(FollowUp.id)))
    changes = {"person_id": [participation.person_id, None],
               "session_id": [participation.session_id, None],
               "role": [participation.role.value, None]}
    if followups:
        changes["followups_unlinked"] = [followups, None]
        db.session.execute(update(FollowUp).where(FollowUp.participation_id == participation.id)
                           .values(participation_id=None))
    audit.record(actor, "delete", "participation", participation.id, changes)
    db.session.delete(participation)
    try:
        db.session.commit()
    except IntegrityError as error:  # a reference added later, that the database refuses
        db.session.rollback()
        raise ServiceError(_l("This participation is still referred to by other records: "
                              "it cannot be removed.")) from error


def participations_of_session(session_id: int) -> list[Participation]:
    query = (db.select(Participation).where(Participation.session_id == session_id)
             .options(db.joinedload(Participation.person))
             .join(Participation.person).order_by(Person.last_name, Person.first_name))
    return list(db.session.scalars(query))


def participations_of_person(person_id: int) -> list[Participation]:
    query = (db.select(Participation).where(Participation.person_id == person_id)
             .options(db.joinedload(Participation.session).joinedload(ForumSession.forum)))
    return list(db.session.scalars(query))


def session_choices() -> list[tuple[int, str]]:
    """Every session, newest edition first, named with its edition (a bulk action's
    picker)."""
    query = (db.select(ForumSession).join(ForumSession.forum)
             .options(db.contains_eager(ForumSession.forum))
             .order_by(Forum.held_on.desc(), Forum.id.desc(), ForumSession.position,
                       ForumSession.id))
    return [(s.id, f"{s.forum.name} — {s.name}") for s in db.session.scalars(query)]


def get_session(session_id: int) -> ForumSession | None:
    return db.session.get(ForumSession, session_id, options=[db.joinedload(ForumSession.forum)])


def list_participations(session_id: int) -> Select:
    """Everyone listed in a session: speakers and moderators first, then by name."""
    return (db.select(Participation).join(Participation.person)
            .where(Participation.session_id == session_id)
            .options(db.contains_eager(Participation.person))
            .order_by(ROLE_ORDER, Person.last_name, Person.first_name, Participation.id))


def leading_participations(forum: Forum) -> dict[int, list[Participation]]:
    """Session id -> who spoke, moderated or organized it, for every session in one query."""
    query = (db.select(Participation).join(Participation.person).join(Participation.session)
             .where(ForumSession.forum_id == forum.id,
                    Participation.role != ParticipationRole.PARTICIPANT)
             .options(db.contains_eager(Participation.person))
             .order_by(ROLE_ORDER, Person.last_name, Person.first_name, Participation.id))
    grouped: dict[int, list[Participation]] = {s.id: [] for s in forum.sessions}
    for participation in db.session.scalars(query):
        grouped.setdefault(participation.session_id, []).append(participation)
    return grouped


def people_of_session(session: ForumSession, roles=None) -> dict[int, int]:
    """Person id -> participation id, for everyone of the session (or only these roles)."""
    query = db.select(Participation.person_id, Participation.id).where(
        Participation.session_id == session.id)
    if roles:
        query = query.where(Participation.role.in_(list(roles)))
    return dict(db.session.execute(query.order_by(Participation.id)).all())


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _followed_up(person_id, since: date, until: date | None = None):
    """SQL condition: the person got a follow-up (not cancelled) created, or an interaction
    dated, on or after `since` (and up to `until`, inclusive, when given)."""
    followup = db.select(FollowUp.id).where(
        FollowUp.person_id == person_id, FollowUp.status != FollowUpStatus.CANCELLED,
        FollowUp.created_at >= _start_of(since))
    interaction = db.select(Interaction.id).where(
        Interaction.person_id == person_id, Interaction.occurred_on >= since)
    if until is not None:
        followup = followup.where(FollowUp.created_at < _start_of(until + timedelta(days=1)))
        interaction = interaction.where(Interaction.occurred_on <= until)
    return or_(exists(followup), exists(interaction))


def _became_project(person_id, since: date):
    """SQL condition: an organization of the person has a live project created since then."""
    return exists(db.select(Project.id).join(
        Membership, Membership.organization_id == Project.organization_id).where(
        Membership.person_id == person_id, Project.archived_at.is_(None),
        Project.created_at >= _start_of(since)))


def followed_up_people(person_ids, since: date) -> set[int]:
    """Among these people, those followed up since the date (one query)."""
    ids = list(person_ids)
    if not ids:
        return set()
    query = db.select(Person.id).where(Person.id.in_(ids), _followed_up(Person.id, since))
    return set(db.session.scalars(query))


@dataclass
class Figures:
    """What became of the people of a session (or of a whole edition)."""

    people: int = 0
    attended: int = 0
    leading: int = 0
    followed_up: int = 0
    followed_up_in_window: int = 0
    became_projects: int = 0


def _figure_conditions(forum: Forum) -> list:
    """What each figure counts, in the order of Figures (None: everyone)."""
    window_end = forum.held_on + timedelta(days=FOLLOW_UP_WINDOW_DAYS)
    person = Participation.person_id
    return [
        None,
        Participation.attended.is_(True),
        Participation.role.in_(LEADING_ROLES),
        _followed_up(person, forum.held_on),
        _followed_up(person, forum.held_on, window_end),
        _became_project(person, forum.held_on),
    ]


def session_figures(forum: Forum, session_id: int | None = None) -> dict[int, Figures]:
    """Session id -> its figures, for every session (or just one) in one GROUP BY query."""
    columns = [func.count() if condition is None else func.sum(case((condition, 1), else_=0))
               for condition in _figure_conditions(forum)]
    query = (db.select(Participation.session_id, *columns).join(Participation.session)
             .where(ForumSession.forum_id == forum.id).group_by(Participation.session_id))
    if session_id is not None:
        query = query.where(Participation.session_id == session_id)
    figures = {s.id: Figures() for s in forum.sessions
               if session_id is None or s.id == session_id}
    for row_session_id, *values in db.session.execute(query):
        figures[row_session_id] = Figures(*(int(v or 0) for v in values))
    return figures


def forum_figures(forum: Forum) -> Figures:
    """The same figures for the whole edition, each person counted once."""
    person = Participation.person_id
    columns = [func.count(person.distinct()) if condition is None
               else func.count(case((condition, person)).distinct())
               for condition in _figure_conditions(forum)]
    query = (db.select(*columns).select_from(Participation).join(Participation.session)
             .where(ForumSession.forum_id == forum.id))
    return Figures(*(int(v or 0) for v in db.session.execute(query).one()))


def _days_after(day, days: int):
    """SQL: the start of the day `days` days after a date column."""
    if db.session.get_bind().dialect.name == "postgresql":
        return day + timedelta(days=days)
    return func.date(day, f"+{days} day")


@dataclass
class Outcome:
    """What became of the people met at one edition (each person counted once)."""

    forum: Forum
    people: int
    followed_up_in_window: int
    became_projects: int


def outcomes(start: date | None = None, end: date | None = None) -> list[Outcome]:
    """Every edition held between the dates, newest first, in one query: the people met, those
    followed up within the window, those whose organization then got a project."""
    met = (db.select(ForumSession.forum_id, Participation.person_id, Forum.held_on)
           .join(Participation.session).join(ForumSession.forum).distinct())
    if start:
        met = met.where(Forum.held_on >= start)
    if end:
        met = met.where(Forum.held_on <= end)
    met = met.subquery()
    window_end = _days_after(met.c.held_on, FOLLOW_UP_WINDOW_DAYS + 1)
    followed = or_(
        exists(db.select(FollowUp.id).where(
            FollowUp.person_id == met.c.person_id, FollowUp.status != FollowUpStatus.CANCELLED,
            FollowUp.created_at >= met.c.held_on, FollowUp.created_at < window_end)),
        exists(db.select(Interaction.id).where(
            Interaction.person_id == met.c.person_id, Interaction.occurred_on >= met.c.held_on,
            Interaction.occurred_on < window_end)))
    became = exists(db.select(Project.id).join(
        Membership, Membership.organization_id == Project.organization_id).where(
        Membership.person_id == met.c.person_id, Project.archived_at.is_(None),
        Project.created_at >= met.c.held_on))
    query = db.select(met.c.forum_id, func.count(), func.sum(case((followed, 1), else_=0)),
                      func.sum(case((became, 1), else_=0))).group_by(met.c.forum_id)
    figures = {fid: (n, int(f or 0), int(b or 0)) for fid, n, f, b in db.session.execute(query)}
    forums = db.session.scalars(db.select(Forum).where(Forum.id.in_(figures))
                                .order_by(Forum.held_on.desc(), Forum.id.desc()))
    return [Outcome(forum, *figures[forum.id]) for forum in forums]
