"""Projects and their stage histories.

Each history starts in "identified" on the day the project started and moves forward stage by
stage, sometimes back a stage and forward again, or into "withdrawn" for a pause and back; it
ends at the project's current stage, maybe through an exit ("declined", "withdrawn"). Current
stages form a funnel that older cohorts have travelled further down. The number of back-and-
forth moves is what brings the transitions to their target count (ten per project at scale 1).
"""

from collections import Counter
from datetime import datetime, timedelta

from crm.demo.synthetic import names
from crm.demo.synthetic.world import COHORTS, ProjectPlan, World
from crm.pipeline.models import StageTransition
from crm.projects.models import Project

STAGES = ["identified", "contacted", "applied", "assessed", "incubated", "accelerated",
          "alumni"]
EXITS = ["declined", "withdrawn"]
COHORT_WEIGHTS = [17, 17, 17, 17, 17, 15]
# Where projects stand now (STAGES then EXITS), in the oldest and in the newest cohort; the
# cohorts between are in proportion.
OLDEST = [5, 7, 8, 10, 12, 13, 12, 18, 15]
NEWEST = [34, 25, 14, 11, 8, 3, 0, 3, 2]
# The stage (index in STAGES) a project leaves from, per exit.
EXIT_FROM = {"declined": ([1, 2, 3], [25, 40, 35]),
             "withdrawn": ([1, 2, 3, 4, 5], [20, 20, 15, 30, 15])}
# Days usually spent in a stage before the next move.
STAY = {"identified": (3, 45), "contacted": (7, 60), "applied": (15, 75),
        "assessed": (10, 45), "incubated": (120, 270), "accelerated": (120, 360),
        "alumni": (60, 200), "declined": (30, 180), "withdrawn": (30, 180)}
SHORT_STAY = (5, 30)  # at a stage gone back to, before moving forward again
PAUSE_SHARE = 0.2  # of the back-and-forth moves, those that are a pause in "withdrawn"


def _open_cohorts(world: World) -> tuple[list[str], list[int]]:
    """The cohorts whose year has begun (at least two days ago)."""
    pairs = [(c, w) for c, w in zip(COHORTS, COHORT_WEIGHTS, strict=True)
             if datetime(int(c), 1, 3) < world.horizon]
    return [c for c, _ in pairs], [w for _, w in pairs]


def _final_stage(world: World, cohort: str) -> str:
    t = COHORTS.index(cohort) / (len(COHORTS) - 1)
    weights = [old * (1 - t) + new * t for old, new in zip(OLDEST, NEWEST, strict=True)]
    return world.rng.choices(STAGES + EXITS, weights)[0]


def _top(stage: str, world: World) -> int:
    """The furthest stage (index) reached on the way forward."""
    if stage in EXITS:
        choices, weights = EXIT_FROM[stage]
        return world.rng.choices(choices, weights)[0]
    return STAGES.index(stage)


def _assign_projects(world: World) -> list[int]:
    """The organization (index) of each project: three quarters of them carry projects."""
    rng, orgs = world.rng, len(world.organizations)
    count = world.counts["projects"]
    carriers = rng.sample(range(orgs), min(orgs, count, round(orgs * 0.75) or 1))
    sizes = [rng.lognormvariate(0, 0.7) for _ in carriers]
    return carriers + rng.choices(carriers, sizes, k=count - len(carriers))


