"""Follow-ups owed to projects, organizations and people (forum contacts among them): mostly
done in the past, some cancelled, some open and overdue, some open and upcoming. A done one
became an interaction on the same record, as crm.followups.services.complete_followup does."""

from datetime import date, datetime, time, timedelta

from crm.demo.synthetic import names
from crm.demo.synthetic.world import World
from crm.demo.synthetic.writer import batches
from crm.followups.models import FollowUp, FollowUpKind, FollowUpStatus
from crm.followups.services import INTERACTION_OF
from crm.interactions.models import Interaction

DONE, CANCELLED, OPEN = (s.value for s in (FollowUpStatus.DONE, FollowUpStatus.CANCELLED,
                                           FollowUpStatus.OPEN))
KINDS = [k.value for k in FollowUpKind]
KIND_WEIGHTS = [30, 25, 25, 10, 10]  # call, meeting, email, visit, send documents
INTERACTION_KIND = {k.value: INTERACTION_OF[k].value for k in FollowUpKind}


def _targets(world: World) -> list[tuple[str, int]]:
    """(kind of target, index) of every follow-up: half projects (the further along, the more
    follow-ups), some organizations, the rest people, half of them forum contacts."""
    rng, total = world.rng, world.counts["follow_ups"]
    on_projects, on_orgs = round(total * 0.5), round(total * 0.15)
    on_people = total - on_projects - on_orgs
    contacts = sorted(world.participations)
    by_id = {p["id"]: i for i, p in enumerate(world.people)} if contacts else {}
    weights = [len(plan.path) for plan in world.projects]
    targets = [("project", i) for i in rng.choices(range(len(world.projects)), weights,
                                                    k=on_projects)]
    targets += [("organization", rng.randrange(len(world.organizations)))
                for _ in range(on_orgs)]
    for _ in range(on_people):
        if contacts and rng.random() < 0.55:
            targets.append(("contact", by_id[rng.choice(contacts)]))
        else:
            targets.append(("person", rng.randrange(len(world.people))))
    rng.shuffle(targets)
    return targets


def _officers_of_organizations(world: World) -> list[int | None]:
    officers: list[int | None] = [None] * len(world.organizations)
    for plan in world.projects:
        if officers[plan.organization] is None:
            officers[plan.organization] = plan.officer_id
    return officers


class FollowUpMaker:
    def __init__(self, world: World):
        self.world, self.rng = world, world.rng
        self.org_officer = _officers_of_organizations(world)
        self.today = world.today

    def _target(self, kind: str, index: int) -> tuple[dict, date, int | None]:
        """The row's target columns, the first day it can be due, the officer in charge."""
        world = self.world
        columns = {"person_id": None, "organization_id": None, "project_id": None,
                   "participation_id": None}
        if kind == "project":
            plan = world.projects[index]
            columns["project_id"] = plan.id
            return columns, plan.start.date(), plan.officer_id
        if kind == "organization":
            org = world.organizations[index]
            columns["organization_id"] = org["id"]
            return columns, org["created_at"].date(), self.org_officer[index]
        person = world.people[index]
        columns["person_id"] = person["id"]
        earliest = person["created_at"].date()
        if kind == "contact":
            participation, held_on = self.rng.choice(world.participations[person["id"]])
            columns["participation_id"] = participation
            earliest = held_on + timedelta(days=1)
        return columns, earliest, self.org_officer[person["_organizations"][0]]

    def row(self, kind: str, index: int) -> dict:
        rng, today = self.rng, self.today
        columns, earliest, officer = self._target(kind, index)
        draw = rng.random()
        if earliest >= today or draw >= 0.84:
            status, due = OPEN, self.world.day(max(today, earliest), today + timedelta(days=60))
        elif draw >= 0.74:
            status = OPEN
            due = self.world.day(max(earliest, today - timedelta(days=150)),
                                 today - timedelta(days=1))
        else:
            status = DONE if draw < 0.68 else CANCELLED
            due = self.world.day(earliest, today - timedelta(days=1))
        kind_value = rng.choices(KINDS, KIND_WEIGHTS)[0]
        created = datetime.combine(max(earliest, due - timedelta(days=rng.randint(1, 30))),
                                   time(rng.randint(8, 17), rng.randint(0, 59)))
        closed = None
        if status != OPEN:
            day = min(today - timedelta(days=1), due + timedelta(days=rng.randint(-3, 7)))
            closed = max(created + timedelta(minutes=5),
                         datetime.combine(day, time(rng.randint(8, 18), rng.randint(0, 59))))
        assignee = officer or rng.choice(self.world.officers)
        return {**columns, "kind": kind_value, "title": rng.choice(
                    names.FOLLOW_UP_TITLES[kind_value]),
                "due_on": due, "status": status, "outcome": "", "done_at": None,
                "shared": kind in ("project", "organization") and rng.random() < 0.1,
                "assignee_id": assignee, "created_by_id": assignee, "interaction_id": None,
                "created_at": created, "updated_at": closed or created,
                "version": 1 if closed is None else 2, "_closed": closed}

    def interaction(self, row: dict, interaction_id: int) -> dict:
        """What the done follow-up led to; the follow-up points to it."""
        closed = row["_closed"]
        row.update(outcome=self.rng.choice(names.OUTCOMES), done_at=closed,
                   interaction_id=interaction_id)
        return {"id": interaction_id, "kind": INTERACTION_KIND[row["kind"]],
                "occurred_on": closed.date(), "summary": row["title"], "notes": row["outcome"],
                "person_id": row["person_id"], "organization_id": row["organization_id"],
                "project_id": row["project_id"], "author_id": row["assignee_id"],
                "created_at": closed, "updated_at": closed}


def write_followups(world: World) -> None:
    """Follow-ups batch by batch, each batch's interactions written just before it."""
    writer, maker = world.writer, FollowUpMaker(world)
    targets = _targets(world)
    first = writer.reserve(FollowUp.__table__, len(targets))
    writer.progress.start("follow_ups + interactions", len(targets))
    for batch in batches(targets, writer.batch_size):
        rows = [maker.row(kind, index) for kind, index in batch]
        done = [row for row in rows if row["status"] == DONE]
        first_interaction = writer.reserve(Interaction.__table__, len(done))
        writer.write(Interaction.__table__, [maker.interaction(row, first_interaction + i)
                                             for i, row in enumerate(done)])
        for row in rows:
            row["id"] = first
            first += 1
            del row["_closed"]
        writer.write(FollowUp.__table__, rows)
        writer.progress.advance(len(rows))
    writer.progress.finish()
