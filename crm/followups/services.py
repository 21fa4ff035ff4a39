"""Follow-ups: creating them one at a time or in bulk, closing them (the outcome becomes an
interaction), and listing what is overdue, due this week and later."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func

from crm.audit import services as audit
from crm.auth import services as auth
from crm.auth.models import User
from crm.auth.permissions import can_be_assigned
from crm.common.records import check_version, commit_or_conflict, update_record
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.followups.models import FollowUp, FollowUpKind, FollowUpStatus
from crm.interactions import services as interactions
from crm.interactions.models import Interaction, InteractionKind
from crm.projects import stale
from crm.webhooks import events as webhooks

ENTITY = "follow_up"
# The follow-ups listed per section of an agenda (rendering each row costs about 0.2 ms);
# the count says how many there are in all.
AGENDA_SECTION_SIZE = 25
# How many days ahead a reminder email looks.
REMINDER_DAYS = 3
# The interaction a done follow-up becomes.
INTERACTION_OF = {
    FollowUpKind.CALL: InteractionKind.CALL, FollowUpKind.MEETING: InteractionKind.MEETING,
    FollowUpKind.EMAIL: InteractionKind.EMAIL, FollowUpKind.VISIT: InteractionKind.VISIT,
    FollowUpKind.SEND_DOCUMENTS: InteractionKind.EMAIL,
}


def _check(assignee: User | None, title: str, due_on: date | None) -> None:
    if not can_be_assigned(assignee):
        raise ServiceError(_l("Choose who will do it."), field="assignee_id")
    if not (title or "").strip():
        raise ServiceError(_l("Say what is to be done."), field="title")
    if due_on is None:
        raise ServiceError(_l("Give a due date."), field="due_on")


def create_followup(actor, assignee: User, kind: FollowUpKind, title: str, due_on: date,
                    person=None, organization=None, project=None,
                    participation=None, shared: bool = False) -> FollowUp:
    """A task owed to a person, an organization or a project."""
    _check(assignee, title, due_on)
    if not (person or organization or project):
        raise ServiceError(_l("A follow-up is owed to a person, an organization or a project."))
    followup = FollowUp(kind=kind, title=title.strip(), due_on=due_on, assignee=assignee,
                        created_by_id=actor.id if actor else None, person=person,
                        organization=organization, project=project, participation=participation,
                        shared=shared)
    db.session.add(followup)
    db.session.flush()
    audit.record(actor, "create", ENTITY, followup.id, audit.snapshot(
        followup, ["kind", "title", "due_on", "assignee_id", "person_id", "organization_id",
                   "project_id", "shared"]))
    db.session.commit()
    return followup


def create_followups_for_people(actor, assignee: User, kind: FollowUpKind, title: str,
                                due_on: date, person_ids: list[int],
                                participation_of: dict[int, int] | None = None) -> int:
    """One follow-up per person (e.g. every speaker of a workshop, every imported attendee),
    skipping people who already have an open follow-up with the same title. Returns how many."""
    _check(assignee, title, due_on)
    title = title.strip()
    already = set(db.session.scalars(db.select(FollowUp.person_id).where(
        FollowUp.person_id.in_(person_ids), FollowUp.title == title,
        FollowUp.status == FollowUpStatus.OPEN)))
    wanted = [pid for pid in dict.fromkeys(person_ids) if pid not in already]
    participation_of = participation_of or {}
    created = [FollowUp(kind=kind, title=title, due_on=due_on, assignee_id=assignee.id,
                        created_by_id=actor.id if actor else None, person_id=pid,
                        participation_id=participation_of.get(pid)) for pid in wanted]
    db.session.add_all(created)
    db.session.flush()
    for followup in created:
        audit.record(actor, "create", ENTITY, followup.id, {
            "title": [None, title], "person_id": [None, followup.person_id],
            "assignee_id": [None, assignee.id], "due_on": [None, due_on.isoformat()]})
    db.session.commit()
    return len(created)


def complete_followup(actor, followup: FollowUp, outcome: str, expected_version=None,
                      done_on: date | None = None) -> Interaction:
    """Mark it done; what it led to is kept as an interaction on the same record."""
    if followup.status != FollowUpStatus.OPEN:
        raise ServiceError(_l("This follow-up is already closed."))
    if not outcome.strip():
        raise ServiceError(_l("Say what came of it."), field="outcome")
    check_version(followup, expected_version)  # before the interaction exists, not after
    done_on = done_on or date.today()
    interaction = Interaction(kind=INTERACTION_OF[followup.kind], occurred_on=done_on,
                              summary=followup.title[:300], notes=outcome.strip(),
                              person_id=followup.person_id,
                              organization_id=followup.organization_id,
                              project_id=followup.project_id,
                              author_id=actor.id if actor else None)
    db.session.add(interaction)
    db.session.flush()
    stale.note_activity(followup.project_id, done_on)
    update_record(actor, followup, ENTITY, expected_version, {
        "status": FollowUpStatus.DONE, "outcome": outcome.strip(), "done_at": utcnow(),
        "interaction_id": interaction.id})
    webhooks.emit("followup.done", followup)
    commit_or_conflict(followup)
    return interaction


def cancel_followup(actor, followup: FollowUp, expected_version=None) -> None:
    if followup.status != FollowUpStatus.OPEN:
        raise ServiceError(_l("This follow-up is already closed."))
    update_record(actor, followup, ENTITY, expected_version,
                  {"status": FollowUpStatus.CANCELLED})
    commit_or_conflict(followup)


def reschedule_followup(actor, followup: FollowUp, due_on: date, assignee: User,
                        expected_version=None) -> None:
    """Move the due date and/or give it to someone else."""
    if followup.status != FollowUpStatus.OPEN:
        raise ServiceError(_l("This follow-up is already closed."))
    _check(assignee, followup.title, due_on)
    update_record(actor, followup, ENTITY, expected_version,
                  {"due_on": due_on, "assignee_id": assignee.id})
    commit_or_conflict(followup)


def _open_of(assignee_id: int):
    return (db.select(FollowUp).where(FollowUp.assignee_id == assignee_id,
                                      FollowUp.status == FollowUpStatus.OPEN)
            .options(db.joinedload(FollowUp.person), db.joinedload(FollowUp.organization),
                     db.joinedload(FollowUp.project))
            .order_by(FollowUp.due_on, FollowUp.id))


@dataclass
class Agenda:
    """The soonest open follow-ups of each section (at most AGENDA_SECTION_SIZE each) and how
    many each section holds in all."""

    overdue: list[FollowUp]
    this_week: list[FollowUp]
    later: list[FollowUp]
    counts: dict[str, int]


def agenda(user: User, today: date | None = None) -> Agenda:
    """The user's open follow-ups: overdue, due this week (the next 7 days), later."""
    today = today or date.today()
    after_week = today + timedelta(days=8)
    section = case((FollowUp.due_on < today, "overdue"),
                   (FollowUp.due_on < after_week, "this_week"), else_="later")
    counts = {"overdue": 0, "this_week": 0, "later": 0} | dict(db.session.execute(
        db.select(section, func.count(FollowUp.id))
        .where(FollowUp.assignee_id == user.id, FollowUp.status == FollowUpStatus.OPEN)
        .group_by(section)).all())
    bounds = {"overdue": [FollowUp.due_on < today],
              "this_week": [FollowUp.due_on >= today, FollowUp.due_on < after_week],
              "later": [FollowUp.due_on >= after_week]}
    sections = {key: list(db.session.scalars(_open_of(user.id).where(*conditions)
                                             .limit(AGENDA_SECTION_SIZE)))
                for key, conditions in bounds.items()}
    return Agenda(**sections, counts=counts)


