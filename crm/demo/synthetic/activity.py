"""Forums (one a year, 2021 to 2026) with their sessions and participations."""

from datetime import date, datetime, time, timedelta

from crm.demo.forum import CLOSING, PLENARY, THEME
from crm.demo.synthetic import names
from crm.demo.synthetic.world import COHORTS, World
from crm.forums.models import Forum, ForumSession, Participation, ParticipationRole, SessionKind

# Of the people, the share met at each edition (editions grow).
FORUM_SHARES = [0.035, 0.04, 0.045, 0.05, 0.055, 0.06]
P = ParticipationRole


def _forum_day(year: int) -> date:
    """The third Thursday of October."""
    first = date(year, 10, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 14)


def plan_forums(world: World) -> dict[str, list[dict]]:
    """Forum, session and participation rows; people met at a forum were recorded then."""
    writer = world.writer
    first_forum = writer.reserve(Forum.__table__, len(COHORTS))
    first_session = writer.reserve(ForumSession.__table__, 12 * len(COHORTS))
    rows: dict[str, list[dict]] = {"forums": [], "sessions": [], "participations": []}
    for number, year in enumerate(int(c) for c in COHORTS):
        held_on = _forum_day(year)
        forum_id, sessions = first_forum + number, first_session + 12 * number
        opened = datetime.combine(held_on - timedelta(days=90), time(9))
        rows["forums"].append({
            "id": forum_id, "name": f"Forum national du tiers secteur {year}",
            "number": number + 1, "held_on": held_on, "city": names.FORUM_CITIES[number],
            "theme": THEME, "created_at": opened, "updated_at": opened, "version": 1})
        titles = [(SessionKind.PLENARY, PLENARY)] + [
            (SessionKind.WORKSHOP, w) for w in names.WORKSHOP_NAMES] + [
            (SessionKind.CLOSING, CLOSING)]
        rows["sessions"] += [{"id": sessions + i, "forum_id": forum_id, "kind": kind.value,
                              "position": i + 1, "name_fr": fr, "name_ar": ar, "name_en": en}
                             for i, (kind, (fr, ar, en)) in enumerate(titles)]
        rows["participations"] += _participations(world, held_on, sessions,
                                                  FORUM_SHARES[number])
    first = writer.reserve(Participation.__table__, len(rows["participations"]))
    for offset, row in enumerate(rows["participations"]):
        row["id"] = first + offset
        if row.pop("_workshop"):
            world.participations.setdefault(row["person_id"], []).append(
                (row["id"], row.pop("_held_on")))
        else:
            row.pop("_held_on")
    return rows


def _participations(world: World, held_on: date, sessions: int, share: float) -> list[dict]:
    """Everyone at the plenary and one workshop, half of them at the closing; a few speak or
    moderate. People registered some weeks before the forum."""
    rng, people = world.rng, world.people
    chosen = rng.sample(range(len(people)), min(len(people), max(3, round(len(people) * share))))
    speakers = min(42, len(chosen) // 6)
    past = held_on < world.today
    rows = []
    for rank, index in enumerate(chosen):
        person = people[index]
        registered = datetime.combine(held_on - timedelta(days=rng.randint(5, 60)), time(10))
        person["created_at"] = person["updated_at"] = min(person["created_at"], registered)
        role = P.SPEAKER if rank < speakers else P.MODERATOR if rank < speakers + 10 else (
            P.ORGANIZER if rank < speakers + 13 else P.PARTICIPANT)
        workshop = sessions + 1 + rank % 10
        taken = [(sessions, P.PARTICIPANT, False), (workshop, role, True)]
        if rng.random() < 0.5:
            taken.append((sessions + 11, P.PARTICIPANT, False))
        for session, session_role, is_workshop in taken:
            rows.append({"session_id": session, "person_id": person["id"],
                         "role": session_role.value, "attended": past and rng.random() < 0.85,
                         "created_at": registered, "updated_at": registered,
                         "_workshop": is_workshop, "_held_on": held_on})
    return rows


def write_forums(world: World, rows: dict[str, list[dict]]) -> None:
    writer = world.writer
    writer.write_all(Forum.__table__, rows["forums"], "forums", len(rows["forums"]))
    writer.write_all(ForumSession.__table__, rows["sessions"], "forum_sessions",
                     len(rows["sessions"]))
    writer.write_all(Participation.__table__, rows["participations"], "participations",
                     len(rows["participations"]))