def _path(top: int, final: str, loops: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """[(stage, kind)] forward to `top` with the loops inserted, then the exit if any.
    kind: "forward", "back" (a stage gone back to), "pause", "resume"."""
    at_stage: dict[int, list[str]] = {}
    for position, kind in loops:
        at_stage.setdefault(position, []).append(kind)
    path = []
    for index in range(top + 1):
        path.append((STAGES[index], "forward"))
        for kind in at_stage.get(index, []):
            if kind == "pause":
                path += [("withdrawn", "pause"), (STAGES[index], "resume")]
            elif kind == "back2":
                path += [(STAGES[index - 2], "back"), (STAGES[index - 1], "forward"),
                         (STAGES[index], "forward")]
            else:
                path += [(STAGES[index - 1], "back"), (STAGES[index], "forward")]
    if final in EXITS:
        path.append((final, "exit"))
    return path


def _timeline(world: World, start: datetime, path: list) -> list[datetime]:
    """When each step happened: usual stays, squeezed to fit before today."""
    rng = world.rng
    stays = [rng.uniform(*(SHORT_STAY if kind == "back" else STAY[stage])) * 86_400
             for stage, kind in path[:-1]]
    available = (world.horizon - start).total_seconds() - 3_600
    total = sum(stays)
    if total > available * 0.9:
        factor = available * 0.9 * rng.uniform(0.6, 1) / total
        stays = [s * factor for s in stays]
    least = min(3_600, available / (len(path) + 1))
    times, at = [start], start
    for stay in stays:
        at += timedelta(seconds=int(max(least, stay)))
        times.append(at)
    return times


def _loops(world: World, tops: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Back-and-forth moves per project (index) so that transitions reach their target."""
    rng = world.rng
    base = sum(top + 1 for top in tops) + sum(
        1 for plan in world.projects if plan.stage in EXITS)
    extra = max(0, world.counts["stage_transitions"] - base)
    movers = [i for i, top in enumerate(tops) if top > 0]
    loops: dict[int, list[tuple[int, str]]] = {}
    if not movers:
        return loops
    deep = [i for i in movers if tops[i] >= 2]
    odd = extra % 2 == 1 and extra >= 3 and bool(deep)  # one move back two stages: 3 more
    # Slots: a project may go back and forth up to twice per stage it went through, so the
    # further along, the more often (and no project bounces forever).
    slots = [i for i in movers for _ in range(2 * tops[i])]
    wanted = (extra - 3 * odd) // 2
    drawn = rng.sample(slots, min(wanted, len(slots)))
    drawn += rng.choices(movers, k=wanted - len(drawn))
    for index, times in Counter(drawn).items():
        loops[index] = [(rng.randint(1, tops[index]),
                         "pause" if rng.random() < PAUSE_SHARE else "back")
                        for _ in range(times)]
    if odd:
        index = rng.choice(deep)
        loops.setdefault(index, []).append((tops[index], "back2"))
    return loops


def plan_projects(world: World) -> None:
    """Every project's organization, officer, cohort, stage and dated history."""
    rng, count = world.rng, world.counts["projects"]
    first = world.writer.reserve(Project.__table__, count)
    cohorts, weights = _open_cohorts(world)
    officer_load = [rng.uniform(0.6, 1.4) for _ in world.officers]
    for index, org in enumerate(_assign_projects(world)):
        cohort = rng.choices(cohorts, weights)[0]
        year_start = datetime(int(cohort), 1, 1)
        end = min(datetime(int(cohort) + 1, 1, 1), world.horizon - timedelta(days=2))
        officer = rng.choices(world.officers, officer_load)[0] if rng.random() < 0.92 else None
        world.projects.append(ProjectPlan(id=first + index, organization=org, officer_id=officer,
                                          cohort=cohort, start=world.moment(year_start, end),
                                          stage=_final_stage(world, cohort)))
    tops = [_top(plan.stage, world) for plan in world.projects]
    loops = _loops(world, tops)
    for index, plan in enumerate(world.projects):
        steps = _path(tops[index], plan.stage, loops.get(index, []))
        plan.path = [(stage, at, kind) for (stage, kind), at in
                     zip(steps, _timeline(world, plan.start, steps), strict=True)]
        org = world.organizations[plan.organization]
        met = plan.start - timedelta(days=rng.randint(0, 60))
        org["created_at"] = org["updated_at"] = min(org["created_at"], met)


def _project_row(world: World, plan: ProjectPlan) -> dict:
    org = world.organizations[plan.organization]
    name, arabic = world.rng.choice(names.PROJECTS)
    themes = world.themes(org["_themes"][:1])
    theme_bits, sdg_bits = world.masks(themes)
    last = plan.path[-1][1]
    return {"id": plan.id, "name": f"{name} — {org['city']}",
            "name_arabic": f"{arabic} - {org['_city_ar']}", "description": "",
            "organization_id": org["id"], "stage_id": world.stages[plan.stage],
            "officer_id": plan.officer_id, "cohort": plan.cohort, "stage_entered_at": last,
            "last_activity_at": last,
            "themes": theme_bits, "sdgs": sdg_bits, "created_at": plan.start,
            "updated_at": last, "version": len(plan.path)}


def write_projects(world: World) -> list[dict]:
    rows = [_project_row(world, plan) for plan in world.projects]
    world.writer.write_all(Project.__table__, rows, "projects", len(rows))
    return rows


def _note(world: World, kind: str, stage: str) -> str:
    rng = world.rng
    if kind == "back":
        return rng.choice(names.BACK_NOTES)
    if kind == "resume":
        return names.RESUME_NOTE
    if stage == "declined":
        return rng.choice(names.DECLINE_REASONS)
    if stage == "withdrawn":
        return rng.choice(names.WITHDRAW_REASONS)
    return rng.choice(names.FORWARD_NOTES)


def _transition_rows(world: World, first_id: int):
    rng, stages, next_id = world.rng, world.stages, first_id
    for plan in world.projects:
        previous = None
        leaving = [at for _stage, at, _kind in plan.path[1:]] + [None]
        for (stage, at, kind), left_at in zip(plan.path, leaving, strict=True):
            by = plan.officer_id or rng.choice(world.officers)
            yield {"id": next_id, "project_id": plan.id, "from_stage_id": previous,
                   "to_stage_id": stages[stage], "at": at, "left_at": left_at, "by_id": by,
                   "note": "" if previous is None else _note(world, kind, stage)}
            previous, next_id = stages[stage], next_id + 1


def write_transitions(world: World) -> None:
    total = sum(len(plan.path) for plan in world.projects)
    first = world.writer.reserve(StageTransition.__table__, total)
    world.writer.write_all(StageTransition.__table__, _transition_rows(world, first),
                           "stage_transitions", total)