def open_followups(user: User) -> list[FollowUp]:
    """Every open follow-up of the user, soonest first (the calendar feed)."""
    return list(db.session.scalars(_open_of(user.id)))


def reminder_recipients(today: date | None = None, days: int = REMINDER_DAYS) -> list[User]:
    """Active users with an open follow-up overdue or due within `days` days."""
    today = today or date.today()
    due = db.select(FollowUp.id).where(
        FollowUp.assignee_id == User.id, FollowUp.status == FollowUpStatus.OPEN,
        FollowUp.due_on <= today + timedelta(days=days))
    query = db.select(User).where(User.active.is_(True), due.exists()).order_by(User.id)
    return list(db.session.scalars(query))


def announce_due_followups(today: date) -> None:
    """The "followup.due" webhook event for each open follow-up falling due `today` (sent by
    the daily reminders)."""
    if webhooks.is_listened_to("followup.due"):
        query = db.select(FollowUp).where(FollowUp.due_on == today,
                                          FollowUp.status == FollowUpStatus.OPEN)
        for followup in db.session.scalars(query):
            webhooks.emit("followup.due", followup)
    db.session.commit()


def due_for_reminder(user: User, today: date | None = None,
                     days: int = REMINDER_DAYS) -> list[FollowUp]:
    """Overdue and due within `days` days: what a reminder email lists."""
    today = today or date.today()
    query = _open_of(user.id).where(FollowUp.due_on <= today + timedelta(days=days))
    return list(db.session.scalars(query))


def followups_of(person_id=None, organization_id=None, project_id=None,
                 rolled_up: bool = False, limit: int | None = None) -> list[FollowUp]:
    """The follow-ups of one record: open ones first (soonest due), then the closed ones;
    `rolled_up`, for an organization: those of its projects and members too."""
    closed_last = case((FollowUp.status == FollowUpStatus.OPEN, 0), else_=1)
    query = (db.select(FollowUp).options(db.joinedload(FollowUp.assignee))
             .order_by(closed_last, FollowUp.due_on, FollowUp.id).limit(limit))
    if person_id:
        query = query.where(FollowUp.person_id == person_id)
    if organization_id and rolled_up:
        query = query.where(interactions.about_organization(FollowUp, organization_id))
    elif organization_id:
        query = query.where(FollowUp.organization_id == organization_id)
    if project_id:
        query = query.where(FollowUp.project_id == project_id)
    return list(db.session.scalars(query))


def get_followup(followup_id: int) -> FollowUp | None:
    return db.session.get(FollowUp, followup_id)


def assignees() -> list[User]:
    """Who a follow-up may be given to (`auth.services.list_assignable_users`)."""
    return auth.list_assignable_users()


def get_assignee(user_id: int) -> User | None:
    """A user whose follow-ups a manager looks at (deactivated ones may still hold some)."""
    return db.session.get(User, user_id)
